import { readdir, readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Track } from '../../src/catalog/track.ts';
import { buildPreviews, getPreview, type PreviewClip, type PreviewResult } from '../../src/audio/preview.ts';
import { estimateMp3Bytes, formatBytes, planClip } from '../../src/audio/preview-plan.ts';
import { probeAudio } from '../../src/audio/probe.ts';
import { decodeAudio } from '../../src/audio/decode.ts';
import { writeTone } from '../helpers/audio-files.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';
import { dominantFrequency } from './fixtures.ts';

const base = await fileTempDir('preview');
let root: string;
let n = 0;

beforeAll(async () => {
  root = path.join(base, 'audio');
  await mkdir(path.join(root, '01'), { recursive: true });
  await writeTone(path.join(root, '01', 'long.flac'), { freq: 880, seconds: 60, channels: 2 });
  await writeTone(path.join(root, '01', 'short.ogg'), { freq: 440, seconds: 8, codecArgs: ['-c:a', 'libvorbis'] });
  await writeTone(path.join(root, '01', 'jam.low.mp3'), { freq: 440, seconds: 12 });
});

function track(id: string, p: string | undefined, extra: Partial<Track> = {}): Track {
  return { id, ...(p ? { path: p } : {}), tags: { mood: [], genre: [], instrument: [] }, caption: '', keywords: [], ...extra };
}

/** A fresh cache dir per test, so tests do not see each other's clips. */
function cacheDir(): string {
  return path.join(base, `cache-${++n}`);
}

function expectClip(r: PreviewResult): PreviewClip {
  if (r.kind !== 'clip') throw new Error(`expected a clip, got none: ${r.reason}`);
  return r;
}

describe('getPreview', () => {
  it('cuts 30 s from the middle of a long track as a playable 160 kbps MP3', async () => {
    const clip = expectClip(await getPreview(track('t1', '01/long.flac', { artist: 'Ané', title: 'Ocean/Waves' }),
      { audioRoot: root, cacheDir: cacheDir() }));
    expect(clip).toMatchObject({ derived: true, cached: false, contentType: 'audio/mpeg', bitrateKbps: 160, startSec: 15 });
    expect(clip.filename).toBe('Ane - Ocean_Waves.mp3');
    expect(clip.bytes).toBeLessThanOrEqual(10 * 1024 * 1024);
    expect(clip.bytes).toBe((await stat(clip.file)).size);
    const probe = await probeAudio(clip.file);
    expect(probe.codec).toBe('mp3');
    expect(probe.channels).toBe(2);
    expect(probe.durationSec).toBeGreaterThan(29.9);
    expect(probe.durationSec).toBeLessThan(30.2);
    expect(clip.durationSec).toBeCloseTo(probe.durationSec, 2);
    // It is the source's audio: same pitch.
    const audio = await decodeAudio(clip.file, { startSec: 10, maxSeconds: 2 });
    expect(dominantFrequency(audio.samples, 48_000)).toBe(880);
  });

  it('keeps a track shorter than the excerpt whole', async () => {
    const clip = expectClip(await getPreview(track('t2', '01/short.ogg'), { audioRoot: root, cacheDir: cacheDir() }));
    expect(clip.startSec).toBe(0);
    expect(clip.durationSec).toBeGreaterThan(7.9);
    expect(clip.durationSec).toBeLessThan(8.2);
    expect((await probeAudio(clip.file)).channels).toBe(1);
  });

  it('returns the cached clip on the second request without encoding again', async () => {
    const opts = { audioRoot: root, cacheDir: cacheDir() };
    const first = expectClip(await getPreview(track('t3', '01/long.flac'), opts));
    const before = await stat(first.file);
    const second = expectClip(await getPreview(track('t3', '01/long.flac'), opts));
    expect(second.cached).toBe(true);
    expect(second.file).toBe(first.file);
    expect(second.bytes).toBe(first.bytes);
    expect(second.durationSec).toBe(first.durationSec);
    const after = await stat(second.file);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(after.ino).toBe(before.ino);
    // A larger limit (boosted server) still hits the same clip.
    const third = expectClip(await getPreview(track('t3', '01/long.flac'), { ...opts, limitBytes: 50 * 1024 * 1024 }));
    expect(third.cached).toBe(true);
    expect(third.file).toBe(first.file);
    // Only the clip and its record, no temp files left.
    expect((await readdir(opts.cacheDir)).sort()).toEqual([path.basename(first.file), path.basename(first.file, '.mp3') + '.json'].sort());
  });

  it('makes a new clip when the source file changes', async () => {
    const opts = { audioRoot: root, cacheDir: cacheDir() };
    await writeTone(path.join(root, '01', 'changing.wav'), { freq: 300, seconds: 12 });
    const first = expectClip(await getPreview(track('t4', '01/changing.wav'), opts));
    await writeTone(path.join(root, '01', 'changing.wav'), { freq: 600, seconds: 14 });
    const second = expectClip(await getPreview(track('t4', '01/changing.wav'), opts));
    expect(second.cached).toBe(false);
    expect(second.file).not.toBe(first.file);
    expect(second.durationSec).toBeGreaterThan(13.9);
  });

  it('lowers the bitrate to fit a small limit, in a clip of its own', async () => {
    const opts = { audioRoot: root, cacheDir: cacheDir() };
    const limit = 300 * 1024;
    const clip = expectClip(await getPreview(track('t5', '01/long.flac'), { ...opts, limitBytes: limit }));
    expect(clip.bitrateKbps).toBe(64);
    expect(clip.bytes).toBeLessThanOrEqual(limit);
    expect(clip.bytes).toBeGreaterThan(200 * 1024);
    const probe = await probeAudio(clip.file);
    expect(probe.durationSec).toBeGreaterThan(29.9);
    expect(probe.channels).toBe(1);
    // The default-limit clip is a different file; both stay cached.
    const full = expectClip(await getPreview(track('t5', '01/long.flac'), opts));
    expect(full.file).not.toBe(clip.file);
    expect(full.bitrateKbps).toBe(160);
    expect(expectClip(await getPreview(track('t5', '01/long.flac'), { ...opts, limitBytes: limit })).cached).toBe(true);
  });

  it('shortens the clip when even 32 kbps is too big, and gives none below 5 s', async () => {
    const opts = { audioRoot: root, cacheDir: cacheDir() };
    const clip = expectClip(await getPreview(track('t6', '01/long.flac'), { ...opts, limitBytes: 100 * 1024 }));
    expect(clip.bitrateKbps).toBe(32);
    expect(clip.bytes).toBeLessThanOrEqual(100 * 1024);
    expect(clip.durationSec).toBeGreaterThan(23.9);
    expect(clip.durationSec).toBeLessThan(24.2);
    expect(clip.startSec).toBe(18);

    const none = await getPreview(track('t6', '01/long.flac'), { ...opts, limitBytes: 8 * 1024 });
    expect(none).toEqual({ kind: 'none', reason: 'even at 32 kbps a 5 s clip is bigger than the upload limit (8 KiB)' });
  });

  it('never re-encodes a no-derivatives track: the original if it fits, else none with the sizes', async () => {
    const opts = { audioRoot: root, cacheDir: cacheDir() };
    const nd = track('t7', '01/short.ogg', { license: 'CC BY-NC-ND 3.0', title: 'Kept' });
    const original = path.join(root, '01', 'short.ogg');
    const bytesBefore = await readFile(original);
    const clip = expectClip(await getPreview(nd, opts));
    expect(clip).toMatchObject({ file: original, derived: false, contentType: 'audio/ogg', filename: 'Kept.ogg' });
    expect(clip.bytes).toBe((await stat(original)).size);
    expect(clip.durationSec).toBeGreaterThan(7.9);
    expect((await readFile(original)).equals(bytesBefore)).toBe(true);
    await expect(readdir(opts.cacheDir)).rejects.toThrow(/ENOENT/);

    const big = await getPreview(track('t8', '01/long.flac', { license: 'CC BY-ND 4.0' }), { ...opts, limitBytes: 512 * 1024 });
    const size = (await stat(path.join(root, '01', 'long.flac'))).size;
    expect(size).toBeGreaterThan(512 * 1024);
    expect(big).toEqual({ kind: 'none', reason: `licence forbids derivatives and the original is ${formatBytes(size)} (limit 512 KiB)` });
    await expect(readdir(opts.cacheDir)).rejects.toThrow(/ENOENT/);
  });

  it('uses MTG-Jamendo\'s .low variant when the full file is missing', async () => {
    const clip = expectClip(await getPreview(track('t9', '01/jam.mp3'), { audioRoot: root, cacheDir: cacheDir() }));
    expect(clip.lowQuality).toBe(true);
    expect(clip.durationSec).toBeGreaterThan(11.9);
  });

  it('gives none with a reason for no path, a missing file, an unsafe path or a non-audio file', async () => {
    const opts = { audioRoot: root, cacheDir: cacheDir() };
    await writeFile(path.join(root, '01', 'notes.mp3'), 'not audio\n'.repeat(50));
    const reasons = await Promise.all(
      [track('a', undefined), track('b', '01/gone.mp3'), track('c', '../x.mp3'), track('d', '01/notes.mp3')].map(async (t) => {
        const r = await getPreview(t, opts);
        return r.kind === 'none' ? r.reason : 'clip';
      }),
    );
    expect(reasons[0]).toBe('track a has no audio file');
    expect(reasons[1]).toMatch(/not found: 01\/gone\.mp3/);
    expect(reasons[2]).toMatch(/Refusing audio path/);
    expect(reasons[3]).toMatch(/^Cannot read .*notes\.mp3/);
  });
});

describe('buildPreviews', () => {
  it('makes clips ahead of time, then finds them all cached', async () => {
    const opts = { audioRoot: root, cacheDir: cacheDir(), concurrency: 2 };
    const tracks = [
      track('b1', '01/long.flac'),
      track('b2', '01/short.ogg'),
      track('b3', '01/short.ogg', { license: 'CC BY-ND 3.0' }),
      track('b4', '01/missing.ogg'),
    ];
    const seen: string[] = [];
    const first = await buildPreviews(tracks, { ...opts, onProgress: (done, total, id) => seen.push(`${done}/${total} ${id}`) });
    expect(first).toMatchObject({ made: 2, cached: 0, originals: 1, none: 1 });
    expect(first.results.map((r) => r.trackId)).toEqual(['b1', 'b2', 'b3', 'b4']);
    expect(seen).toHaveLength(4);
    expect(seen.at(-1)).toMatch(/^4\/4 /);
    const second = await buildPreviews(tracks, opts);
    expect(second).toMatchObject({ made: 0, cached: 2, originals: 1, none: 1 });
  });
});

describe('planClip', () => {
  it('prefers bitrate, then duration, and centres the excerpt', () => {
    expect(planClip({ sourceSec: 200, sourceChannels: 2, limitBytes: 10 * 1024 * 1024 })).toEqual({
      startSec: 85, durationSec: 30, bitrateKbps: 160, channels: 2, sampleRate: 44_100,
    });
    expect(planClip({ sourceSec: Number.NaN, sourceChannels: 1, limitBytes: 10 * 1024 * 1024 })).toMatchObject({ startSec: 0, durationSec: 30 });
    const fit = planClip({ sourceSec: 200, sourceChannels: 2, limitBytes: 400_000 });
    expect(fit).toMatchObject({ bitrateKbps: 96, channels: 2 });
    expect(estimateMp3Bytes(96, 30)).toBeLessThanOrEqual(400_000);
    expect(estimateMp3Bytes(128, 30)).toBeGreaterThan(400_000);
  });

  it('formats sizes for people', () => {
    expect(formatBytes(14.2 * 1024 * 1024)).toBe('14.2 MiB');
    expect(formatBytes(10 * 1024 * 1024)).toBe('10 MiB');
    expect(formatBytes(512 * 1024)).toBe('512 KiB');
    expect(formatBytes(900)).toBe('900 B');
  });
});
