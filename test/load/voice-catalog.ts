/**
 * The voice bench's catalog: a few tracks whose audio files are long enough to play through a
 * whole ramp step, in a temp folder, indexed with the generated models. The audio is pink noise
 * under a slowly gliding tone, as 44.1 kHz stereo 128 kbps MP3 (what MTG-Jamendo ships), so
 * ffmpeg decodes, resamples and encodes with libopus at full rate as it would for music.
 */
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildTestIndex, catalogTracks } from '../bot/helpers/fixtures.ts';

const run = promisify(execFile);

export const VOICE_INDEX_NAME = 'voice-bench';

export interface VoiceCatalog {
  audioRoot: string;
  embeddingsDir: string;
  indexName: string;
  tracks: number;
  audioFiles: number;
  trackSeconds: number;
}

/** One audio file: pink noise (seeded) under a sine gliding around `baseHz`, stereo MP3. */
async function writeMusicLike(file: string, seconds: number, seed: number, baseHz: number, ffmpeg: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const noise = `anoisesrc=color=pink:amplitude=0.25:seed=${seed}:sample_rate=44100:duration=${seconds}`;
  const tone = `aevalsrc=0.3*sin(2*PI*${baseHz}*t+20*sin(2*PI*0.25*t)):sample_rate=44100:duration=${seconds}`;
  await run(ffmpeg, [
    '-hide_banner', '-v', 'error', '-y',
    '-f', 'lavfi', '-i', noise,
    '-f', 'lavfi', '-i', tone,
    '-filter_complex', '[0:a][1:a]amix=inputs=2:normalize=0,aformat=channel_layouts=stereo',
    '-c:a', 'libmp3lame', '-b:a', '128k', file,
  ]);
}

/**
 * Writes `audioFiles` files of `trackSeconds` under `dir`/audio and an index of `tracks` tracks
 * (each pointing at one of the files) under `dir`/embeddings.
 */
export async function writeVoiceCatalog(dir: string, opts: { trackSeconds: number; tracks?: number; audioFiles?: number; ffmpeg?: string }): Promise<VoiceCatalog> {
  const trackCount = opts.tracks ?? 12;
  const fileCount = opts.audioFiles ?? 4;
  const audioRoot = path.join(dir, 'audio');
  const embeddingsDir = path.join(dir, 'embeddings');
  const files = Array.from({ length: fileCount }, (_, i) => `voice/${i}.mp3`);
  await Promise.all(files.map((f, i) => writeMusicLike(path.join(audioRoot, f), opts.trackSeconds, i + 1, 220 + 55 * i, opts.ffmpeg ?? 'ffmpeg')));
  const tracks = catalogTracks(trackCount).map((t, i) => ({ ...t, path: files[i % fileCount]!, durationSec: opts.trackSeconds }));
  await buildTestIndex(path.join(embeddingsDir, VOICE_INDEX_NAME), { name: VOICE_INDEX_NAME, tracks });
  return { audioRoot, embeddingsDir, indexName: VOICE_INDEX_NAME, tracks: trackCount, audioFiles: fileCount, trackSeconds: opts.trackSeconds };
}
