import { randomBytes } from 'node:crypto';
import { isUserError } from '../errors.ts';

/**
 * What a person is told about an error, for every front end (Discord, console, CLI, start-up):
 * their own mistakes say what is wrong and what to do; anything else gets a short reference that
 * ties the answer to the one log line with the stack.
 */
export type PresentedError = { kind: 'user'; text: string } | { kind: 'unexpected'; ref: string; text: string };

/** A short reference that ties a "something went wrong" answer to its log line. */
export function errorRef(): string {
  return randomBytes(3).toString('hex');
}

/**
 * Turns an error into words. Unexpected errors get a reference and are handed to `log` with it
 * (each front end logs its own way). Malformed command-line options count as the person's to fix.
 */
export function presentError(err: unknown, log?: (ref: string, err: unknown) => void): PresentedError {
  if (isUserError(err)) return { kind: 'user', text: err.full };
  if (/^ERR_PARSE_ARGS_/.test((err as NodeJS.ErrnoException | undefined)?.code ?? '')) {
    return { kind: 'user', text: `${(err as Error).message} (see --help)` };
  }
  const ref = errorRef();
  log?.(ref, err);
  return { kind: 'unexpected', ref, text: `Something went wrong (ref ${ref}).` };
}
