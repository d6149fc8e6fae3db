// Entry of every worker thread. The project runs from TypeScript sources (tsx); Node 20 does not
// apply the parent's tsx loader to a worker's entry module, so the worker registers tsx itself
// before importing its real (.ts) entry, given in workerData.entry.
import { workerData } from 'node:worker_threads';

if (workerData.entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(workerData.entry);
