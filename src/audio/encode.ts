import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { AudioError } from './audio-error.ts';
import { ffmpegBinary, runTool, toolReason, type FfmpegTools } from './ffmpeg-process.ts';

/** Containers we write; the file extension decides which. */
export const AUDIO_FORMATS = {
  ogg: { muxer: 'ogg', codec: ['-c:a', 'libvorbis', '-q:a', '4'], contentType: 'audio/ogg' },
  mp3: { muxer: 'mp3', codec: ['-c:a', 'libmp3lame', '-b:a', '128k'], contentType: 'audio/mpeg' },
  flac: { muxer: 'flac', codec: ['-c:a', 'flac'], contentType: 'audio/flac' },
  wav: { muxer: 'wav', codec: ['-c:a', 'pcm_s16le'], contentType: 'audio/wav' },
  m4a: { muxer: 'ipod', codec: ['-c:a', 'aac', '-b:a', '128k'], contentType: 'audio/mp4' },
} as const;

export type AudioFormat = keyof typeof AUDIO_FORMATS;

/** The format a path's extension names (`.ogg`, `.mp3`, `.flac`, `.wav`, `.m4a`), or undefined. */
export function formatOfPath(file: string): AudioFormat | undefined {
  const ext = path.extname(file).slice(1).toLowerCase();
  return Object.hasOwn(AUDIO_FORMATS, ext) ? (ext as AudioFormat) : undefined;
}

/** MIME type for an audio file name (for attachments); `application/octet-stream` if unknown. */
export function contentTypeOf(file: string): string {
  const ext = path.extname(file).slice(1).toLowerCase();
  if (ext === 'opus' || ext === 'oga') return 'audio/ogg';
  const format = formatOfPath(file);
  return format ? AUDIO_FORMATS[format].contentType : 'application/octet-stream';
}

export interface EncodeOptions extends FfmpegTools {
  /** Defaults to the extension of `outFile`. */
  format?: AudioFormat;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Writes mono float PCM to `outFile` through ffmpeg (raw f32le piped to stdin), atomically:
 * ffmpeg writes a temp file next to it, renamed into place only when it succeeded.
 */
export async function encodePcmToFile(
  samples: Float32Array,
  sampleRate: number,
  outFile: string,
  opts: EncodeOptions = {},
): Promise<void> {
  const format = opts.format ?? formatOfPath(outFile);
  if (!format) {
    throw new AudioError('encode-failed', outFile, `Cannot tell which audio format to write for ${outFile}.`,
      `Use one of the extensions ${Object.keys(AUDIO_FORMATS).map((e) => `.${e}`).join(', ')}.`);
  }
  const spec = AUDIO_FORMATS[format];
  const pcm = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  await mkdir(path.dirname(outFile), { recursive: true });
  const tmp = `${outFile}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const args = ['-hide_banner', '-nostdin', '-v', 'error', '-y',
    '-f', 'f32le', '-ar', String(sampleRate), '-ac', '1', '-i', 'pipe:0',
    ...spec.codec, '-f', spec.muxer, tmp];
  try {
    const res = await runTool(ffmpegBinary(opts), args, {
      file: outFile,
      stdin: pcm,
      timeoutMs: opts.timeoutMs ?? 120_000,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (res.code !== 0) {
      throw new AudioError('encode-failed', outFile, `ffmpeg could not write ${outFile}: ${toolReason(res.stderr, tmp)}.`);
    }
    await rename(tmp, outFile);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
