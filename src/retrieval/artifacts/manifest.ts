import { createHash } from 'node:crypto';
import { z } from 'zod';
import { FIRST_STAGES, FUSIONS } from '../scoring.ts';
import { isModelId, MODEL_ID_RULE } from '../../models/model-id.ts';

export const INDEX_FORMAT = 'cratedigger-index';
export const INDEX_FORMAT_VERSION = 1;

/** File names inside an index folder. Fixed, so other tools (and Python) find them. */
export const INDEX_FILES = {
  manifest: 'manifest.json',
  tracks: 'tracks.csv',
  textIndex: 'text.faiss',
  textEmbeddings: 'text_embeddings.npy',
  audioEmbeddings: 'audio_embeddings.npy',
  audioMask: 'audio_mask.npy',
  audioReport: 'audio_failures.csv',
  audioIndex: 'audio.faiss',
  lexicalIndex: 'lexical.bin',
  tagLexicon: 'tag_lexicon.json',
} as const;

const modelRef = z.object({
  id: z.string().refine(isModelId, `must be ${MODEL_ID_RULE}`),
  dim: z.number().int().positive(),
  dtype: z.enum(['q8', 'fp32']),
  /** modelFingerprint() of the folder used at build time; absent for imported embeddings. */
  fingerprint: z.string().optional(),
});

/** How the first stage combines its parts; every field optional (built-in defaults fill the rest). */
const firstStageScoring = z
  .object({
    kind: z.enum(FIRST_STAGES),
    understanding: z.boolean(),
    fusion: z.enum(FUSIONS),
    lexicalWeight: z.number().min(0).max(1),
    rrfK: z.number().positive(),
    tagTermWeight: z.number().min(0),
    tagBoost: z.number().min(0),
  })
  .partial();

export const manifestSchema = z.object({
  format: z.literal(INDEX_FORMAT),
  formatVersion: z.literal(INDEX_FORMAT_VERSION),
  name: z.string().min(1),
  /** Short content id: changes whenever the index's content may change (cache keys use it). */
  version: z.string().min(1),
  createdAt: z.string(),
  catalog: z.object({
    source: z.string(),
    sha256: z.string(),
    tracks: z.number().int().positive(),
  }),
  models: z.object({
    text: modelRef,
    /** The CLAP model whose text tower must embed prompts for this index's audio embeddings. */
    clap: modelRef.nullable(),
  }),
  textIndex: z.object({
    factory: z.string().min(1),
    metric: z.literal('inner_product'),
    ntotal: z.number().int().positive(),
  }),
  embeddings: z.object({
    dtype: z.literal('float32'),
    text: z.object({ rows: z.number().int().positive(), dim: z.number().int().positive() }),
    audio: z
      .object({
        rows: z.number().int().positive(),
        dim: z.number().int().positive(),
        /** Rows whose mask is true: tracks that have an audio embedding. */
        embedded: z.number().int().nonnegative(),
        failed: z.number().int().nonnegative(),
        /** How windows were cut from each track (recorded so a rebuild can match it). */
        policy: z.record(z.string(), z.unknown()),
      })
      .nullable(),
  }),
  /** Where it came from: `cratedigger index`, `import-python`, … and free-form notes. */
  builtBy: z.string(),
  /**
   * The audio root the audio embeddings were computed from (relative to the index folder when
   * inside it or beside it, else absolute), so previews can find the files; AUDIO_ROOT overrides.
   */
  audioRoot: z.string().nullable().default(null),
  /**
   * The faiss index over the audio embeddings (`audio.faiss`), for track-to-track similarity.
   * Null for indexes without audio, and for those built before it (similarity builds it on first use).
   */
  audioIndex: z
    .object({ factory: z.string().min(1), metric: z.literal('inner_product'), ntotal: z.number().int().positive() })
    .nullable()
    .default(null),
  /**
   * The lexical stage (files `lexical.bin` and `tag_lexicon.json`): BM25F parameters and sizes,
   * checked against the files on load. Null for indexes built before it (they serve dense only).
   */
  lexical: z
    .object({
      docs: z.number().int().positive(),
      terms: z.number().int().nonnegative(),
      postings: z.number().int().nonnegative(),
      fieldWeights: z.record(z.string(), z.number().nonnegative()),
      k1: z.number().positive(),
      b: z.number().min(0).max(1),
      /** Forms the tag lexicon knows per resource (tags, aliases, rules, wordnet, …). */
      lexicon: z.record(z.string(), z.number().int().nonnegative()),
    })
    .nullable()
    .default(null),
  /**
   * Scoring the index recommends where settings say nothing: `textWeight` (the embedded default,
   * whose CLAP model is an untrained stand-in, asks for text and audio fused; real indexes leave it
   * out) and the first stage's fusion, chosen on the evaluation's dev half.
   */
  scoring: z
    .object({ textWeight: z.number().min(0).max(1).optional(), firstStage: firstStageScoring.optional(), reason: z.string() })
    .nullable()
    .default(null),
});

export type IndexManifest = z.infer<typeof manifestSchema>;
export type ModelRef = z.infer<typeof modelRef>;

/** The content id recorded as `version`: a hash of what the index contains and how it was made. */
export function contentVersion(parts: Omit<IndexManifest, 'version' | 'name'>): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 12);
}

export function indexMode(manifest: IndexManifest): 'two-stage' | 'text-only' {
  return manifest.embeddings.audio && manifest.embeddings.audio.embedded > 0 && manifest.models.clap
    ? 'two-stage'
    : 'text-only';
}
