import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { UserError } from '../../errors.ts';
import type { Track } from '../track.ts';
import { parseTagMap } from '../tags.ts';
import { buildJamendoCatalog } from './build-catalog.ts';
import type { BuildOptions, ImportSummary, JamendoSources, SourceText } from './build-catalog.ts';

/** The MTG-Jamendo import from file paths: reads every input, then builds the catalog. */
export interface JamendoPaths {
  metadata: readonly string[];
  captions?: string;
  tagMap?: string;
  meta?: string;
  licenses?: string;
}

export async function importJamendoFiles(
  paths: JamendoPaths,
  options: BuildOptions = {},
): Promise<{ tracks: Track[]; summary: ImportSummary }> {
  if (paths.metadata.length === 0) {
    throw new UserError('No metadata file given.', 'Pass --metadata <autotagging TSV or metadata_base.csv> (it may repeat).');
  }
  const sources: JamendoSources = { metadata: await Promise.all(paths.metadata.map((p) => readSource(p, 'metadata'))) };
  if (paths.captions) sources.captions = await readSource(paths.captions, 'captions');
  if (paths.meta) sources.rawMeta = await readSource(paths.meta, 'credits (raw.meta.tsv)');
  if (paths.licenses) sources.licenses = await readSource(paths.licenses, 'licences');
  if (paths.tagMap) {
    const src = await readSource(paths.tagMap, 'tag map');
    sources.tagMap = parseTagMap(src.text, src.file);
  }
  return buildJamendoCatalog(sources, options);
}

async function readSource(path: string, what: string): Promise<SourceText> {
  try {
    return { file: basename(path), text: await readFile(path, 'utf8') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`The ${what} file ${path} does not exist.`);
    if (code === 'EISDIR') throw new UserError(`The ${what} path ${path} is a folder, not a file.`);
    throw new UserError(`Cannot read the ${what} file ${path}: ${(err as Error).message}.`);
  }
}
