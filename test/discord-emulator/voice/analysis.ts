/**
 * Pure helpers to judge the audio the voice emulator received: the pitch of a stretch of PCM, the
 * tones a stream was made of, and how evenly frames arrived.
 */

import { fft } from '../../helpers/fft.ts';

export interface PcmFormat {
  /** Default 48 000 (what Discord voice carries). */
  sampleRate?: number;
  /** Interleaved channels, default 2. */
  channels?: number;
}

/** The fields of a received frame these helpers read (voice-session.ts's VoiceFrame has them). */
export interface FrameLike {
  arrivedAt: number;
  pcm: Int16Array;
  silence: boolean;
}

const MIN_FREQ_HZ = 20;

/**
 * The strongest frequency in `pcm` (channels mixed to mono, Hann window, FFT zero-padded to a power
 * of two, the peak refined by parabolic interpolation of log magnitudes). On a 1-s sine at 48 kHz
 * this is within ~0.1 Hz; on 200 ms within ~1 Hz. NaN for empty or all-zero input.
 */
export function dominantFrequency(pcm: Int16Array, format: PcmFormat = {}): number {
  const rate = format.sampleRate ?? 48_000;
  const channels = format.channels ?? 2;
  const n = Math.floor(pcm.length / channels);
  if (n < 2) return Number.NaN;
  const size = 2 ** Math.ceil(Math.log2(n));
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  let energy = 0;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += pcm[i * channels + c]!;
    const hann = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    re[i] = (sum / channels) * hann;
    energy += re[i]! * re[i]!;
  }
  if (energy === 0) return Number.NaN;
  fft(re, im);
  const mag = (k: number) => Math.hypot(re[k]!, im[k]!);
  const first = Math.max(1, Math.ceil((MIN_FREQ_HZ * size) / rate));
  let peak = first;
  for (let k = first; k < size / 2; k++) if (mag(k) > mag(peak)) peak = k;
  // Parabolic interpolation on log magnitudes (a Gaussian fit, exact for a Hann-windowed sine's main lobe to ~0.1 bin).
  const a = Math.log(mag(peak - 1) + 1e-12);
  const b = Math.log(mag(peak) + 1e-12);
  const c = Math.log(mag(peak + 1) + 1e-12);
  const denom = a - 2 * b + c;
  const shift = denom === 0 ? 0 : (0.5 * (a - c)) / denom;
  return ((peak + shift) * rate) / size;
}


/** Root mean square of the samples (0 for none). */
export function rms(pcm: Int16Array): number {
  if (!pcm.length) return 0;
  let sum = 0;
  for (const s of pcm) sum += s * s;
  return Math.sqrt(sum / pcm.length);
}

export interface ToneSegment {
  /** Mean dominant frequency of the segment's windows (Hz). */
  freq: number;
  /** Audio frames in the segment. */
  frames: number;
  /** Arrival of its first frame, and of its last frame plus 20 ms (performance.now() ms). */
  startMs: number;
  endMs: number;
}

export interface ToneSegmentOptions extends PcmFormat {
  /** Frames per analysis window (default 10 = 200 ms). */
  windowFrames?: number;
  /** Windows this close to a segment's frequency join it (default max(3 Hz, 1 %)). */
  toleranceHz?: number;
  /** Windows quieter than this RMS count as silence (default 30, about -60 dBFS). */
  minRms?: number;
}

/**
 * The tones in a run of frames: audio frames (silence frames excluded) are cut into windows of
 * `windowFrames` consecutive frames (a silence frame or the end starts a new window; a remainder
 * shorter than half a window is dropped), each window gets its dominant frequency, and neighbouring
 * windows with the same frequency (within the tolerance) merge into one segment, across silence too.
 */
export function toneSegments(frames: readonly FrameLike[], options: ToneSegmentOptions = {}): ToneSegment[] {
  const windowFrames = options.windowFrames ?? 10;
  const minRms = options.minRms ?? 30;
  const windows: FrameLike[][] = [];
  let current: FrameLike[] = [];
  const flush = () => {
    if (current.length * 2 >= windowFrames) windows.push(current);
    current = [];
  };
  for (const f of frames) {
    if (f.silence) {
      flush();
      continue;
    }
    current.push(f);
    if (current.length === windowFrames) flush();
  }
  flush();
  const segments: (ToneSegment & { sum: number; windows: number })[] = [];
  for (const w of windows) {
    const pcm = concat(w.map((f) => f.pcm));
    if (rms(pcm) < minRms) continue;
    const freq = dominantFrequency(pcm, options);
    if (!Number.isFinite(freq)) continue;
    const last = segments.at(-1);
    const tolerance = options.toleranceHz ?? Math.max(3, 0.01 * freq);
    const startMs = w[0]!.arrivedAt;
    const endMs = w.at(-1)!.arrivedAt + 20;
    if (last && Math.abs(last.freq - freq) <= tolerance) {
      last.sum += freq;
      last.windows++;
      last.freq = last.sum / last.windows;
      last.frames += w.length;
      last.endMs = endMs;
    } else {
      segments.push({ freq, frames: w.length, startMs, endMs, sum: freq, windows: 1 });
    }
  }
  return segments.map(({ freq, frames: count, startMs, endMs }) => ({ freq, frames: count, startMs, endMs }));
}

export interface ArrivalGaps {
  /** The largest counted gap (ms); 0 with fewer than two frames. */
  max: number;
  /** Median and 95th percentile of the counted gaps (ms; 0 when none). */
  median: number;
  p95: number;
  /** Gaps between consecutive frames (ms), in order, pauses between streams left out. */
  gaps: number[];
  /** How many gaps were left out as pauses between streams. */
  pauses: number;
}

/**
 * Inter-arrival gaps between consecutive frames (silence frames included: they are sent at the
 * same 20 ms pace). A gap is a pause between streams, and left out, when the client said it
 * stopped: an op 5 Speaking with `speaking: 0` arrived within it (pass the session's `speaking`),
 * or it follows at least 4 consecutive silence frames (the padding @discordjs/voice sends before it
 * goes idle or pauses: of its 5 padding frames only 4 go out when a stream ends, the player turning
 * idle with the 5th prepared, which then opens the next stream). Consecutive left-out gaps are one pause.
 */
export function arrivalGaps(frames: readonly FrameLike[], speaking: readonly { at: number; speaking: number }[] = []): ArrivalGaps {
  const stops = speaking.filter((s) => s.speaking === 0).map((s) => s.at);
  const gaps: number[] = [];
  let pauses = 0;
  let silenceRun = 0;
  let inPause = false;
  for (let i = 1; i < frames.length; i++) {
    const prev = frames[i - 1]!;
    const next = frames[i]!;
    silenceRun = prev.silence ? silenceRun + 1 : 0;
    const saidStop = stops.some((t) => t > prev.arrivedAt && t <= next.arrivedAt);
    if (saidStop || silenceRun >= 4) {
      if (!inPause) pauses++;
      inPause = true;
      continue;
    }
    inPause = false;
    gaps.push(next.arrivedAt - prev.arrivedAt);
  }
  return { max: gaps.reduce((m, g) => Math.max(m, g), 0), median: percentile(gaps, 0.5), p95: percentile(gaps, 0.95), gaps, pauses };
}

/** The value below which a fraction `q` of the values lie (nearest rank); 0 for none. */
export function percentile(values: readonly number[], q: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** The samples of `frames`, one after another. */
export function concatPcm(frames: readonly { pcm: Int16Array }[]): Int16Array {
  return concat(frames.map((f) => f.pcm));
}

function concat(parts: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
