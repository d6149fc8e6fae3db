import type { TagMap } from '../../catalog/tags.ts';
import type { Track } from '../../catalog/track.ts';
import { type Bm25Params, LexicalIndex } from '../../retrieval/lexical/lexical-index.ts';
import type { TagLexiconData } from '../../retrieval/query/tag-lexicon.ts';
import { buildTagLexicon, type FormSource } from './build-tag-lexicon.ts';
import { DEFAULT_FIELD_WEIGHTS, lexicalDocuments } from './lexical-documents.ts';
import { wordnetSynonyms } from './wordnet-synonyms.ts';
import { captionAssociations } from './caption-associations.ts';

/** What the lexical stage is built from besides the tracks. */
export interface LexicalStageOptions {
  /** The catalog's tag map: aliases people write for its tags. */
  tagMap?: TagMap;
  /**
   * Synonym sources for the tag lexicon. Default: WordNet (when installed) and word → tag
   * associations learned from the captions, both of which raised P@10 on the evaluation's dev
   * half (bench/QUALITY.md, rows "without …").
   */
  synonyms?: readonly FormSource[];
  fieldWeights?: Readonly<Record<string, number>>;
  params?: Bm25Params;
}

export interface LexicalStage {
  index: LexicalIndex;
  lexicon: TagLexiconData;
}

/** WordNet first (more precise), then the captions' associations. */
export function defaultSynonyms(tracks: readonly Track[]): FormSource[] {
  return [wordnetSynonyms(tracks), captionAssociations(tracks)];
}

/** The BM25F index over the tracks' fields and the tag lexicon of their vocabulary. Pure; no I/O. */
export function buildLexicalStage(tracks: readonly Track[], opts: LexicalStageOptions = {}): LexicalStage {
  const index = LexicalIndex.build(lexicalDocuments(tracks), {
    fieldWeights: opts.fieldWeights ?? DEFAULT_FIELD_WEIGHTS,
    ...(opts.params ? { params: opts.params } : {}),
  });
  const synonyms = opts.synonyms ?? defaultSynonyms(tracks);
  const lexicon = buildTagLexicon(tracks, { ...(opts.tagMap ? { aliases: opts.tagMap } : {}), extra: synonyms });
  return { index, lexicon };
}
