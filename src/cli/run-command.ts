import { presentError } from '../app/present-error.ts';
import { wantsStackTraces } from '../config.ts';

export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: CommandIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

/** A user error may ask for another exit code (a download that cannot be made exits 1, not 2). */
function exitCodeOf(err: unknown): number | undefined {
  const code = (err as { exitCode?: unknown } | null)?.exitCode;
  return typeof code === 'number' ? code : undefined;
}

/**
 * Runs one CLI command and turns its outcome into an exit code: 0 done; 2 the user's input was
 * wrong (one line saying what to do, no stack trace); 1 an unexpected failure (a reference, and
 * the stack only when LOG_LEVEL is debug or trace).
 */
export async function runCommand(name: string, fn: () => Promise<number | void>, io: CommandIo = processIo): Promise<number> {
  try {
    return (await fn()) ?? 0;
  } catch (err) {
    const presented = presentError(err);
    if (presented.kind === 'user') {
      io.err(`${name}: ${presented.text}`);
      return exitCodeOf(err) ?? 2;
    }
    // A terminal is the log here: the error's first line, the stack on request.
    const e = err instanceof Error ? err : new Error(String(err));
    io.err(`${name}: unexpected error (ref ${presented.ref}): ${e.message.split('\n')[0]}`);
    if (wantsStackTraces()) io.err(e.stack ?? '');
    else io.err('Run again with LOG_LEVEL=debug for details.');
    return 1;
  }
}
