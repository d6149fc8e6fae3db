import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Keyv } from 'keyv';
import KeyvRedis, { createClient } from '@keyv/redis';
import KeyvSqlite from '@keyv/sqlite';
import { UserError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { CacheHealth, DEFAULT_PROBE_INTERVAL_MS } from './cache-health.ts';
import { LruMap } from './lru-map.ts';
import { SafeCache } from './safe-cache.ts';
import { pruneExpiredRows, prunePeriodically } from './sqlite-prune.ts';

export type CacheKind = 'memory' | 'sqlite' | 'redis';

export interface CacheSettings {
  /** KEYV_URL: unset → memory; `sqlite://<file>`; `redis://host:port` (or `rediss://`). */
  url: string | undefined;
  ttlMs: number;
  maxEntries: number;
  timeoutMs: number;
  probeIntervalMs?: number;
  /** How often a SQLite file drops expired rows (default: the TTL, between 1 minute and 1 hour). */
  pruneIntervalMs?: number;
}

/** One cache backend and the namespaced caches on it. */
export interface CacheBackend {
  kind: CacheKind;
  /** Where it points, without credentials (for logs). */
  label: string;
  health: CacheHealth;
  /** A cache of one kind of value; namespaces keep kinds apart, so clearing one leaves the rest. */
  namespace<T>(name: string): SafeCache<T>;
  /** Drops expired entries now (SQLite; Redis and memory need no help); how many went. */
  prune(): Promise<number>;
  close(): Promise<void>;
}

export function cacheKind(url: string | undefined): CacheKind {
  if (!url) return 'memory';
  if (/^sqlite:\/\//i.test(url)) return 'sqlite';
  if (/^rediss?:\/\//i.test(url)) return 'redis';
  throw new UserError(
    `KEYV_URL "${redactUrl(url)}" is not supported.`,
    'Leave it unset for an in-memory cache, or use sqlite://<file> or redis://<host>:<port>.',
  );
}

/** The URL without a password, for logs and messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/** Redis reconnect back-off: quick at first, then every 2 s; never gives up (the bot bypasses meanwhile). */
export function redisBackoffMs(retries: number): number {
  return Math.min(100 * 2 ** Math.min(retries, 5), 2000);
}

/** Longest wait at start-up for Redis to connect; past it the bot starts and bypasses the cache until it does. */
export const REDIS_CONNECT_WAIT_MS = 2000;

/**
 * Opens the backend KEYV_URL names. Resolves once it is usable, or (Redis) once the first
 * connection attempt had its chance: a dead server never delays start-up by more than
 * REDIS_CONNECT_WAIT_MS, and the bot runs without a cache until it answers.
 */
export async function openCacheBackend(settings: CacheSettings, logger: Logger): Promise<CacheBackend> {
  const kind = cacheKind(settings.url);
  const label = settings.url ? redactUrl(settings.url) : `memory (max ${settings.maxEntries})`;
  const health = new CacheHealth(logger, label, settings.probeIntervalMs ?? DEFAULT_PROBE_INTERVAL_MS);
  let closeStore: () => Promise<void> = async () => {};
  let prune: () => Promise<number> = async () => 0;
  let makeStore: (name: string) => { store: unknown; useKeyPrefix: boolean };

  if (kind === 'memory') {
    makeStore = () => ({ store: new LruMap<string, unknown>(settings.maxEntries), useKeyPrefix: true });
  } else if (kind === 'sqlite') {
    const file = settings.url!.replace(/^sqlite:\/\//i, '');
    if (!file) throw new UserError('KEYV_URL sqlite:// needs a file, e.g. sqlite://.cache/cratedigger.sqlite.');
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const stores: KeyvSqlite[] = [];
    const openStore = () => {
      const store = new KeyvSqlite({ uri: `sqlite://${file}`, busyTimeout: 5000 });
      stores.push(store);
      return store;
    };
    // One store per namespace: a shared store's clear() would follow whichever namespace was set last.
    makeStore = () => ({ store: openStore(), useKeyPrefix: true });
    const housekeeping = openStore();
    prune = () => pruneExpiredRows(housekeeping);
    const stopPruning = prunePeriodically(async () => {
      try {
        const removed = await prune();
        if (removed) logger.debug({ removed, cache: label }, 'expired cache rows pruned');
      } catch (err) {
        logger.warn({ err, cache: label }, 'could not prune expired cache rows');
      }
    }, settings.pruneIntervalMs ?? Math.min(3_600_000, Math.max(60_000, settings.ttlMs)));
    closeStore = async () => {
      await stopPruning();
      await Promise.all(stores.map((s) => s.close().catch(() => undefined)));
    };
  } else {
    // Our own client, so a dead server never hangs or floods: no offline queue (commands fail at
    // once while disconnected), a short connect timeout, and background reconnects with back-off.
    const client = createClient({
      url: settings.url!,
      disableOfflineQueue: true,
      socket: { connectTimeout: Math.max(1000, settings.timeoutMs * 4), reconnectStrategy: redisBackoffMs },
    });
    // node-redis emits 'error' on every failed attempt: health logs the first, once per outage.
    client.on('error', (err: unknown) => health.failed(err));
    client.on('ready', () => health.succeeded());
    const connected = client.connect().then(
      () => true,
      (err: unknown) => {
        health.failed(err);
        return false;
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), REDIS_CONNECT_WAIT_MS);
    });
    // A refused connection shows at the first attempt: no need to wait out the timer.
    const refused = new Promise<false>((resolve) => client.once('error', () => resolve(false)));
    const ok = await Promise.race([connected, refused, waited]);
    clearTimeout(timer);
    if (!ok) health.failed(new Error(`no connection to ${label} after ${REDIS_CONNECT_WAIT_MS} ms`));
    makeStore = () => ({ store: new KeyvRedis(client, { throwOnErrors: true, throwOnConnectError: true }), useKeyPrefix: false });
    closeStore = async () => {
      if (client.isReady) await client.close().catch(() => undefined);
      else if (client.isOpen) client.destroy();
    };
  }

  return {
    kind,
    label,
    health,
    namespace<T>(name: string): SafeCache<T> {
      const { store, useKeyPrefix } = makeStore(name);
      const keyv = new Keyv<T>({ store, namespace: name, ttl: settings.ttlMs, useKeyPrefix, throwOnErrors: true });
      // Errors also surface as rejected calls (throwOnErrors), which SafeCache turns into health.
      keyv.on('error', (err: unknown) => health.failed(err));
      return new SafeCache<T>(keyv, health, settings.timeoutMs);
    },
    prune: () => prune(),
    async close() {
      await closeStore();
    },
  };
}
