/**
 * The encoder worker: loads the models once and answers embedding requests. onnxruntime-node's
 * `run()` blocks its thread for the whole inference, so it must not run on the thread that
 * talks to Discord.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isUserError } from '../../../errors.ts';
import { createEncoderSet, type EncoderSet, transformersSettings } from '../encoder-set.ts';
import { configureTransformers } from '../model-files.ts';
import { CRASH_EXIT_CODE, type SerializedError, type WorkerData, type WorkerFailed, type WorkerReady, type WorkerRequest, type WorkerResponse } from './protocol.ts';

function serialize(err: unknown): SerializedError {
  if (isUserError(err)) return { name: err.name, message: err.message, hint: err.hint, userFacing: true };
  const e = err instanceof Error ? err : new Error(String(err));
  return { name: e.name, message: e.stack ?? e.message, userFacing: false };
}

async function handle(set: EncoderSet, req: Exclude<WorkerRequest, { op: 'crash' }>): Promise<WorkerResponse> {
  if (req.op === 'close') {
    await set.dispose();
    return { id: req.id, ok: true, closed: true };
  }
  if (req.op === 'embedText') {
    const encoder = req.role === 'text' ? set.text : set.clapText;
    if (!encoder) throw new Error(`no ${req.role} encoder loaded in this worker`);
    const m = await encoder.embed(req.texts);
    return { id: req.id, ok: true, rows: m.rows, dim: m.dim, data: m.data };
  }
  if (!set.clapAudio) throw new Error('no CLAP audio encoder loaded in this worker');
  const m = await set.clapAudio.embedWindows(req.windows);
  return { id: req.id, ok: true, rows: m.rows, dim: m.dim, data: m.data };
}

async function main(): Promise<void> {
  const port = parentPort!;
  const { spec } = workerData as WorkerData;
  let set: EncoderSet;
  try {
    // This thread's transformers.js, set once: every encoder of the set loads with it.
    configureTransformers(transformersSettings(spec));
    set = await createEncoderSet(spec);
  } catch (err) {
    port.postMessage({ type: 'failed', error: serialize(err) } satisfies WorkerFailed);
    return;
  }
  const ready: WorkerReady = {
    type: 'ready',
    dims: { text: set.text.dim, clapText: set.clapText?.dim ?? null, clapAudio: set.clapAudio?.dim ?? null },
  };
  port.postMessage(ready);
  // Requests are served one at a time, in order: the models are not re-entrant.
  let chain = Promise.resolve();
  let crashOnNextRequest = false;
  port.on('message', (req: WorkerRequest) => {
    if (req.op === 'crash') {
      if (req.when === 'now') process.exit(CRASH_EXIT_CODE);
      crashOnNextRequest = true;
      return;
    }
    chain = chain.then(async () => {
      if (crashOnNextRequest) process.exit(CRASH_EXIT_CODE);
      let res: WorkerResponse;
      try {
        res = await handle(set, req);
      } catch (err) {
        res = { id: req.id, ok: false, error: serialize(err) };
      }
      port.postMessage(res, 'data' in res ? [res.data.buffer as ArrayBuffer] : []);
      if (req.op === 'close') port.close();
    });
  });
}

void main();
