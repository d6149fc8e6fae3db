import { readdir, rm, stat, utimes } from 'node:fs/promises';
import path from 'node:path';

/** Files being written are named `<clip>.tmp-<pid>-<random>`: left alone unless this old (a crashed writer's). */
const STALE_TEMP_MS = 60 * 60_000;

interface CachedClip {
  /** The clip's files (its `.mp3` and `.json`, or a stale temporary). */
  files: string[];
  bytes: number;
  /** Last use: the newest modification time among its files (a use touches the clip). */
  usedMs: number;
}

/** Marks a cached clip as just used, so eviction takes it last. */
export async function touchClip(file: string): Promise<void> {
  const now = new Date();
  await utimes(file, now, now).catch(() => undefined);
}

/** The cache's clips, each with its files, total size and last use. */
async function cachedClips(dir: string, now: number): Promise<CachedClip[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const clips = new Map<string, CachedClip>();
  for (const name of names) {
    const file = path.join(dir, name);
    const st = await stat(file).catch(() => null);
    if (!st?.isFile()) continue;
    const temp = name.includes('.tmp-');
    if (temp && now - st.mtimeMs < STALE_TEMP_MS) continue;
    const key = temp ? name : name.replace(/\.(mp3|json)$/, '');
    const clip = clips.get(key) ?? { files: [], bytes: 0, usedMs: 0 };
    clip.files.push(file);
    clip.bytes += st.size;
    clip.usedMs = Math.max(clip.usedMs, st.mtimeMs);
    clips.set(key, clip);
  }
  return [...clips.values()];
}

/**
 * Keeps the preview cache under `maxBytes`: the least recently used clips go first; `keep`
 * (the clip about to be attached) never goes. Returns what was removed.
 */
export async function evictLeastRecentlyUsed(dir: string, maxBytes: number, keep: string, now = Date.now()): Promise<{ clips: number; bytes: number }> {
  const clips = await cachedClips(dir, now);
  let total = clips.reduce((n, c) => n + c.bytes, 0);
  const removed = { clips: 0, bytes: 0 };
  for (const clip of clips.sort((a, b) => a.usedMs - b.usedMs)) {
    if (total <= maxBytes) break;
    if (clip.files.includes(keep)) continue;
    await Promise.all(clip.files.map((f) => rm(f, { force: true })));
    total -= clip.bytes;
    removed.clips++;
    removed.bytes += clip.bytes;
  }
  return removed;
}
