import path from 'node:path';
import { UserError } from '../../errors.ts';

/** A problem with one file of an index folder: the message names the file and what is wrong. */
export class IndexError extends UserError {
  constructor(
    readonly file: string,
    problem: string,
    hint = 'Rebuild the index with `npm run index -- --catalog <catalog> --out <dir>`.',
  ) {
    super(`${file}: ${problem}`, hint);
  }
}

export function indexFile(dir: string, name: string): string {
  return path.join(dir, name);
}
