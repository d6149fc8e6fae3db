/** Where voice playback finds a track's audio: real files, a real preview cache (clips made by ffmpeg). */
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { findTrackAudio, type TrackAudioIndex } from '../../src/app/track-audio.ts';
import { findCachedClip, getPreview } from '../../src/audio/preview.ts';
import type { Track } from '../../src/catalog/track.ts';
import { bareTrack } from '../helpers/fixture-tracks.ts';
import { mp3, writeTone } from '../helpers/audio-files.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';

const dir = await fileTempDir('track-audio');
const root = path.join(dir, 'audio');
const cacheDir = path.join(dir, 'previews');
const logger = pino({ level: 'silent' });

const tracks: Track[] = [
  bareTrack('t_full', { path: 'a/full.mp3' }),
  bareTrack('t_low', { path: 'a/only-low.mp3' }),
  bareTrack('t_clip', { path: 'a/gone.mp3' }),
  bareTrack('t_none', { path: 'a/never.mp3' }),
  bareTrack('t_nopath'),
  bareTrack('t_escape', { path: '../outside.mp3' }),
];

const index = (audioRoot: string | null): TrackAudioIndex => ({ dir, audioRoot, track: (id) => tracks.find((t) => t.id === id) });
const find = (id: string, opts: { audioRoot?: string; indexRoot?: string | null } = {}) =>
  findTrackAudio(id, { audioRoot: opts.audioRoot, previewCacheDir: cacheDir }, index(opts.indexRoot === undefined ? root : opts.indexRoot), logger);

beforeAll(async () => {
  await writeTone(path.join(root, 'a/full.mp3'), { seconds: 2, freq: 440, codecArgs: mp3(64) });
  await writeTone(path.join(root, 'a/only-low.low.mp3'), { seconds: 2, freq: 550, codecArgs: mp3(64) });
  await writeTone(path.join(dir, 'outside.mp3'), { seconds: 1, freq: 330, codecArgs: mp3(64) });
  // t_clip had its file once: its preview clip is in the cache, then the file went.
  await writeTone(path.join(root, 'a/gone.mp3'), { seconds: 2, freq: 880, codecArgs: mp3(64) });
  const clip = await getPreview(tracks[2]!, { audioRoot: root, cacheDir });
  expect(clip.kind).toBe('clip');
  await rm(path.join(root, 'a/gone.mp3'));
});

describe('findTrackAudio', () => {
  it('plays the file itself, or MTG-Jamendo\'s .low variant when the full one is missing', async () => {
    expect(await find('t_full')).toMatchObject({ kind: 'file', source: 'original', file: path.join(root, 'a/full.mp3') });
    expect(await find('t_low')).toMatchObject({ kind: 'file', source: 'low-quality', file: path.join(root, 'a/only-low.low.mp3') });
    // AUDIO_ROOT wins over the index's folder.
    expect(await find('t_full', { audioRoot: root, indexRoot: path.join(dir, 'elsewhere') })).toMatchObject({ kind: 'file', source: 'original' });
  });

  it('falls back to a cached preview clip when only that exists', async () => {
    const found = await find('t_clip');
    expect(found).toMatchObject({ kind: 'file', source: 'preview' });
    expect(found.kind === 'file' && path.dirname(found.file)).toBe(cacheDir);
    // Also when the index has no audio folder at all.
    expect(await find('t_clip', { indexRoot: null })).toMatchObject({ kind: 'file', source: 'preview' });
  });

  it('has nothing for a track without a file or clip, without a path, or whose path leaves the root', async () => {
    expect(await find('t_none')).toEqual({ kind: 'none', why: 'no-audio', track: tracks[3] });
    expect(await find('t_nopath')).toMatchObject({ kind: 'none', why: 'no-audio' });
    expect(await find('t_escape')).toMatchObject({ kind: 'none', why: 'no-audio' });
  });

  it('says a track is gone when the serving index no longer has it', async () => {
    expect(await find('t_removed')).toEqual({ kind: 'none', why: 'gone' });
  });
});

describe('findCachedClip', () => {
  it('finds only clips whose record names the track, the newest first', async () => {
    const clip = await findCachedClip('t_clip', cacheDir);
    expect(clip).toMatch(/t_clip-[0-9a-f]{16}\.mp3$/);
    expect(await findCachedClip('t_none', cacheDir)).toBeUndefined();
    expect(await findCachedClip('t_clip', path.join(dir, 'no-cache'))).toBeUndefined();
    // A file that only looks like a clip of the track (no agreeing record) is not one.
    await writeFile(path.join(cacheDir, 't_none-0123456789abcdef.mp3'), 'x');
    expect(await findCachedClip('t_none', cacheDir)).toBeUndefined();
  });
});
