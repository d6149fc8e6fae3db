import { Worker } from 'node:worker_threads';

/** Starts a worker thread running `entry` (a .ts or .js module URL); `data` arrives as workerData. */
export function startWorker(entry: URL, data: Record<string, unknown>): Worker {
  return new Worker(new URL('./worker-bootstrap.mjs', import.meta.url), {
    workerData: { ...data, entry: entry.href },
  });
}
