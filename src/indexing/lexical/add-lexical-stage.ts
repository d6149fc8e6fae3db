import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadIndexFolder } from '../../retrieval/artifacts/load-index.ts';
import { type IndexManifest, INDEX_FILES } from '../../retrieval/artifacts/manifest.ts';
import { writeIndexFolder } from '../../retrieval/artifacts/write-index.ts';
import { recommendedScoring } from '../build-index.ts';
import { buildLexicalStage, type LexicalStageOptions } from './build-lexical-stage.ts';

/**
 * Adds (or rebuilds) the lexical stage of an existing index folder: it needs only the tracks, so
 * an index built before the lexical stage, or one imported from the prototype, gets it in a second
 * without re-embedding anything. Everything else is kept as it is; the folder is rewritten
 * atomically (its content version changes, so cached results of the old one are not reused).
 */
export async function addLexicalStage(dir: string, options: LexicalStageOptions = {}): Promise<IndexManifest> {
  const index = await loadIndexFolder(dir);
  const m = index.manifest;
  const lexical = buildLexicalStage(index.tracks, options);
  const failureReport = await readFile(path.join(index.dir, INDEX_FILES.audioReport), 'utf8').catch(() => undefined);
  // The recommendation without its old first-stage part (recommendedScoring adds the current one).
  const textWeight = m.scoring?.textWeight;
  const given = textWeight === undefined ? null : { textWeight, reason: m.scoring!.reason.split('; first stage')[0]! };
  return writeIndexFolder(index.dir, {
    name: m.name,
    catalog: { source: m.catalog.source, sha256: m.catalog.sha256 },
    tracks: index.tracks,
    models: m.models,
    textEmbeddings: index.textEmbeddings,
    textIndex: index.textIndex,
    audio:
      index.audio && m.embeddings.audio
        ? {
            embeddings: index.audio.embeddings,
            mask: index.audio.mask,
            failed: m.embeddings.audio.failed,
            policy: m.embeddings.audio.policy,
            ...(failureReport !== undefined ? { failureReport } : {}),
          }
        : null,
    builtBy: m.builtBy.includes('lexical stage') ? m.builtBy : `${m.builtBy} + lexical stage`,
    audioRoot: index.audioRoot,
    scoring: recommendedScoring(given, true),
    lexical,
  });
}
