import { existsSync } from 'node:fs';
import path from 'node:path';
import { readCatalogWithHash, writeCatalog } from '../catalog/catalog-file.ts';
import { importJamendoFiles } from '../catalog/jamendo/import-files.ts';
import { readTagMapFile, type TagMap } from '../catalog/tags.ts';
import type { Track } from '../catalog/track.ts';
import { UserError } from '../errors.ts';
import { buildIndex } from '../indexing/build-index.ts';
import { readManifest } from '../retrieval/artifacts/load-index.ts';
import { modelFingerprint } from '../retrieval/encoders/model-files.ts';
import type { ModelRuntime } from '../retrieval/recommender-service.ts';
import { mkdir } from 'node:fs/promises';

/**
 * The evaluation's index: the MTG-Jamendo catalog (or its first `limit` tracks) embedded with the
 * chosen SBERT model, text only (the audio is not on these machines). Kept in a work folder and
 * reused while the catalog and the model's fingerprint are the same. The lexical stage is rebuilt
 * in memory by the evaluation itself, so it always reflects the code being evaluated.
 */

const JAMENDO_FILES = ['metadata_base.csv', 'captions.csv', 'tag_map.json'] as const;

export interface EvalIndexOptions {
  jamendoDir: string;
  workDir: string;
  sbertModel: string;
  runtime: ModelRuntime;
  /** Only the first N tracks (a slice for tests). */
  limit?: number;
  onProgress?: (line: string) => void;
}

export interface EvalIndex {
  indexDir: string;
  tagMap: TagMap;
}

export async function ensureEvalIndex(o: EvalIndexOptions): Promise<EvalIndex> {
  const missing = JAMENDO_FILES.filter((f) => !existsSync(path.join(o.jamendoDir, f)));
  if (missing.length) {
    throw new UserError(
      `The evaluation catalog folder ${o.jamendoDir} lacks ${missing.join(', ')}.`,
      'Pass --jamendo <folder with MTG-Jamendo metadata_base.csv, captions.csv and tag_map.json>, or --index <an index folder> (with --tag-map).',
    );
  }
  const { tracks } = await importJamendoFiles({
    metadata: [path.join(o.jamendoDir, 'metadata_base.csv')],
    captions: path.join(o.jamendoDir, 'captions.csv'),
    tagMap: path.join(o.jamendoDir, 'tag_map.json'),
  });
  const chosen: Track[] = o.limit ? tracks.slice(0, o.limit) : tracks;
  const name = `eval-${o.sbertModel.replace(/[^\w.-]+/g, '_')}-${chosen.length}`;
  await mkdir(o.workDir, { recursive: true });
  const catalogFile = path.join(o.workDir, `${name}.csv`);
  await writeCatalog(catalogFile, chosen);
  const { sha256 } = await readCatalogWithHash(catalogFile);
  const indexDir = path.join(o.workDir, name);
  if (!(await isCurrent(indexDir, sha256, o))) {
    o.onProgress?.(`building the evaluation index: ${chosen.length} MTG-Jamendo tracks, ${o.sbertModel}`);
    await buildIndex({ catalogFile, outDir: indexDir, name, factory: 'Flat', sbertModel: o.sbertModel, runtime: o.runtime, silent: true, lexical: false });
  }
  return { indexDir, tagMap: await readTagMapFile(path.join(o.jamendoDir, 'tag_map.json')) };
}

async function isCurrent(indexDir: string, catalogSha: string, o: EvalIndexOptions): Promise<boolean> {
  try {
    const m = await readManifest(indexDir);
    const fingerprint = await modelFingerprint(o.runtime.modelsDir, o.sbertModel);
    return m.catalog.sha256 === catalogSha && m.models.text.id === o.sbertModel && (m.models.text.fingerprint ?? null) === fingerprint;
  } catch {
    return false;
  }
}
