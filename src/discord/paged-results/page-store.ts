import type { SafeCache } from '../../cache/safe-cache.ts';
import { LruMap } from '../../cache/lru-map.ts';
import type { PageState } from './page-model.ts';

/** A message as a press carries it: its id and when Discord last showed it changed. */
export interface ShownMessage {
  id: string;
  createdTimestamp: number;
  editedTimestamp: number | null;
}

/**
 * The bot saves a results message's state once Discord has answered the edit that shows it, so a
 * press can arrive first (a script does it; the bench did). A miss on a message shown this recently
 * waits up to SAVE_WAIT_MS for that save instead of calling the results expired.
 */
const RECENT_MS = 10_000;
const SAVE_WAIT_MS = 1_500;
const POLL_MS = 25;

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

  /** The state behind a pressed message; see SAVE_WAIT_MS for a message shown moments ago. */
  async forMessage(message: ShownMessage): Promise<PageState | undefined> {
    const shownAt = message.editedTimestamp ?? message.createdTimestamp;
    const waitUntil = Date.now() + SAVE_WAIT_MS;
    for (;;) {
      const state = await this.get(message.id);
      if (state || Date.now() - shownAt > RECENT_MS || Date.now() >= waitUntil) return state;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
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
