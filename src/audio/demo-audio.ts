import { stat } from 'node:fs/promises';
import type { Track } from '../catalog/track.ts';
import { resolveUnderRootLexically } from './audio-paths.ts';
import { mapConcurrent } from './concurrency.ts';
import { encodePcmBatch, formatOfPath, type AudioFormat } from './encode.ts';
import type { FfmpegTools } from './ffmpeg-process.ts';
import { fnv1a } from '../util/prng.ts';
import { DEMO_SAMPLE_RATE, synthesizeTrack } from './synth.ts';

/**
 * Writes the demo catalog's audio: each track's synthesized piece at `<root>/<track.path>`.
 * The path's extension decides the container (`.ogg` vorbis, `.mp3`, `.flac`, `.wav`, `.m4a`),
 * so the demo catalog chooses the formats; `demoAudioPath` gives it a mostly-ogg mix that also
 * exercises the other decoders.
 */

/**
 * Container for a demo track, seeded by id: ~89 % ogg, 5 % mp3, 2.5 % m4a, 2.5 % flac, 1.25 % wav
 * — every decoder gets exercised, and the lossless (big) files stay few.
 */
export function demoAudioFormat(trackId: string): AudioFormat {
  const h = fnv1a(`${trackId}#format`) % 80;
  if (h === 0) return 'wav';
  if (h <= 2) return 'flac';
  if (h <= 6) return 'mp3';
  if (h <= 8) return 'm4a';
  return 'ogg';
}

/**
 * A demo track's audio path under the demo audio root: `<2 hex of id hash>/<id>.<ext>`, laid out
 * like MTG-Jamendo's `48/948.mp3` (a few files per folder).
 */
export function demoAudioPath(trackId: string): string {
  const bucket = (fnv1a(trackId) & 0xff).toString(16).padStart(2, '0');
  return `${bucket}/${trackId}.${demoAudioFormat(trackId)}`;
}

export interface WriteDemoAudioOptions extends FfmpegTools {
  /** ffmpeg processes at once (default 2); each encodes a batch while the next is synthesized. */
  concurrency?: number;
  /** Tracks per ffmpeg process (default 16): starting ffmpeg costs more than encoding 15 s. */
  batchSize?: number;
  sampleRate?: number;
  /** Rewrite files that exist already (default: keep them, so an interrupted run resumes). */
  overwrite?: boolean;
  onProgress?: (done: number, total: number, track: Track) => void;
}

export interface WriteDemoAudioReport {
  written: number;
  /** Existing files kept. */
  skipped: number;
  files: string[];
}

export async function writeDemoAudio(
  tracks: readonly Track[],
  root: string,
  opts: WriteDemoAudioOptions = {},
): Promise<WriteDemoAudioReport> {
  const sampleRate = opts.sampleRate ?? DEMO_SAMPLE_RATE;
  // Check every path before writing anything: a bad catalog fails fast, not after 500 files.
  const jobs = tracks.map((track) => {
    if (!track.path) throw new RangeError(`demo track ${track.id} has no path to write its audio to`);
    const format = formatOfPath(track.path);
    if (!format) {
      throw new RangeError(`demo track ${track.id}: cannot write audio as ${track.path} (use .ogg, .mp3, .flac, .wav or .m4a)`);
    }
    return { track, file: resolveUnderRootLexically(root, track.path), format };
  });

  const todo: typeof jobs = [];
  for (const job of jobs) {
    if (opts.overwrite || !(await exists(job.file))) todo.push(job);
  }
  const skipped = jobs.length - todo.length;
  const batchSize = Math.max(1, opts.batchSize ?? 16);
  const batches: (typeof jobs)[] = [];
  for (let i = 0; i < todo.length; i += batchSize) batches.push(todo.slice(i, i + batchSize));

  let done = skipped;
  let written = 0;
  await mapConcurrent(batches, opts.concurrency ?? 2, async (batch) => {
    const outputs = batch.map(({ track, file, format }) => ({ samples: synthesizeTrack(track, { sampleRate }), outFile: file, format }));
    await encodePcmBatch(outputs, sampleRate, opts);
    written += batch.length;
    for (const { track } of batch) opts.onProgress?.(++done, jobs.length, track);
  });
  return { written, skipped, files: jobs.map((j) => j.file) };
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).size > 0;
  } catch {
    return false;
  }
}
