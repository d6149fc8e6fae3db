import { existsSync } from 'node:fs';
import { readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.ts';
import { isStrictlyInside } from '../util/inside.ts';
import { INDEX_FILES } from './artifacts/manifest.ts';

/**
 * Indexes are named, over Discord and in INDEX_NAME, by a folder in EMBEDDINGS_DIR: one path
 * segment, no separators, no leading dot (so never `.` or `..`). Paths stay a CLI matter.
 */
const INDEX_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}$/;
export const INDEX_NAME_RULE = 'a folder name in EMBEDDINGS_DIR: letters, digits, dot, dash, underscore, not starting with a dot';

export function isIndexName(name: string): boolean {
  return INDEX_NAME.test(name);
}

/** What a person typed, safe to repeat in a one-line reply. */
const quoted = (typed: string) => JSON.stringify(typed.length > 60 ? `${typed.slice(0, 60)}…` : typed);

/** Real path of EMBEDDINGS_DIR, or a UserError that does not show it. */
async function realRoot(embeddingsDir: string): Promise<string> {
  try {
    return await realpath(embeddingsDir);
  } catch {
    throw new UserError('The index folder (EMBEDDINGS_DIR) does not exist on the bot\'s machine.', 'Create it and build an index with `npm run index`.');
  }
}

/**
 * The real folder an index name stands for. Refuses anything that is not a name, and names that
 * lead outside EMBEDDINGS_DIR (a symlink to elsewhere). Messages show names, never host paths.
 */
export async function resolveIndexName(embeddingsDir: string, name: string): Promise<string> {
  if (!isIndexName(name)) {
    throw new UserError(`${quoted(name)} is not an index name.`, `Give ${INDEX_NAME_RULE} (autocomplete lists them).`);
  }
  const root = await realRoot(embeddingsDir);
  let real: string;
  try {
    real = await realpath(path.join(root, name));
  } catch {
    const names = await indexNames(embeddingsDir);
    throw new UserError(`No index named ${quoted(name)}.`, names.length ? `Indexes: ${names.join(', ')}.` : 'Build one with `npm run index`.');
  }
  if (!isStrictlyInside(root, real)) {
    throw new UserError(`Index ${quoted(name)} leads outside EMBEDDINGS_DIR (a link to another folder).`, 'Only folders inside EMBEDDINGS_DIR can be served.');
  }
  return real;
}

/** Names of the index folders (with a manifest) in EMBEDDINGS_DIR that resolveIndexName accepts, sorted. */
export async function indexNames(embeddingsDir: string): Promise<string[]> {
  let root: string;
  let entries: string[];
  try {
    root = await realpath(embeddingsDir);
    entries = await readdir(root);
  } catch {
    return [];
  }
  const names: string[] = [];
  for (const name of entries.filter(isIndexName).sort()) {
    const real = await realpath(path.join(root, name)).catch(() => null);
    if (real && isStrictlyInside(root, real) && existsSync(path.join(real, INDEX_FILES.manifest))) names.push(name);
  }
  return names;
}
