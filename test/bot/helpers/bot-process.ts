import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { REPO_ROOT } from '../../helpers/paths.ts';
import { waitFor } from '../../helpers/wait-for.ts';

export const TSX = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
export const BOT_ENTRY = path.join(REPO_ROOT, 'src', 'main', 'bot.ts');

/** A log line of a bot process (pino JSON). */
export type LogLine = Record<string, unknown> & { msg: string; level: number };

/**
 * A real process (by default `tsx src/main/bot.ts`, what `npm start` runs after set-up) with its output
 * captured. `env` is the whole environment: nothing from the developer's shell leaks in.
 */
export class BotProcess {
  #out = '';
  #err = '';
  readonly exit: Promise<number | null>;

  private constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (d: Buffer) => (this.#out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.#err += d.toString()));
    this.exit = once(child, 'exit').then(([code]) => code as number | null);
  }

  static start(env: NodeJS.ProcessEnv, args: string[] = [BOT_ENTRY]): BotProcess {
    return new BotProcess(spawn(TSX, args, { cwd: REPO_ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  /**
   * A TypeScript entry run by Node itself with tsx as a loader (no `tsx` launcher process in
   * between), so the child's pid and memory are the program's, with an IPC channel (`child.send`).
   */
  static startWithIpc(env: NodeJS.ProcessEnv, entry: string, nodeOptions: string[] = []): BotProcess {
    const args = [...nodeOptions, '--import', import.meta.resolve('tsx'), entry];
    return new BotProcess(spawn(process.execPath, args, { cwd: REPO_ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe', 'ipc'] }));
  }

  stdout(): string {
    return this.#out;
  }

  stderr(): string {
    return this.#err;
  }

  /** Its JSON log lines so far (LOG_FORMAT=json); other lines are skipped. */
  logs(): LogLine[] {
    return this.#out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as LogLine);
  }

  /** Waits (polling, bounded) for a log line with this message; fails early if the process exits. */
  async waitForLog(msg: string, timeoutMs = 60_000): Promise<LogLine> {
    return (await this.waitForLogs((l) => l.msg === msg, 1, timeoutMs))[0]!;
  }

  /** Waits (polling, bounded) until `count` log lines match; resolves with all that match. Fails early if the process exits. */
  async waitForLogs(match: (line: LogLine) => boolean, count: number, timeoutMs = 60_000): Promise<LogLine[]> {
    const matching = () => this.logs().filter(match);
    return waitFor(() => (matching().length >= count ? matching() : undefined), {
      what: `${count} matching log lines (${matching().length} so far)`,
      timeoutMs,
      giveUp: () => (this.child.exitCode !== null ? `the process exited (${this.child.exitCode})` : undefined),
      detail: () => `${this.#out.slice(-2000)}\n${this.#err}`,
    });
  }

  /** SIGTERM, as a service manager stops it; resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exit;
  }
}

/** Only what the test sets, plus PATH and HOME: nothing from the developer's shell or .env leaks in. */
function cleanEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...env };
}
