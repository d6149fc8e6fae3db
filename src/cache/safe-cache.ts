import type { Keyv } from 'keyv';
import type { CacheHealth } from './cache-health.ts';

/** Bound for clearing a namespace (reloads only; never on a user's path). */
export const CLEAR_TIMEOUT_MS = 5000;

export class CacheTimeoutError extends Error {
  override name = 'CacheTimeoutError';
  constructor(op: string, ms: number) {
    super(`${op} took longer than ${ms} ms`);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, op: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CacheTimeoutError(op, ms)), ms);
    timer.unref();
  });
  // The store call keeps running after a timeout; its late failure must not go unhandled.
  promise.catch(() => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A cache that never fails a command: every call waits at most `timeoutMs`, and any error or
 * timeout counts as "no cache" (a miss, or a write that did not happen). Health is shared
 * per backend, so an outage is reported once and skipped until it recovers.
 */
export class SafeCache<T> {
  constructor(
    private readonly keyv: Keyv<T>,
    private readonly health: CacheHealth,
    private readonly timeoutMs: number,
  ) {}

  get(key: string): Promise<T | undefined> {
    return this.#run('get', () => this.keyv.get(key), undefined);
  }

  /** True when stored. `ttlMs` overrides the namespace's default TTL. */
  set(key: string, value: T, ttlMs?: number): Promise<boolean> {
    return this.#run('set', () => this.keyv.set(key, value, ttlMs), false);
  }

  delete(key: string): Promise<boolean> {
    return this.#run('delete', () => this.keyv.delete(key), false);
  }

  /**
   * Drops every entry of this namespace (other namespaces on the backend stay). A scan over a big
   * cache may take a while, so it gets a longer bound than single-key calls.
   */
  clear(): Promise<boolean> {
    return this.#run('clear', async () => {
      await this.keyv.clear();
      return true;
    }, false, Math.max(this.timeoutMs, CLEAR_TIMEOUT_MS));
  }

  async #run<R>(op: string, fn: () => Promise<R>, fallback: R, timeoutMs = this.timeoutMs): Promise<R> {
    if (!this.health.allow()) return fallback;
    try {
      const value = await withTimeout(fn(), timeoutMs, `cache ${op}`);
      this.health.succeeded();
      return value;
    } catch (err) {
      this.health.failed(err);
      return fallback;
    }
  }
}
