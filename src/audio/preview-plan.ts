/**
 * How to cut and encode a preview clip so it fits an upload limit (pure arithmetic).
 *
 * Clips are MP3 (CBR): every inline player Discord serves plays it, and a CBR size is
 * predictable — bitrate × duration plus a small header — so the plan picks the best bitrate
 * that fits before encoding, and the encoder's real size only confirms it.
 */

export const MiB = 1024 * 1024;
/** Discord's default upload limit per file (the interaction tells the real one). */
export const DEFAULT_UPLOAD_LIMIT_BYTES = 10 * MiB;
export const DEFAULT_EXCERPT_SEC = 30;
/** Best first. 160 kbps is transparent enough for a preview; below 64 the clip goes mono 22 kHz. */
export const BITRATE_LADDER_KBPS = [160, 128, 96, 64, 48, 32] as const;
/** A shorter clip says too little to be worth attaching. */
export const MIN_CLIP_SEC = 5;
/** Xing/LAME header frame, a partly filled last frame, ID3 tag: generous. */
const MP3_OVERHEAD_BYTES = 4096;

export interface ClipPlan {
  startSec: number;
  durationSec: number;
  bitrateKbps: number;
  channels: 1 | 2;
  sampleRate: number;
}

export interface PlanInput {
  /** Source duration; NaN when unknown (then the clip starts at 0). */
  sourceSec: number;
  sourceChannels: number;
  limitBytes: number;
  excerptSec?: number;
  /** Highest bitrate to consider (lowered to retry when an encode came out too big). */
  maxKbps?: number;
  minClipSec?: number;
}

export function estimateMp3Bytes(kbps: number, durationSec: number): number {
  return Math.ceil((kbps * 1000 * durationSec) / 8) + MP3_OVERHEAD_BYTES;
}

/** The best clip that fits the limit (highest bitrate, then longest), or why none does. */
export function planClip(input: PlanInput): ClipPlan | { none: string } {
  const excerpt = input.excerptSec ?? DEFAULT_EXCERPT_SEC;
  const maxKbps = input.maxKbps ?? BITRATE_LADDER_KBPS[0];
  const known = Number.isFinite(input.sourceSec) && input.sourceSec > 0;
  // Tracks no longer than the excerpt go whole.
  const wanted = known ? Math.min(excerpt, input.sourceSec) : excerpt;
  const ladder = BITRATE_LADDER_KBPS.filter((k) => k <= maxKbps);
  const lowest = ladder.at(-1);
  if (lowest === undefined) return { none: `no MP3 bitrate at or below ${maxKbps} kbps` };

  let kbps = ladder.find((k) => estimateMp3Bytes(k, wanted) <= input.limitBytes);
  let duration = wanted;
  if (kbps === undefined) {
    // Even the lowest bitrate is too big: shorten the clip to what fits.
    kbps = lowest;
    duration = Math.floor((input.limitBytes - MP3_OVERHEAD_BYTES) / ((kbps * 1000) / 8));
    const minSec = Math.min(input.minClipSec ?? MIN_CLIP_SEC, wanted);
    if (duration < minSec) {
      return {
        none: `even at ${kbps} kbps a ${formatSeconds(minSec)} clip is bigger than the upload limit (${formatBytes(input.limitBytes)})`,
      };
    }
  }
  const startSec = known ? Math.max(0, (input.sourceSec - duration) / 2) : 0;
  return {
    startSec: round3(startSec),
    durationSec: duration,
    bitrateKbps: kbps,
    channels: kbps >= 96 && input.sourceChannels >= 2 ? 2 : 1,
    sampleRate: kbps >= 64 ? 44_100 : 22_050,
  };
}

/** `14.2 MiB`, `10 MiB`, `512 KiB`, `900 B`: for reasons users read. */
export function formatBytes(n: number): string {
  const units: [number, string][] = [[MiB, 'MiB'], [1024, 'KiB']];
  for (const [size, unit] of units) {
    if (n >= size) return `${trimZero((n / size).toFixed(1))} ${unit}`;
  }
  return `${n} B`;
}

function formatSeconds(s: number): string {
  return `${trimZero(s.toFixed(1))} s`;
}

function trimZero(s: string): string {
  return s.endsWith('.0') ? s.slice(0, -2) : s;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
