import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A temp dir for one test file's fixtures, removed by the returned cleanup. */
export async function tempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), `cratedigger-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface ToneSpec {
  freq?: number;
  seconds: number;
  sampleRate?: number;
  channels?: 1 | 2;
  /** Codec options placed before the output file, e.g. `['-b:a', '192k']`. */
  codecArgs?: string[];
}

/** Writes a sine tone with ffmpeg's own generator (independent of the code under test). */
export async function writeTone(file: string, spec: ToneSpec): Promise<string> {
  const rate = spec.sampleRate ?? 44_100;
  const src = `sine=frequency=${spec.freq ?? 440}:sample_rate=${rate}:duration=${spec.seconds}`;
  await run('ffmpeg', ['-hide_banner', '-v', 'error', '-y', '-f', 'lavfi', '-i', src,
    '-ac', String(spec.channels ?? 1), ...(spec.codecArgs ?? []), file]);
  return file;
}

/** Digital silence in any container. */
export async function writeSilence(file: string, seconds: number): Promise<string> {
  await run('ffmpeg', ['-hide_banner', '-v', 'error', '-y', '-f', 'lavfi', '-i',
    `anullsrc=r=44100:cl=mono`, '-t', String(seconds), file]);
  return file;
}

/** Dominant frequency (Hz) of a signal, by a direct DFT scan over candidate frequencies. */
export function dominantFrequency(samples: Float32Array, sampleRate: number, fromHz = 50, toHz = 4000, stepHz = 5): number {
  // One second from the middle is plenty and keeps the scan cheap.
  const n = Math.min(samples.length, sampleRate);
  const start = Math.floor((samples.length - n) / 2);
  let best = fromHz;
  let bestPower = -1;
  for (let f = fromHz; f <= toHz; f += stepHz) {
    let re = 0;
    let im = 0;
    const w = (2 * Math.PI * f) / sampleRate;
    for (let i = 0; i < n; i++) {
      const x = samples[start + i]!;
      re += x * Math.cos(w * i);
      im -= x * Math.sin(w * i);
    }
    const p = re * re + im * im;
    if (p > bestPower) {
      bestPower = p;
      best = f;
    }
  }
  return best;
}
