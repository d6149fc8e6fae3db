import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AudioError } from './audio-error.ts';
import { ffmpegBinary, runTool, toolReason, type FfmpegTools } from './ffmpeg-process.ts';

/**
 * Containers we write; the file extension decides which. Lossy settings are mid-quality VBR:
 * these files are demo and test material, small matters more than transparency.
 */
export const AUDIO_FORMATS = {
  ogg: { muxer: 'ogg', codec: ['-c:a', 'libvorbis', '-q:a', '3'], contentType: 'audio/ogg' },
  mp3: { muxer: 'mp3', codec: ['-c:a', 'libmp3lame', '-q:a', '5'], contentType: 'audio/mpeg' },
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
      launcher: opts.launcher,
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

export interface PcmOutput {
  samples: Float32Array;
  outFile: string;
  /** Defaults to the extension of `outFile`. */
  format?: AudioFormat;
}

/**
 * Encodes many mono PCM buffers (same rate) with ONE ffmpeg process: their samples go in as one
 * stream, `asplit` + `atrim` cut it back into the pieces sample-exactly, and each piece has its
 * own output file and codec. For hundreds of short files this saves most of the cost, which is
 * ffmpeg starting up (~0.1 s each). The PCM is handed over in a temp file rather than a pipe so
 * ffmpeg never waits on a JavaScript thread busy with other work (e.g. synthesizing the next
 * batch). All outputs are renamed into place only when the whole batch succeeded.
 */
export async function encodePcmBatch(outputs: readonly PcmOutput[], sampleRate: number, opts: Omit<EncodeOptions, 'format'> = {}): Promise<void> {
  if (outputs.length === 0) return;
  const specs = outputs.map((o) => {
    const format = o.format ?? formatOfPath(o.outFile);
    if (!format) {
      throw new AudioError('encode-failed', o.outFile, `Cannot tell which audio format to write for ${o.outFile}.`,
        `Use one of the extensions ${Object.keys(AUDIO_FORMATS).map((e) => `.${e}`).join(', ')}.`);
    }
    if (o.samples.length === 0) throw new AudioError('encode-failed', o.outFile, `Nothing to write to ${o.outFile}: no samples.`);
    return { ...o, spec: AUDIO_FORMATS[format], tmp: `${o.outFile}.tmp-${process.pid}-${randomBytes(4).toString('hex')}` };
  });

  const work = await mkdtemp(path.join(tmpdir(), 'cratedigger-pcm-'));
  try {
    const raw = path.join(work, 'batch.f32');
    await writeFile(raw, Buffer.concat(outputs.map((o) => new Uint8Array(o.samples.buffer, o.samples.byteOffset, o.samples.byteLength))));
    const chains: string[] = [];
    let at = 0;
    specs.forEach((o, i) => {
      chains.push(`[s${i}]atrim=start_sample=${at}:end_sample=${at + o.samples.length},asetpts=PTS-STARTPTS[a${i}]`);
      at += o.samples.length;
    });
    const graph = `[0:a]asplit=${specs.length}${specs.map((_, i) => `[s${i}]`).join('')};${chains.join(';')}`;
    const args = ['-hide_banner', '-nostdin', '-v', 'error', '-y', '-f', 'f32le', '-ar', String(sampleRate), '-ac', '1',
      '-i', raw, '-filter_complex', graph];
    specs.forEach((o, i) => args.push('-map', `[a${i}]`, ...o.spec.codec, '-f', o.spec.muxer, o.tmp));
    await Promise.all([...new Set(specs.map((o) => path.dirname(o.outFile)))].map((d) => mkdir(d, { recursive: true })));
    const first = specs[0]!.outFile;
    const res = await runTool(ffmpegBinary(opts), args, {
      file: first,
      launcher: opts.launcher,
      timeoutMs: opts.timeoutMs ?? 120_000 + 10_000 * specs.length,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (res.code !== 0) {
      throw new AudioError('encode-failed', first,
        `ffmpeg could not write ${specs.length} files (${first}, …): ${toolReason(res.stderr, first)}.`);
    }
    for (const o of specs) await rename(o.tmp, o.outFile);
  } finally {
    await Promise.all(specs.map((o) => rm(o.tmp, { force: true })));
    await rm(work, { recursive: true, force: true });
  }
}
