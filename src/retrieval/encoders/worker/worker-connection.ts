import type { Worker } from 'node:worker_threads';
import { UserError } from '../../../errors.ts';
import { startWorker } from '../../../util/start-worker.ts';
import type { EncoderSpec } from '../encoder-set.ts';
import type { SerializedError, WorkerData, WorkerFailed, WorkerReady, WorkerRequest, WorkerResponse } from './protocol.ts';

export type RequestBody = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;
type Pending = { resolve: (m: WorkerResponse) => void; reject: (e: Error) => void };

export function revive(e: SerializedError): Error {
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
 * One encoder worker thread with its models loaded: requests in, responses out. When the thread
 * dies, every request in flight is rejected with the cause and `onExit` hears it once; a dead
 * connection is never used again (the supervisor starts a new one).
 */
export class WorkerConnection {
  /** When its models were loaded: the start of its healthy period. */
  readonly readyAt = Date.now();
  #pending = new Map<number, Pending>();
  #nextId = 1;
  #exited: Error | null = null;
  #closing = false;
  #closed: Promise<void> | undefined;
  #onExit: (cause: Error) => void = () => {};

  private constructor(
    private readonly worker: Worker,
    readonly dims: WorkerReady['dims'],
  ) {
    let crash: Error | null = null;
    worker.on('message', (res: WorkerResponse) => {
      const p = this.#pending.get(res.id);
      if (!p) return;
      this.#pending.delete(res.id);
      if (res.ok) p.resolve(res);
      else p.reject(revive(res.error));
    });
    // An uncaught error in the worker comes first, then the exit: report the error as the cause.
    worker.on('error', (err) => (crash = new Error(`encoder worker crashed: ${err.message}`)));
    worker.on('exit', (code) => {
      const cause = crash ?? new Error(`encoder worker exited with code ${code}`);
      this.#exited = cause;
      for (const p of this.#pending.values()) p.reject(cause);
      this.#pending.clear();
      if (!this.#closing) this.#onExit(cause);
    });
  }

  /** Starts a worker and resolves once its models are loaded (warm); a load failure rejects with its reason. */
  static async start(spec: EncoderSpec): Promise<WorkerConnection> {
    const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
    const worker = startWorker(new URL(`./encoder-worker${ext}`, import.meta.url), { spec } satisfies WorkerData);
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
    return new WorkerConnection(worker, ready.dims);
  }

  /** Called once if the thread dies while not being closed. */
  onExit(listener: (cause: Error) => void): void {
    this.#onExit = listener;
  }

  request(req: RequestBody, transfer: ArrayBuffer[] = []): Promise<WorkerResponse> {
    if (this.#exited) return Promise.reject(this.#exited);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...req, id }, transfer);
    });
  }

  /** Sends a message that expects no answer (the test-only crash). */
  send(req: RequestBody): void {
    if (!this.#exited) this.worker.postMessage({ ...req, id: 0 });
  }

  /**
   * Lets the models free their sessions, then ends the thread. Once only: a second 'close' would
   * free them again while the thread is being terminated, which aborts the whole process.
   */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#closing = true;
      if (this.#exited) return;
      await this.request({ op: 'close' }).catch(() => undefined);
      await this.worker.terminate();
    })();
    return this.#closed;
  }
}
