import { stat } from 'node:fs/promises';
import { AudioError } from './audio-error.ts';
import { ffmpegBinary, runTool, toolReason, type FfmpegTools } from './ffmpeg-process.ts';

export interface DecodeOptions extends FfmpegTools {
  /** Output rate in Hz (CLAP wants 48,000). */
  sampleRate?: number;
  /** Start decoding here (seconds into the file). */
  startSec?: number;
  /** Decode at most this much audio (seconds). */
  maxSeconds?: number;
  /** Kill ffmpeg after this long (default 120 s: a long track takes ~1 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Peak below which the file counts as silent (default 1e-4, i.e. −80 dBFS: below any real
   * recording's noise floor, above decoder rounding of digital silence).
   */
  silenceThreshold?: number;
  /** Return silent audio instead of failing with code `silent`. */
  allowSilent?: boolean;
}

/** Mono float PCM in [-1, 1]. */
export interface DecodedAudio {
  samples: Float32Array;
  sampleRate: number;
  /** `samples.length / sampleRate`. */
  durationSec: number;
  /** Largest absolute sample value. */
  peak: number;
}

export const DEFAULT_DECODE_TIMEOUT_MS = 120_000;
export const DEFAULT_SILENCE_THRESHOLD = 1e-4;

/**
 * Decodes any audio ffmpeg reads (mp3, ogg, wav, flac, m4a, …) to mono float PCM at
 * `sampleRate` (downmix and resampling by ffmpeg), streaming its stdout into one buffer.
 * Fails with an AudioError whose `code` says why: missing, unreadable, empty, silent, timeout.
 */
export async function decodeAudio(file: string, opts: DecodeOptions = {}): Promise<DecodedAudio> {
  const sampleRate = opts.sampleRate ?? 48_000;
  if (!Number.isInteger(sampleRate) || sampleRate < 1000) {
    throw new RangeError(`sampleRate must be an integer ≥ 1000, got ${sampleRate}`);
  }
  if (opts.maxSeconds !== undefined && !(opts.maxSeconds > 0)) {
    throw new RangeError(`maxSeconds must be positive, got ${opts.maxSeconds}`);
  }
  if (opts.startSec !== undefined && !(opts.startSec >= 0)) {
    throw new RangeError(`startSec must be ≥ 0, got ${opts.startSec}`);
  }
  await requireNonEmptyFile(file);

  const args = ['-hide_banner', '-nostdin', '-v', 'error'];
  if (opts.startSec && opts.startSec > 0) args.push('-ss', String(opts.startSec));
  args.push('-i', file, '-map', '0:a:0', '-vn', '-sn', '-dn');
  if (opts.maxSeconds !== undefined) args.push('-t', String(opts.maxSeconds));
  args.push('-f', 'f32le', '-acodec', 'pcm_f32le', '-ac', '1', '-ar', String(sampleRate), 'pipe:1');

  // Chunks are kept as they come and copied once at the end: linear, no regrowing.
  const chunks: Buffer[] = [];
  let bytes = 0;
  const result = await runTool(ffmpegBinary(opts), args, {
    file,
    timeoutMs: opts.timeoutMs ?? DEFAULT_DECODE_TIMEOUT_MS,
    launcher: opts.launcher,
    ownProcessGroup: true,
    ...(opts.signal ? { signal: opts.signal } : {}),
    onStdout: (chunk) => {
      chunks.push(chunk);
      bytes += chunk.length;
    },
  });
  if (result.code !== 0) {
    throw new AudioError(
      'unreadable',
      file,
      `Cannot decode ${file}: ${describeFailure(result.stderr, file)}.`,
      'Check that it is a complete audio file (mp3, ogg, wav, flac, m4a).',
    );
  }

  let samples = joinFloat32(chunks, bytes);
  if (opts.maxSeconds !== undefined) {
    const max = Math.floor(opts.maxSeconds * sampleRate);
    if (samples.length > max) samples = samples.subarray(0, max);
  }
  if (samples.length === 0) {
    throw new AudioError(
      'empty',
      file,
      `${file} decodes to no audio at all${opts.startSec ? ` after ${opts.startSec} s` : ''}.`,
      'The file has an audio header but no samples; replace it.',
    );
  }
  const peak = peakOf(samples);
  const threshold = opts.silenceThreshold ?? DEFAULT_SILENCE_THRESHOLD;
  if (!opts.allowSilent && peak < threshold) {
    throw new AudioError(
      'silent',
      file,
      `${file} is silent (peak ${peak.toExponential(1)} over ${(samples.length / sampleRate).toFixed(1)} s).`,
      'A silent file cannot be embedded; replace it or drop the track.',
    );
  }
  return { samples, sampleRate, durationSec: samples.length / sampleRate, peak };
}

async function requireNonEmptyFile(file: string): Promise<void> {
  let size: number;
  try {
    const st = await stat(file);
    if (!st.isFile()) {
      throw new AudioError('unreadable', file, `${file} is not a regular file.`, 'Point the track path at an audio file.');
    }
    size = st.size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new AudioError('missing', file, `Audio file not found: ${file}.`, 'Check the audio root and the track path.');
    }
    throw err;
  }
  if (size === 0) {
    throw new AudioError('empty', file, `${file} is empty (0 bytes).`, 'Replace it with the real audio file.');
  }
}

function describeFailure(stderr: string, file: string): string {
  if (/matches no streams|does not contain any stream/i.test(stderr)) return 'it has no audio stream';
  return toolReason(stderr, file);
}

/** One Float32Array from byte chunks of little-endian floats (any chunk boundaries). */
export function joinFloat32(chunks: readonly Uint8Array[], totalBytes: number): Float32Array {
  const out = new Float32Array(Math.floor(totalBytes / 4));
  const bytes = new Uint8Array(out.buffer);
  let offset = 0;
  for (const chunk of chunks) {
    const take = Math.min(chunk.length, bytes.length - offset);
    if (take <= 0) break;
    bytes.set(take === chunk.length ? chunk : chunk.subarray(0, take), offset);
    offset += take;
  }
  return out;
}

export function peakOf(samples: Float32Array): number {
  let peak = 0;
  for (let i = 0; i < samples.length; i++) {
    const a = Math.abs(samples[i]!);
    if (a > peak) peak = a;
  }
  return peak;
}
