import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import type { Worker } from 'node:worker_threads';
import { startWorker } from './start-worker.ts';
import type { LauncherReply, LauncherRequest } from './process-launcher-protocol.ts';

/**
 * Starting child processes (ffmpeg, ffprobe) without holding the event loop.
 *
 * Why: `child_process.spawn` forks, and a fork copies the page tables of the whole process —
 * 15–50 ms for the bot with its models loaded, during which the thread that called it does
 * nothing else. A burst of /recommend commands making preview clips (two or three ffmpeg/ffprobe
 * runs each) then held the bot's event loop for over a second, and the voice frames it sends every
 * 20 ms arrived in lumps. The worker launcher forks from a worker thread instead; the main thread
 * only passes messages (the child's output arrives as chunks, with backpressure).
 */

/** What callers use of a child process: its output streams, its end, and a way to stop it. */
export interface LaunchedProcess {
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** True once it has exited (or failed to start). */
  readonly exited: boolean;
  kill(signal?: NodeJS.Signals): void;
  /** Failed to start (e.g. ENOENT: no such program); 'close' follows. */
  on(event: 'error', listener: (err: NodeJS.ErrnoException) => void): this;
  /** Exited and its output streams ended. */
  on(event: 'close', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
}

export interface LaunchOptions {
  /** Bytes written to its stdin, which is then closed; without, stdin is closed at once. */
  stdin?: Uint8Array;
  /** In its own process group (a terminal's Ctrl-C does not reach it). */
  detached?: boolean;
}

export interface ProcessLauncher {
  launch(binary: string, args: readonly string[], options?: LaunchOptions): LaunchedProcess;
  /** Stops the launcher (a worker: terminated; its children are killed). Idempotent. */
  close(): Promise<void>;
}

/** Spawns in the calling thread: for the command line, where nothing else waits on the loop. */
export const directLauncher: ProcessLauncher = {
  launch(binary, args, options = {}) {
    const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: options.detached ?? false });
    // EPIPE when the child exits before reading all its input (it failed early): its exit code says why.
    child.stdin.on('error', () => {});
    if (options.stdin) child.stdin.end(options.stdin);
    else child.stdin.end();
    Object.defineProperty(child, 'exited', { get: () => child.exitCode !== null || child.signalCode !== null });
    return child as unknown as LaunchedProcess;
  },
  async close() {},
};

/** A child run by the worker, as this thread sees it. */
class RemoteProcess extends EventEmitter implements LaunchedProcess {
  readonly stdout: Readable;
  readonly stderr: Readable;
  exited = false;

  constructor(
    readonly id: number,
    private readonly send: (message: LauncherRequest) => void,
  ) {
    super();
    let paused = false;
    this.stdout = new Readable({
      highWaterMark: 64 * 1024,
      read: () => {
        if (!paused) return;
        paused = false;
        this.send({ type: 'resume', id });
      },
    });
    // Backpressure: past the buffer, the worker stops reading the child's pipe until this is read.
    this.pushStdout = (chunk) => {
      if (!this.stdout.push(chunk) && !paused) {
        paused = true;
        this.send({ type: 'pause', id });
      }
    };
    this.stderr = new Readable({ read: () => {} });
  }

  pushStdout: (chunk: Buffer) => void;

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (!this.exited) this.send({ type: 'kill', id: this.id, signal });
  }
}

/**
 * Launches children from a worker thread (started at the first launch). If the worker dies, the
 * children it ran are reported as failed and the next launch starts a new one. `niceness` is added
 * to each child's nice value (lower priority), where the system allows it.
 */
export function workerLauncher(options: { niceness?: number } = {}): ProcessLauncher {
  let worker: Worker | null = null;
  let nextId = 1;
  const live = new Map<number, RemoteProcess>();

  const failAll = (err: Error) => {
    for (const p of live.values()) settle(p, err);
    live.clear();
  };
  const settle = (p: RemoteProcess, err: Error | null, code: number | null = null, signal: NodeJS.Signals | null = null) => {
    if (p.exited) return;
    p.exited = true;
    live.delete(p.id);
    // The thread keeps the process alive only while a child runs (someone awaits its end).
    if (!live.size) worker?.unref();
    // As a ChildProcess: an 'error' only reaches those who listen for it (else EventEmitter throws).
    if (err && p.listenerCount('error')) p.emit('error', err);
    p.stdout.push(null);
    p.stderr.push(null);
    p.emit('close', code, signal);
  };

  const ensureWorker = (): Worker => {
    if (worker) return worker;
    const w = startWorker(new URL('./process-launcher-worker.ts', import.meta.url), { niceness: options.niceness ?? 0 });
    w.unref();
    w.on('message', (reply: LauncherReply) => {
      const p = live.get(reply.id);
      if (!p) return;
      switch (reply.type) {
        case 'stdout':
          p.pushStdout(Buffer.from(reply.chunk.buffer, reply.chunk.byteOffset, reply.chunk.byteLength));
          break;
        case 'stderr':
          p.stderr.push(reply.text);
          break;
        case 'close':
          settle(p, reply.error ? Object.assign(new Error(reply.error.message), { code: reply.error.code }) : null, reply.code, reply.signal);
          break;
      }
    });
    const lost = (why: string) => {
      if (worker === w) worker = null;
      failAll(new Error(`the process launcher thread ${why}`));
    };
    w.on('error', (err) => lost(`failed: ${err.message}`));
    w.on('exit', (code) => lost(`exited (code ${code})`));
    worker = w;
    return w;
  };

  return {
    launch(binary, args, options = {}) {
      const w = ensureWorker();
      const id = nextId++;
      const p = new RemoteProcess(id, (message) => w.postMessage(message));
      live.set(id, p);
      w.ref();
      w.postMessage({ type: 'spawn', id, binary, args: [...args], detached: options.detached ?? false, ...(options.stdin ? { stdin: options.stdin } : {}) } satisfies LauncherRequest);
      return p;
    },
    async close() {
      const w = worker;
      worker = null;
      if (!w) return;
      failAll(new Error('the process launcher was closed'));
      // The worker kills its children first: they would outlive a terminated thread.
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
      w.postMessage({ type: 'shutdown' } satisfies LauncherRequest);
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
      await w.terminate();
    },
  };
}
