/** The cache: LRU store, keys, and the wrapper that never fails a command, on memory, SQLite and a real Redis. */
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import KeyvSqlite from '@keyv/sqlite';
import { Keyv } from 'keyv';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cacheKind, openCacheBackend, redactUrl, redisBackoffMs } from '../../src/cache/cache-backend.ts';
import { CacheHealth } from '../../src/cache/cache-health.ts';
import { LruMap } from '../../src/cache/lru-map.ts';
import { resultCacheKey, type ResultKeyParts } from '../../src/cache/result-key.ts';
import { SafeCache } from '../../src/cache/safe-cache.ts';
import { createLogger } from '../../src/logger.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { LogCapture } from './helpers/fixtures.ts';
import { RedisServer } from './helpers/redis.ts';

function capture() {
  const logs = new LogCapture();
  return { logs, logger: createLogger({ level: 'debug', format: 'json', destination: logs }) };
}

const settings = { ttlMs: 60_000, maxEntries: 100, timeoutMs: 200, probeIntervalMs: 300 };

describe('LruMap', () => {
  it('drops the least recently used key once full; reads count as use', () => {
    const m = new LruMap<string, number>(2);
    m.set('a', 1).set('b', 2);
    expect(m.get('a')).toBe(1);
    m.set('c', 3);
    expect([...m.keys()]).toEqual(['a', 'c']);
    m.set('a', 9);
    m.set('d', 4);
    expect([...m.entries()]).toEqual([['a', 9], ['d', 4]]);
    expect(() => new LruMap(0)).toThrow(RangeError);
  });
});

describe('resultCacheKey', () => {
  const base: ResultKeyParts = {
    prompt: 'Calm piano',
    count: 5,
    kept: 25,
    filter: { mood: ['calm', 'happy'] },
    indexVersion: 'v1',
    models: { text: 'a/sbert', clap: 'a/clap' },
  };
  const key = (over: Partial<ResultKeyParts>) => resultCacheKey({ ...base, ...over });

  it('is the same for the same words in any case or spacing, and tags in any order', () => {
    expect(key({ prompt: '  calm   PIANO ' })).toBe(key({}));
    expect(key({ filter: { mood: ['happy', 'Calm'] } })).toBe(key({}));
    expect(key({})).toMatch(/^r1:[0-9a-f]{40}$/);
  });

  it('differs with the count, filters, index content or models', () => {
    const k = key({});
    for (const other of [
      key({ count: 6 }),
      key({ kept: 30 }),
      key({ filter: {} }),
      key({ filter: { mood: ['calm', 'happy'], maxDurationSec: 200 } }),
      key({ filter: { genre: ['calm', 'happy'] } }),
      key({ indexVersion: 'v2' }),
      key({ models: { text: 'a/sbert', clap: null } }),
      key({ prompt: 'calm piano!' }),
    ]) expect(other).not.toBe(k);
  });
});

describe('KEYV_URL', () => {
  it('picks the backend from the URL and refuses unknown schemes', () => {
    expect(cacheKind(undefined)).toBe('memory');
    expect(cacheKind('sqlite://x.sqlite')).toBe('sqlite');
    expect(cacheKind('redis://localhost:6379')).toBe('redis');
    expect(() => cacheKind('mongodb://user:pw@host/db')).toThrow(/KEYV_URL "mongodb:\/\/user:\*\*\*@host\/db" is not supported/);
    expect(redactUrl('redis://:secret@h:1')).toBe('redis://:***@h:1');
    expect(redisBackoffMs(0)).toBe(100);
    expect(redisBackoffMs(50)).toBe(2000);
  });
});

/** A Keyv store whose calls hang or fail on demand: a stand-in for a slow or broken server. */
class FaultyStore extends Map<string, unknown> {
  mode: 'ok' | 'hang' | 'fail' = 'ok';
  calls = 0;
  #gate<T>(fn: () => T): Promise<T> {
    this.calls++;
    if (this.mode === 'hang') return new Promise<T>(() => {});
    if (this.mode === 'fail') return Promise.reject(new Error('connection refused'));
    return Promise.resolve(fn());
  }
  override get(key: string) {
    return this.#gate(() => super.get(key)) as never;
  }
  override set(key: string, value: unknown) {
    return this.#gate(() => super.set(key, value)) as never;
  }
}

describe('SafeCache', () => {
  it('bounds every call, bypasses a dead store with ONE warning, probes it now and then, and recovers', async () => {
    const { logs, logger } = capture();
    const store = new FaultyStore();
    const health = new CacheHealth(logger, 'faulty', 300);
    const cache = new SafeCache<string>(new Keyv<string>({ store, throwOnErrors: true }), health, 100);
    expect(await cache.set('k', 'v')).toBe(true);
    expect(await cache.get('k')).toBe('v');

    store.mode = 'hang';
    const t0 = Date.now();
    expect(await cache.get('k')).toBeUndefined();
    expect(Date.now() - t0).toBeLessThan(400);
    expect(health.down).toBe(true);
    const callsWhenDown = store.calls;
    // Down: calls skip the store entirely (no waiting), for any number of commands.
    const t1 = Date.now();
    for (let i = 0; i < 20; i++) {
      expect(await cache.get('k')).toBeUndefined();
      expect(await cache.set('x', 'y')).toBe(false);
    }
    expect(Date.now() - t1).toBeLessThan(100);
    expect(store.calls).toBe(callsWhenDown);

    store.mode = 'fail';
    await sleep(320);
    expect(await cache.get('k')).toBeUndefined(); // the probe: still failing
    expect(store.calls).toBe(callsWhenDown + 1);

    store.mode = 'ok';
    await sleep(320);
    expect(await cache.get('k')).toBe('v');
    expect(health.down).toBe(false);
    expect(logs.find('cache unavailable', 40)).toHaveLength(1);
    expect(logs.find('cache unavailable', 40)[0]).toMatchObject({ cache: 'faulty', reason: 'cache get took longer than 100 ms' });
    expect(logs.find('cache reachable again', 30)).toHaveLength(1);
  });

  it('memory backend: TTL, namespaces kept apart, clear drops one namespace', async () => {
    const { logger } = capture();
    const backend = await openCacheBackend({ url: undefined, ...settings, ttlMs: 150 }, logger);
    const a = backend.namespace<number>('a');
    const b = backend.namespace<number>('b');
    await a.set('k', 1);
    await b.set('k', 2);
    expect([await a.get('k'), await b.get('k')]).toEqual([1, 2]);
    await a.clear();
    expect([await a.get('k'), await b.get('k')]).toEqual([undefined, 2]);
    await sleep(200);
    expect(await b.get('k')).toBeUndefined();
    await backend.close();
  });
});

describe('SQLite backend', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('cache'));
  });
  afterAll(() => cleanup());

  it('persists across backends on the same file; clear drops only its namespace', async () => {
    const { logger } = capture();
    const url = `sqlite://${path.join(dir, 'sub', 'cache.sqlite')}`;
    const one = await openCacheBackend({ url, ...settings }, logger);
    expect(one.kind).toBe('sqlite');
    await one.namespace<{ n: number }>('results').set('k', { n: 1 });
    await one.namespace<string>('pages').set('k', 'page');
    await one.close();
    const two = await openCacheBackend({ url, ...settings }, logger);
    const results = two.namespace<{ n: number }>('results');
    const pages = two.namespace<string>('pages');
    expect(await results.get('k')).toEqual({ n: 1 });
    await results.clear();
    expect(await results.get('k')).toBeUndefined();
    expect(await pages.get('k')).toBe('page');
    expect(two.health.down).toBe(false);
    await two.close();
  });

  /** Keys in the file, read with the store itself (a Keyv read would drop expired entries on the way). */
  async function rowsIn(file: string): Promise<string[]> {
    const raw = new KeyvSqlite({ uri: `sqlite://${file}` });
    try {
      return ((await raw.query('SELECT key FROM keyv ORDER BY key')) as { key: string }[]).map((r) => r.key);
    } finally {
      await raw.close();
    }
  }

  it('drops expired rows from the file without reading them, in every namespace', async () => {
    const { logger } = capture();
    const file = path.join(dir, 'prune.sqlite');
    const backend = await openCacheBackend({ url: `sqlite://${file}`, ...settings }, logger);
    const results = backend.namespace<number>('results');
    const pages = backend.namespace<number>('pages');
    await results.set('old', 1, 1);
    await pages.set('old', 2, 1);
    await results.set('fresh', 3);
    await sleep(10);
    expect(await rowsIn(file)).toEqual(['pages:old', 'results:fresh', 'results:old']);
    expect(await backend.prune()).toBe(2);
    expect(await rowsIn(file)).toEqual(['results:fresh']);
    expect(await results.get('fresh')).toBe(3);
    expect(await backend.prune()).toBe(0);
    await backend.close();
  });

  it('prunes on its own, periodically, while it runs', async () => {
    const { logs, logger } = capture();
    const file = path.join(dir, 'periodic.sqlite');
    const backend = await openCacheBackend({ url: `sqlite://${file}`, ...settings, pruneIntervalMs: 50 }, logger);
    await backend.namespace<number>('results').set('old', 1, 1);
    await backend.namespace<number>('results').set('fresh', 2);
    await vi.waitFor(async () => expect(await rowsIn(file)).toEqual(['results:fresh']), { timeout: 10_000, interval: 20 });
    expect(logs.find('expired cache rows pruned', 20)[0]).toMatchObject({ removed: 1 });
    await backend.close();
  });

  it('the memory backend has nothing to prune (Redis expires keys itself)', async () => {
    const backend = await openCacheBackend({ url: undefined, ...settings }, capture().logger);
    expect(await backend.prune()).toBe(0);
    await backend.close();
  });
});

describe('Redis backend (real redis-server)', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('stores with TTL and keeps namespaces apart', async () => {
    const { logs, logger } = capture();
    const backend = await openCacheBackend({ url: process.env.TEST_REDIS_URL ?? redis.url, ...settings }, logger);
    const results = backend.namespace<{ n: number }>(`results-${Date.now()}`);
    const pages = backend.namespace<string>(`pages-${Date.now()}`);
    expect(await results.set('k', { n: 1 })).toBe(true);
    expect(await pages.set('k', 'p', 100)).toBe(true);
    expect(await results.get('k')).toEqual({ n: 1 });
    await results.clear();
    expect(await results.get('k')).toBeUndefined();
    expect(await pages.get('k')).toBe('p');
    await sleep(150);
    expect(await pages.get('k')).toBeUndefined();
    await backend.close();
    expect(logs.find('cache unavailable')).toEqual([]);
  });

  it('a server that dies: calls return at once, one warning, no hang; back when the server is', async () => {
    const { logs, logger } = capture();
    const backend = await openCacheBackend({ url: redis.url, ...settings }, logger);
    const cache = backend.namespace<string>('outage');
    expect(await cache.set('k', 'v')).toBe(true);
    await redis.stop();
    const t0 = Date.now();
    for (let i = 0; i < 30; i++) expect(await cache.get('k')).toBeUndefined();
    expect(Date.now() - t0).toBeLessThan(settings.timeoutMs * 3);
    // Reconnect attempts keep failing in the background: still one warning.
    await sleep(800);
    for (let i = 0; i < 5; i++) await cache.get('k');
    expect(logs.find('cache unavailable', 40)).toHaveLength(1);
    await redis.restart();
    await waitFor(() => !backend.health.down, { what: 'the cache back up', timeoutMs: 5000 });
    expect(await cache.set('k2', 'v2')).toBe(true);
    expect(await cache.get('k2')).toBe('v2');
    expect(logs.find('cache reachable again', 30)).toHaveLength(1);
    expect(logs.find('cache unavailable', 40)).toHaveLength(1);
    await backend.close();
  });

  it('a server that is down from the start: the backend opens, calls bypass it, close does not hang', async () => {
    const { logs, logger } = capture();
    const backend = await openCacheBackend({ url: 'redis://127.0.0.1:1', ...settings }, logger);
    const cache = backend.namespace<string>('never');
    expect(backend.health.down).toBe(true);
    const t0 = Date.now();
    expect(await cache.get('k')).toBeUndefined();
    expect(await cache.set('k', 'v')).toBe(false);
    expect(Date.now() - t0).toBeLessThan(settings.timeoutMs * 2 + 100);
    expect(logs.find('cache unavailable', 40)).toHaveLength(1);
    await backend.close();
  });
});
