/**
 * A press that reaches the bot before it has saved the state of the message it presses on (Discord
 * shows the edit before the bot hears back): the store waits briefly for that save on a message
 * shown moments ago, and calls an old message's missing state expired at once.
 */
import { Keyv } from 'keyv';
import { describe, expect, it } from 'vitest';
import { CacheHealth } from '../../src/cache/cache-health.ts';
import { SafeCache } from '../../src/cache/safe-cache.ts';
import { createLogger } from '../../src/logger.ts';
import type { PageState } from '../../src/discord/paged-results/page-model.ts';
import { PageStore } from '../../src/discord/paged-results/page-store.ts';

function store(): PageStore {
  const logger = createLogger({ level: 'silent', format: 'json' });
  return new PageStore(new SafeCache<PageState>(new Keyv<PageState>(), new CacheHealth(logger, 'memory', 1000), 1000), 60_000);
}

const state = { v: 1, requesterId: 'u1', page: 0, manageMessages: false } as unknown as PageState;

describe('PageStore.forMessage', () => {
  it('waits for the save of a message shown just now', async () => {
    const pages = store();
    const message = { id: 'm1', createdTimestamp: Date.now() - 200, editedTimestamp: Date.now() };
    setTimeout(() => void pages.save('m1', state), 100);
    expect(await pages.forMessage(message)).toBe(state);
  });

  it('does not wait for an old message: its state expired', async () => {
    const pages = store();
    const old = Date.now() - 60_000;
    let saved = false;
    setTimeout(() => {
      saved = true;
      void pages.save('m2', state);
    }, 100);
    expect(await pages.forMessage({ id: 'm2', createdTimestamp: old, editedTimestamp: old })).toBeUndefined();
    expect(saved).toBe(false);
  });

  it('gives up on a recent message whose state never comes', async () => {
    const pages = store();
    expect(await pages.forMessage({ id: 'm3', createdTimestamp: Date.now(), editedTimestamp: null })).toBeUndefined();
  });
});
