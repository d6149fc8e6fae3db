import { randomBytes } from 'node:crypto';
import { wantsStackTraces } from '../config.ts';
import { isUserError } from '../errors.ts';

export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: CommandIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

/**
 * Runs one CLI command and turns its outcome into an exit code: 0 done; 2 the user's input was
 * wrong (one line saying what to do, no stack trace); 1 an unexpected failure (a reference, and
 * the stack only when LOG_LEVEL is debug or trace).
 */
export async function runCommand(name: string, fn: () => Promise<number | void>, io: CommandIo = processIo): Promise<number> {
  try {
    return (await fn()) ?? 0;
  } catch (err) {
    if (isUserError(err)) {
      io.err(`${name}: ${err.full}`);
      return 2;
    }
    // node:util parseArgs: unknown or malformed options are the user's to fix.
    if (/^ERR_PARSE_ARGS_/.test((err as NodeJS.ErrnoException).code ?? '')) {
      io.err(`${name}: ${(err as Error).message} (see --help)`);
      return 2;
    }
    const ref = randomBytes(3).toString('hex');
    const e = err instanceof Error ? err : new Error(String(err));
    io.err(`${name}: unexpected error (ref ${ref}): ${e.message.split('\n')[0]}`);
    if (wantsStackTraces()) io.err(e.stack ?? '');
    else io.err('Run again with LOG_LEVEL=debug for details.');
    return 1;
  }
}
