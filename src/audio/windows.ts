/**
 * Which 10-second windows of a track the CLAP audio tower sees.
 *
 * CLAP takes exactly 480,000 samples (10 s at 48 kHz). Its feature extractor crops longer audio
 * at RANDOM, so embeddings would change from build to build; we cut deterministic windows here
 * and the encoder embeds each (the index build averages them into one track vector).
 *
 * Policy `center-3x10s` (v1), for a track of L samples, window W, at most M = 3 windows:
 * - L < W: one window, padded as CLAP's `repeatpad` does: the audio repeated ⌊W/L⌋ times,
 *   then zeros up to W (the same array the extractor would build, so the choice is invisible to
 *   the model).
 * - W ≤ L ≤ M·W (10–30 s): n = ⌈L/W⌉ full windows spread evenly from the first sample to the
 *   last, overlapping as needed, so every sample is seen (exactly 10 s: one window).
 * - L > M·W: M windows spread evenly over the middle `middleFraction` (60 %) of the track
 *   (at least M·W samples; then they are consecutive): first window starts where that region
 *   starts, last one ends where it ends.
 *
 * Why spread rather than 30 consecutive seconds: the averaged embedding should describe the
 * track, and 10-second looks at different sections (verse, chorus, bridge) do that better than
 * one contiguous stretch; keeping to the middle 60 % skips intros, fade-outs and trailing
 * silence, which tell little about how a track sounds.
 */

export interface WindowPolicy {
  name: string;
  version: number;
  sampleRate: number;
  windowSamples: number;
  maxWindows: number;
  /** Long tracks: windows spread evenly over this centred fraction of the track. */
  placement: 'spread-over-middle';
  middleFraction: number;
  /** Shorter than one window: repeat, then zero-pad (CLAP's `repeatpad`). */
  shortPadding: 'repeatpad';
}

/** The policy the CLAP audio index uses; JSON-serializable, written into the index manifest. */
export const CLAP_WINDOW_POLICY: Readonly<WindowPolicy> = Object.freeze({
  name: 'center-3x10s',
  version: 1,
  sampleRate: 48_000,
  windowSamples: 480_000,
  maxWindows: 3,
  placement: 'spread-over-middle',
  middleFraction: 0.6,
  shortPadding: 'repeatpad',
});

/** Where one window comes from: `length` source samples from `start` (padded when < window). */
export interface WindowSpan {
  start: number;
  length: number;
  padded: boolean;
}

/** The windows the policy takes from a track of `totalSamples` samples (pure arithmetic). */
export function planWindows(totalSamples: number, policy: WindowPolicy = CLAP_WINDOW_POLICY): WindowSpan[] {
  checkPolicy(policy);
  if (!Number.isInteger(totalSamples) || totalSamples <= 0) {
    throw new RangeError(`cannot cut windows from ${totalSamples} samples: need at least one`);
  }
  const w = policy.windowSamples;
  const m = policy.maxWindows;
  if (totalSamples < w) return [{ start: 0, length: totalSamples, padded: true }];

  let regionStart = 0;
  let regionLength = totalSamples;
  let n = Math.min(m, Math.ceil(totalSamples / w));
  if (totalSamples > m * w) {
    regionLength = Math.max(m * w, Math.round(totalSamples * policy.middleFraction));
    regionStart = Math.floor((totalSamples - regionLength) / 2);
    n = m;
  }
  const slack = regionLength - w;
  const spans: WindowSpan[] = [];
  for (let i = 0; i < n; i++) {
    const offset = n === 1 ? Math.floor(slack / 2) : Math.round((i * slack) / (n - 1));
    spans.push({ start: regionStart + offset, length: w, padded: false });
  }
  return spans;
}

/**
 * The windows themselves: views into `samples` (no copy) for full windows, a new padded array
 * for a short track. Each has exactly `policy.windowSamples` samples.
 */
export function cutWindows(samples: Float32Array, policy: WindowPolicy = CLAP_WINDOW_POLICY): Float32Array[] {
  return planWindows(samples.length, policy).map((span) =>
    span.padded
      ? repeatPad(samples.subarray(span.start, span.start + span.length), policy.windowSamples)
      : samples.subarray(span.start, span.start + span.length),
  );
}

/**
 * CLAP's `repeatpad` as the Python extractor does it: tile the audio ⌊target/len⌋ times, then
 * zeros up to `target`. (transformers.js places one copy fewer when `len` divides `target`;
 * we follow the reference implementation the models were trained with.)
 */
export function repeatPad(samples: Float32Array, target: number): Float32Array {
  if (samples.length === 0) throw new RangeError('cannot pad an empty window');
  const out = new Float32Array(target);
  if (samples.length >= target) {
    out.set(samples.subarray(0, target));
    return out;
  }
  const repeats = Math.floor(target / samples.length);
  for (let r = 0; r < repeats; r++) out.set(samples, r * samples.length);
  return out;
}

function checkPolicy(p: WindowPolicy): void {
  if (!Number.isInteger(p.windowSamples) || p.windowSamples <= 0) {
    throw new RangeError(`windowSamples must be a positive integer, got ${p.windowSamples}`);
  }
  if (!Number.isInteger(p.maxWindows) || p.maxWindows < 1) {
    throw new RangeError(`maxWindows must be an integer ≥ 1, got ${p.maxWindows}`);
  }
  if (!(p.middleFraction > 0 && p.middleFraction <= 1)) {
    throw new RangeError(`middleFraction must be in (0, 1], got ${p.middleFraction}`);
  }
}
