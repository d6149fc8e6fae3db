import { readdir, stat, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Track, TrackTags } from '../../src/catalog/track.ts';
import { isAudioError } from '../../src/audio/audio-error.ts';
import { decodeAudio } from '../../src/audio/decode.ts';
import { demoAudioFormat, demoAudioPath, writeDemoAudio } from '../../src/audio/demo-audio.ts';
import { encodePcmToFile } from '../../src/audio/encode.ts';
import { probeAudio } from '../../src/audio/probe.ts';
import { demoDurationSec } from '../../src/audio/synth.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';
import { dominantFrequency } from './fixtures.ts';

const base = await fileTempDir('demo');

function track(id: string, p: string | undefined, tags: Partial<TrackTags> = {}): Track {
  return { id, ...(p ? { path: p } : {}), tags: { mood: [], genre: [], instrument: [], ...tags }, caption: '', keywords: [] };
}

const CODEC = { ogg: 'vorbis', mp3: 'mp3', flac: 'flac', wav: 'pcm_s16le', m4a: 'aac' } as const;

describe('writeDemoAudio', () => {
  it('writes every track in the format its path names, decodable at its demo length', async () => {
    const root = path.join(base, 'formats');
    const tracks = (Object.keys(CODEC) as (keyof typeof CODEC)[]).map((ext, i) =>
      track(`demo_${i}`, `x/${i}/demo_${i}.${ext}`, { mood: ['happy'], genre: ['pop'], instrument: ['piano'] }));
    const progress: number[] = [];
    const report = await writeDemoAudio(tracks, root, { batchSize: 2, onProgress: (done) => progress.push(done) });
    expect(report).toMatchObject({ written: 5, skipped: 0 });
    expect(progress.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
    for (const [i, t] of tracks.entries()) {
      const file = path.join(root, t.path!);
      expect(report.files[i]).toBe(file);
      const ext = path.extname(file).slice(1) as keyof typeof CODEC;
      const probe = await probeAudio(file);
      expect(probe.codec).toBe(CODEC[ext]);
      expect(probe.channels).toBe(1);
      const audio = await decodeAudio(file);
      expect(Math.abs(audio.durationSec - demoDurationSec(t))).toBeLessThan(0.05);
      expect(audio.peak).toBeGreaterThan(0.3);
    }
    // Nothing but the audio files: temp files and the PCM hand-over are gone.
    expect((await readdir(path.join(root, 'x', '0'))).sort()).toEqual(['demo_0.ogg']);
  });

  it('keeps existing files unless asked to overwrite (an interrupted run resumes)', async () => {
    const root = path.join(base, 'resume');
    const tracks = [track('r1', 'r1.ogg'), track('r2', 'r2.ogg')];
    await mkdir(root, { recursive: true });
    await writeFile(path.join(root, 'r1.ogg'), 'placeholder');
    expect(await writeDemoAudio(tracks, root)).toMatchObject({ written: 1, skipped: 1 });
    expect((await stat(path.join(root, 'r1.ogg'))).size).toBe('placeholder'.length);
    expect(await writeDemoAudio(tracks, root)).toMatchObject({ written: 0, skipped: 2 });
    expect(await writeDemoAudio(tracks, root, { overwrite: true })).toMatchObject({ written: 2, skipped: 0 });
    expect((await probeAudio(path.join(root, 'r1.ogg'))).codec).toBe('vorbis');
  });

  it('refuses a catalog with an unsafe, missing or unknown path before writing anything', async () => {
    const root = path.join(base, 'refuse');
    const err = await writeDemoAudio([track('ok', 'ok.ogg'), track('bad', '../bad.ogg')], root).catch((e: unknown) => e);
    expect(isAudioError(err, 'unsafe-path')).toBe(true);
    await expect(writeDemoAudio([track('ok', 'ok.ogg'), track('nopath', undefined)], root)).rejects.toThrow(/nopath has no path/);
    await expect(writeDemoAudio([track('ok', 'ok.ogg'), track('aiff', 'a.aiff')], root)).rejects.toThrow(/\.aiff/);
    await expect(readdir(root)).rejects.toThrow(/ENOENT/);
  });
});

describe('demoAudioPath', () => {
  it('is mostly ogg, with every other format present, and stable per id', () => {
    const counts: Record<string, number> = {};
    for (let i = 0; i < 800; i++) {
      const id = `demo_${String(i).padStart(4, '0')}`;
      const p = demoAudioPath(id);
      expect(p).toMatch(new RegExp(`^[0-9a-f]{2}/${id}\\.(ogg|mp3|flac|wav|m4a)$`));
      expect(p.endsWith(`.${demoAudioFormat(id)}`)).toBe(true);
      const ext = p.split('.').pop()!;
      counts[ext] = (counts[ext] ?? 0) + 1;
    }
    expect(counts.ogg).toBeGreaterThan(650);
    for (const ext of ['mp3', 'flac', 'wav', 'm4a']) expect(counts[ext]).toBeGreaterThan(0);
    expect(demoAudioPath('demo_0001')).toBe(demoAudioPath('demo_0001'));
  });
});

describe('encodePcmToFile', () => {
  it('writes PCM through ffmpeg so that it decodes back to the same tone', async () => {
    const sr = 16_000;
    const tone = Float32Array.from({ length: 2 * sr }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 500 * i) / sr));
    for (const ext of ['ogg', 'mp3', 'flac']) {
      const file = path.join(base, 'pcm', `tone.${ext}`);
      await encodePcmToFile(tone, sr, file);
      const audio = await decodeAudio(file);
      expect(dominantFrequency(audio.samples, 48_000)).toBe(500);
      expect(Math.abs(audio.samples.length - 96_000)).toBeLessThanOrEqual(1300);
    }
    await expect(encodePcmToFile(tone, sr, path.join(base, 'pcm', 'tone.xyz'))).rejects.toThrow(/which audio format/);
    expect((await readdir(path.join(base, 'pcm'))).sort()).toEqual(['tone.flac', 'tone.mp3', 'tone.ogg']);
  });
});
