import type KeyvSqlite from '@keyv/sqlite';

/**
 * Deletes the rows whose Keyv expiry (`expires` in the stored JSON, milliseconds) has passed.
 * Keyv drops an expired entry only when it is read, so a long-running bot's file would otherwise
 * keep every result it ever cached. All namespaces share the table: one statement prunes them all.
 * Returns how many rows went.
 */
export async function pruneExpiredRows(store: KeyvSqlite, now = Date.now()): Promise<number> {
  const table = store.opts.table ?? 'keyv';
  const expires = `CASE WHEN json_valid(value) THEN json_extract(value, '$.expires') END`;
  const removed = (await store.query(`DELETE FROM ${table} WHERE ${expires} < ? RETURNING key`, now)) as unknown[];
  return removed.length;
}

/**
 * Runs `prune` now and every `intervalMs` (one run at a time), never keeping the process alive.
 * The returned stop function resolves once a run in progress has finished, so the store can close.
 */
export function prunePeriodically(prune: () => Promise<void>, intervalMs: number): () => Promise<void> {
  let running = prune();
  const timer = setInterval(() => {
    running = running.then(prune);
  }, intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    return running;
  };
}
