import { UserError } from '../../../errors.ts';
import type { Logger } from '../../../logger.ts';
import { backoffDelayMs, type BackoffSettings } from '../../../util/backoff.ts';
import type { Matrix } from '../../matrix.ts';
import type { EncoderHealth, EncoderSet, EncoderSpec } from '../encoder-set.ts';
import type { AudioEncoder, TextEncoder } from '../types.ts';
import type { WorkerResponse } from './protocol.ts';
import { type RequestBody, WorkerConnection } from './worker-connection.ts';

/** Restarts after a crash: 0.5 s, doubling to at most 30 s; a worker up for a minute starts again from 0.5 s. */
export const ENCODER_RESTART_BACKOFF: BackoffSettings = { initialMs: 500, maxMs: 30_000, healthyMs: 60_000 };

export interface WorkerEncoderOptions {
  /** Where restarts are told: one warning per restart, with its cause. */
  logger?: Logger;
  backoff?: BackoffSettings;
}

/** What a query that waited for a restart gets when the restart failed too. */
function restartingError(cause: string): UserError {
  return new UserError(
    `The music models are restarting after a crash (${cause}).`,
    'The bot retries on its own; try again in a minute.',
  );
}

/**
 * Keeps an encoder worker running: when the thread dies, the requests it held fail with the
 * cause (nothing can answer them), a new worker starts after a back-off, and requests made
 * meanwhile wait for it. A worker that cannot start is retried with a longer wait each time.
 */
class SupervisedWorker {
  #current: WorkerConnection | null = null;
  #restart: { promise: Promise<WorkerConnection>; cancel: (err: Error) => void } | null = null;
  #starting: Promise<WorkerConnection> | null = null;
  #timer: NodeJS.Timeout | undefined;
  #attempt = 0;
  #cause = '';
  #closed = false;

  constructor(
    private readonly spec: EncoderSpec,
    first: WorkerConnection,
    private readonly options: { logger: Logger | undefined; backoff: BackoffSettings },
  ) {
    this.#adopt(first);
  }

  #adopt(connection: WorkerConnection): void {
    this.#current = connection;
    connection.onExit((cause) => {
      if (this.#closed) return;
      this.#current = null;
      if (Date.now() - connection.readyAt >= this.options.backoff.healthyMs) this.#attempt = 0;
      this.#scheduleRestart(cause, 'encoder worker stopped; restarting it');
    });
  }

  #scheduleRestart(cause: Error, message: string): void {
    const delayMs = backoffDelayMs(this.#attempt, this.options.backoff);
    this.#attempt++;
    this.#cause = cause.message;
    this.options.logger?.warn({ cause: cause.message, restart: this.#attempt, delayMs }, message);
    let cancel: (err: Error) => void = () => {};
    const promise = new Promise<WorkerConnection>((resolve, reject) => {
      cancel = reject;
      this.#timer = setTimeout(() => {
        this.#starting = WorkerConnection.start(this.spec);
        this.#starting.then(resolve, reject);
      }, delayMs);
      this.#timer.unref();
    });
    this.#restart = { promise, cancel };
    promise.then(
      (connection) => {
        if (this.#closed) return void connection.close();
        this.#restart = null;
        this.#starting = null;
        this.#adopt(connection);
        this.options.logger?.debug({ restart: this.#attempt }, 'encoder worker running again');
      },
      (err: unknown) => {
        if (!this.#closed) this.#scheduleRestart(err instanceof Error ? err : new Error(String(err)), 'encoder worker could not restart; trying again');
      },
    );
  }

  /** The live connection, after waiting for a restart in progress. */
  async connection(): Promise<WorkerConnection> {
    if (this.#closed) throw new Error('the encoder worker is closed');
    if (this.#current) return this.#current;
    const restart = this.#restart!;
    try {
      return await restart.promise;
    } catch (err) {
      throw this.#closed ? err : restartingError(this.#cause);
    }
  }

  async request(req: RequestBody, transfer?: ArrayBuffer[]): Promise<WorkerResponse> {
    return (await this.connection()).request(req, transfer);
  }

  health(): EncoderHealth {
    if (this.#closed) return { state: 'closed' };
    return this.#current ? { state: 'up' } : { state: 'restarting', cause: this.#cause, restarts: this.#attempt };
  }

  /** Test hook: makes the worker thread really exit, now or when it starts on its next request. */
  crash(when: 'now' | 'next-request'): void {
    this.#current?.send({ op: 'crash', when });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#restart?.cancel(new Error('the encoder worker is closed'));
    await Promise.all([this.#current?.close(), this.#starting?.then((c) => c.close(), () => undefined)]);
  }
}

const supervisors = new WeakMap<EncoderSet, SupervisedWorker>();

/**
 * For tests: makes the worker behind `set` exit for real (`process.exit` in its thread), at once
 * or as it starts its next request (which is then in flight when it dies).
 */
export function crashEncoderWorker(set: EncoderSet, when: 'now' | 'next-request'): void {
  const supervisor = supervisors.get(set);
  if (!supervisor) throw new Error('not a worker encoder set');
  supervisor.crash(when);
}

/**
 * Starts the encoder worker and resolves once its models are loaded (warm), with encoders that
 * forward to it. The event loop of this thread stays free while the worker computes. The worker
 * is supervised: after a crash it is started again (see SupervisedWorker).
 */
export async function startEncoderWorker(spec: EncoderSpec, options: WorkerEncoderOptions = {}): Promise<EncoderSet> {
  const first = await WorkerConnection.start(spec);
  const { dims } = first;
  const worker = new SupervisedWorker(spec, first, { logger: options.logger, backoff: options.backoff ?? ENCODER_RESTART_BACKOFF });

  async function matrix(req: RequestBody): Promise<Matrix> {
    const res = await worker.request(req);
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
    dims.clapAudio === null
      ? null
      : {
          modelId: clapId,
          dim: dims.clapAudio,
          // Windows are copied, not transferred: callers may still hold views on the decoded audio.
          embedWindows: (windows) => matrix({ op: 'embedAudio', windows: windows.map((w) => w.slice()) }),
          dispose: async () => {},
        };

  const set: EncoderSet = {
    text: textProxy('text', spec.text.modelId, dims.text),
    clapText: dims.clapText === null ? null : textProxy('clapText', clapId, dims.clapText),
    clapAudio,
    health: () => worker.health(),
    dispose: () => worker.close(),
  };
  supervisors.set(set, worker);
  return set;
}
