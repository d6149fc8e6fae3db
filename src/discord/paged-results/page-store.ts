import type { SafeCache } from '../../cache/safe-cache.ts';
import { LruMap } from '../../cache/lru-map.ts';
import type { PageState } from './page-model.ts';

/** Page states by message id: the shared cache, with a local copy for when it is down. */
export class PageStore {
  readonly #local: LruMap<string, { state: PageState; expires: number }>;
  readonly #chains = new Map<string, Promise<unknown>>();

  constructor(
    private readonly cache: SafeCache<PageState>,
    private readonly ttlMs: number,
    localMax = 500,
  ) {
    this.#local = new LruMap(localMax);
  }

  async get(messageId: string): Promise<PageState | undefined> {
    const local = this.#local.get(messageId);
    if (local && local.expires > Date.now()) return local.state;
    const shared = await this.cache.get(messageId);
    if (shared?.v !== 1) return undefined;
    this.#local.set(messageId, { state: shared, expires: Date.now() + this.ttlMs });
    return shared;
  }

  async save(messageId: string, state: PageState): Promise<void> {
    this.#local.set(messageId, { state, expires: Date.now() + this.ttlMs });
    await this.cache.set(messageId, state, this.ttlMs);
  }

  /** Runs `fn` after earlier calls for the same message: two quick presses turn two pages, not one twice. */
  exclusive<T>(messageId: string, fn: () => Promise<T>): Promise<T> {
    const before = this.#chains.get(messageId) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const settled = run.catch(() => undefined);
    this.#chains.set(messageId, settled);
    void settled.then(() => {
      if (this.#chains.get(messageId) === settled) this.#chains.delete(messageId);
    });
    return run;
  }
}
