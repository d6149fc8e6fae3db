import { UserError } from '../../../errors.ts';
import { startWorker } from '../../../util/start-worker.ts';
import type { Matrix } from '../../matrix.ts';
import type { EncoderSet, EncoderSpec } from '../encoder-set.ts';
import type { AudioEncoder, TextEncoder } from '../types.ts';
import type { SerializedError, WorkerData, WorkerFailed, WorkerReady, WorkerRequest, WorkerResponse } from './protocol.ts';

type RequestBody = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;
type Pending = { resolve: (m: WorkerResponse) => void; reject: (e: Error) => void };

function revive(e: SerializedError): Error {
  if (e.userFacing) {
    const err = new UserError(e.message, e.hint);
    err.name = e.name;
    return err;
  }
  const err = new Error(`encoder worker: ${e.message}`);
  err.name = e.name;
  return err;
}

/**
 * Starts the encoder worker and resolves once its models are loaded (warm), with encoders that
 * forward to it. The event loop of this thread stays free while the worker computes.
 */
export async function startEncoderWorker(spec: EncoderSpec): Promise<EncoderSet> {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const worker = startWorker(new URL(`./encoder-worker${ext}`, import.meta.url), { spec } satisfies WorkerData);
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let exited: Error | null = null;

  const ready = await new Promise<WorkerReady>((resolve, reject) => {
    const onMessage = (msg: WorkerReady | WorkerFailed) => {
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (msg.type === 'ready') resolve(msg);
      else {
        void worker.terminate();
        reject(revive(msg.error));
      }
    };
    const onError = (err: Error) => reject(err);
    const onExit = (code: number) => reject(new Error(`encoder worker exited (code ${code}) while loading models`));
    worker.once('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
  });

  const failAll = (err: Error) => {
    exited = err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('message', (res: WorkerResponse) => {
    const p = pending.get(res.id);
    if (!p) return;
    pending.delete(res.id);
    if (res.ok) p.resolve(res);
    else p.reject(revive(res.error));
  });
  worker.on('error', (err) => failAll(new Error(`encoder worker crashed: ${err.message}`)));
  worker.on('exit', (code) => failAll(new Error(`encoder worker exited (code ${code})`)));

  function request(req: RequestBody, transfer: ArrayBuffer[] = []): Promise<WorkerResponse> {
    if (exited) return Promise.reject(exited);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...req, id }, transfer);
    });
  }

  async function matrix(req: RequestBody, transfer?: ArrayBuffer[]): Promise<Matrix> {
    const res = await request(req, transfer);
    if (!('data' in res)) throw new Error('encoder worker sent no vectors');
    return { rows: res.rows, dim: res.dim, data: res.data };
  }

  const textProxy = (role: 'text' | 'clapText', modelId: string, dim: number): TextEncoder => ({
    modelId,
    dim,
    embed: (texts) => matrix({ op: 'embedText', role, texts: [...texts] }),
    dispose: async () => {},
  });

  const clapId = spec.clap?.modelId ?? '';
  const clapAudio: AudioEncoder | null =
    ready.dims.clapAudio === null
      ? null
      : {
          modelId: clapId,
          dim: ready.dims.clapAudio,
          // Windows are copied, not transferred: callers may still hold views on the decoded audio.
          embedWindows: (windows) => matrix({ op: 'embedAudio', windows: windows.map((w) => w.slice()) }),
          dispose: async () => {},
        };

  return {
    text: textProxy('text', spec.text.modelId, ready.dims.text),
    clapText: ready.dims.clapText === null ? null : textProxy('clapText', clapId, ready.dims.clapText),
    clapAudio,
    async dispose() {
      if (exited) return;
      await request({ op: 'close' }).catch(() => undefined);
      await worker.terminate();
    },
  };
}
