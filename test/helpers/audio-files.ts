/**
 * Audio files made by ffmpeg's own generators, independent of the code under test.
 */
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ToneSpec {
  seconds: number;
  freq?: number;
  /** Another lavfi source instead of the sine, e.g. `anoisesrc=color=pink:seed=3`. */
  source?: string;
  sampleRate?: number;
  channels?: 1 | 2;
  /** Codec options placed before the output file, e.g. `['-b:a', '192k']`. */
  codecArgs?: string[];
}

/** Writes a sine tone (default 440 Hz, 44.1 kHz mono) in the container `file`'s extension names. */
export async function writeTone(file: string, spec: ToneSpec): Promise<string> {
  const rate = spec.sampleRate ?? 44_100;
  const src = `${spec.source ?? `sine=frequency=${spec.freq ?? 440}`}:sample_rate=${rate}:duration=${spec.seconds}`;
  await mkdir(path.dirname(file), { recursive: true });
  await run('ffmpeg', ['-hide_banner', '-v', 'error', '-y', '-f', 'lavfi', '-i', src,
    '-ac', String(spec.channels ?? 1), ...(spec.codecArgs ?? []), file]);
  return file;
}

/** Constant-bitrate MP3 options for writeTone. */
export const mp3 = (kbps: number): string[] => ['-c:a', 'libmp3lame', '-b:a', `${kbps}k`];

/** Digital silence in any container. */
export async function writeSilence(file: string, seconds: number): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await run('ffmpeg', ['-hide_banner', '-v', 'error', '-y', '-f', 'lavfi', '-i',
    `anullsrc=r=44100:cl=mono`, '-t', String(seconds), file]);
  return file;
}
