/**
 * The preview cache on disk stays within PREVIEW_CACHE_MAX_MB: clips made by the bot's preview
 * provider (real ffmpeg) push out the least recently used ones, a clip served from the cache
 * counts as used, and the clip being attached is never removed.
 */
import { mkdir, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { evictLeastRecentlyUsed } from '../../src/audio/preview-cache-limit.ts';
import type { Track } from '../../src/catalog/track.ts';
import { loadConfig } from '../../src/config.ts';
import { createPreviewProvider, type PreviewOutcome } from '../../src/app/track-preview.ts';
import { createLogger } from '../../src/logger.ts';
import { LogCapture } from '../bot/helpers/fixtures.ts';
import { writeTone } from '../helpers/audio-files.ts';
import { REPO_ROOT } from '../helpers/paths.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';

const base = await fileTempDir('preview-cache');

beforeAll(async () => {
  await mkdir(path.join(base, 'audio'));
  for (const [i, freq] of [330, 440, 550].entries()) await writeTone(path.join(base, 'audio', `${i}.mp3`), { freq, seconds: 4 });
});

const track = (i: number): Track => ({ id: `track_${i}`, path: `${i}.mp3`, tags: { mood: [], genre: [], instrument: [] }, caption: '', keywords: [], license: 'CC BY 4.0' });
const clipFile = (o: PreviewOutcome) => (o.kind === 'clip' ? o.file : expect.fail(`no clip: ${o.note}`));
const stems = async (dir: string) => [...new Set((await readdir(dir)).map((n) => n.replace(/-[0-9a-f]{16}\.(mp3|json)$/, '')))].sort();

describe('the preview cache limit', () => {
  it('PREVIEW_CACHE_MAX_MB is a size in MiB (default 512)', () => {
    expect(loadConfig({}, REPO_ROOT).audio.previewCacheMaxBytes).toBe(512 * 1024 * 1024);
    expect(loadConfig({ PREVIEW_CACHE_MAX_MB: '20' }, REPO_ROOT).audio.previewCacheMaxBytes).toBe(20 * 1024 * 1024);
    expect(() => loadConfig({ PREVIEW_CACHE_MAX_MB: '0' }, REPO_ROOT)).toThrow(/PREVIEW_CACHE_MAX_MB/);
  });

  it('removes the least recently used clips past the limit; a cache hit counts as a use', async () => {
    const cacheDir = path.join(base, 'cache-lru');
    const logs = new LogCapture();
    const make = (cacheMaxBytes: number) =>
      createPreviewProvider({ audioRoot: path.join(base, 'audio'), cacheDir, cacheMaxBytes, excerptSec: 30 }, () => ({ dir: base, audioRoot: null }), createLogger({ level: 'debug', format: 'json', destination: logs }));
    const first = await make(Number.MAX_SAFE_INTEGER).forTrack(track(0), 10 * 1024 * 1024);
    const clipBytes = (await stat(clipFile(first))).size + (await stat(clipFile(first).replace(/\.mp3$/, '.json'))).size;
    // Room for two clips (4 s tones encode to the same size), not three.
    const provider = make(Math.floor(clipBytes * 2.5));
    await sleep(20);
    await provider.forTrack(track(1), 10 * 1024 * 1024);
    await sleep(20);
    const again = await provider.forTrack(track(0), 10 * 1024 * 1024); // from the cache: now the most recent
    expect(clipFile(again)).toBe(clipFile(first));
    await sleep(20);
    const third = await provider.forTrack(track(2), 10 * 1024 * 1024);
    expect(await stems(cacheDir)).toEqual(['track_0', 'track_2']);
    await expect(stat(clipFile(third))).resolves.toBeDefined();
    expect(logs.find('preview cache trimmed', 20)).toEqual([expect.objectContaining({ clips: 1, bytes: clipBytes })]);
  });

  it('never removes the clip being attached, even over a limit smaller than one clip', async () => {
    const cacheDir = path.join(base, 'cache-tiny');
    const provider = createPreviewProvider({ audioRoot: path.join(base, 'audio'), cacheDir, cacheMaxBytes: 1, excerptSec: 30 }, () => ({ dir: base, audioRoot: null }), createLogger({ level: 'silent', format: 'json' }));
    await provider.forTrack(track(0), 10 * 1024 * 1024);
    await sleep(20);
    const latest = await provider.forTrack(track(1), 10 * 1024 * 1024);
    expect(await stems(cacheDir)).toEqual(['track_1']);
    await expect(stat(clipFile(latest))).resolves.toBeDefined();
  });

  it('clears a crashed writer\'s old temporary file, and leaves a fresh one (a clip being written) alone', async () => {
    const dir = path.join(base, 'cache-temps');
    await mkdir(dir);
    await writeTone(path.join(dir, 'keep-0123456789abcdef.mp3'), { freq: 440, seconds: 1 });
    await writeFile(path.join(dir, 'old-0123456789abcdef.mp3.tmp-1-aaaa'), Buffer.alloc(5000));
    await writeFile(path.join(dir, 'new-0123456789abcdef.mp3.tmp-2-bbbb'), Buffer.alloc(5000));
    const hourAgo = new Date(Date.now() - 2 * 3600_000);
    await utimes(path.join(dir, 'old-0123456789abcdef.mp3.tmp-1-aaaa'), hourAgo, hourAgo);
    const removed = await evictLeastRecentlyUsed(dir, 1, path.join(dir, 'keep-0123456789abcdef.mp3'));
    expect(removed).toEqual({ clips: 1, bytes: 5000 });
    expect((await readdir(dir)).sort()).toEqual(['keep-0123456789abcdef.mp3', 'new-0123456789abcdef.mp3.tmp-2-bbbb']);
  });
});
