import { fileURLToPath } from 'node:url';
import type { LagFigures } from '../../src/bench/event-loop-lag.ts';
import { BotProcess, type LogLine } from '../bot/helpers/bot-process.ts';
import type { ChildReply, ChildRequest } from './child-protocol.ts';

const CHILD = fileURLToPath(new URL('./bot-child.ts', import.meta.url));

/** The bot process under load (test/load/bot-child.ts): its logs, its memory, its event-loop lag, a way to crash its encoder worker. */
export class BotUnderLoad {
  private constructor(
    private readonly process: BotProcess,
    /** Milliseconds from start to ready (models warm, gateway session open), as the bot measured it. */
    readonly readyMs: number,
  ) {}

  /** Starts it with exactly `env` (plus PATH and HOME) and resolves once it is ready. */
  static async start(env: NodeJS.ProcessEnv, timeoutMs = 180_000): Promise<BotUnderLoad> {
    // --expose-gc: the memory figures include the heap after a full collection.
    const proc = BotProcess.startWithIpc(env, CHILD, ['--expose-gc']);
    const ready = await reply(proc, 'ready', timeoutMs);
    return new BotUnderLoad(proc, ready.readyMs);
  }

  get pid(): number {
    return this.process.child.pid!;
  }

  logs(): LogLine[] {
    return this.process.logs();
  }

  /** Resident set size of the bot process (its worker threads included) as it is, then RSS and JS heap in use after a full collection, in bytes. */
  async memory(): Promise<{ rssBytes: number; rssAfterGcBytes: number; heapUsedBytes: number }> {
    send(this.process, { op: 'memory' });
    const { rssBytes, rssAfterGcBytes, heapUsedBytes } = await reply(this.process, 'memory', 10_000);
    return { rssBytes, rssAfterGcBytes, heapUsedBytes };
  }

  /** Makes its encoder worker thread exit for real, now. */
  async crashWorker(): Promise<void> {
    send(this.process, { op: 'crash-worker' });
    await reply(this.process, 'crash-worker', 10_000);
  }

  /** Starts measuring the bot's event-loop lag (in the bot process, on its main thread). */
  async startLag(): Promise<void> {
    send(this.process, { op: 'lag-start' });
    await reply(this.process, 'lag-start', 10_000);
  }

  /** Ends the measurement `startLag` began: the lag figures over that time. */
  async stopLag(): Promise<LagFigures> {
    send(this.process, { op: 'lag-stop' });
    return (await reply(this.process, 'lag-stop', 10_000)).lag;
  }

  /** SIGTERM; resolves with the exit code once it has shut down. */
  stop(): Promise<number | null> {
    return this.process.stop();
  }
}

function send(proc: BotProcess, message: ChildRequest): void {
  proc.child.send(message);
}

/** The child's next reply of this kind; fails if it exits first or takes longer than `timeoutMs`. */
function reply<K extends ChildReply['op']>(proc: BotProcess, op: K, timeoutMs: number): Promise<Extract<ChildReply, { op: K }>> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error, value?: Extract<ChildReply, { op: K }>) => {
      clearTimeout(timer);
      proc.child.off('message', onMessage);
      proc.child.off('exit', onExit);
      if (err) reject(err);
      else resolve(value!);
    };
    const onMessage = (m: ChildReply) => m.op === op && done(undefined, m as Extract<ChildReply, { op: K }>);
    const tail = () => `${proc.stdout().slice(-1500)}\n${proc.stderr().slice(-1500)}`;
    const onExit = (code: number | null) => done(new Error(`the bot process exited (${code}) before "${op}":\n${tail()}`));
    const timer = setTimeout(() => done(new Error(`no "${op}" from the bot process after ${timeoutMs} ms:\n${tail()}`)), timeoutMs);
    proc.child.on('message', onMessage);
    proc.child.once('exit', onExit);
  });
}
