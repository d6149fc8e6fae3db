import path from 'node:path';
import { readCatalogWithHash } from '../catalog/catalog-file.ts';
import { combinedText, type Track } from '../catalog/track.ts';
import type { IndexManifest } from '../retrieval/artifacts/manifest.ts';
import { type AudioEmbeddings, writeIndexFolder } from '../retrieval/artifacts/write-index.ts';
import type { EncoderSet, EncoderSpec } from '../retrieval/encoders/encoder-set.ts';
import { modelFingerprint } from '../retrieval/encoders/model-files.ts';
import type { TextEncoder } from '../retrieval/encoders/types.ts';
import { lengthOrder } from '../retrieval/encoders/batched-text-encoder.ts';
import { startEncoderWorker } from '../retrieval/encoders/worker/worker-encoders.ts';
import { createMatrix, type Matrix } from '../retrieval/matrix.ts';
import type { ModelRuntime } from '../retrieval/recommender-service.ts';
import type { SearchParams } from '../retrieval/faiss-search-params.ts';
import { defaultFactoryFor, VectorIndex } from '../retrieval/vector-index.ts';
import { createProgress } from './progress.ts';
import { DEFAULT_FIRST_STAGE } from '../retrieval/scoring.ts';
import { buildLexicalStage, type LexicalStageOptions } from './lexical/build-lexical-stage.ts';

export interface BuildIndexOptions {
  catalogFile: string;
  outDir: string;
  /** Shown in results and the bot's footer; defaults to the folder name. */
  name?: string;
  /** faiss factory string; default by catalog size (defaultFactoryFor). */
  factory?: string;
  searchParams?: SearchParams;
  sbertModel: string;
  runtime: ModelRuntime;
  /** Texts per request to the worker (the encoder batches again inside). */
  batchSize?: number;
  silent?: boolean;
  /** Adds CLAP audio embeddings (audio issue): returns them given the loaded encoders. */
  audio?: {
    clapModel: string;
    /** The folder the track paths are under; recorded in the manifest so previews find the files. */
    audioRoot?: string;
    embed: (tracks: readonly Track[], encoders: EncoderSet) => Promise<AudioEmbeddings>;
    /** Load CLAP's audio tower here (default true); a distributed build's workers load it instead. */
    audioTower?: boolean;
  };
  startEncoders?: (spec: EncoderSpec) => Promise<EncoderSet>;
  /** Fusion weight to recommend to servers of this index (TEXT_WEIGHT still wins when set). */
  scoring?: IndexManifest['scoring'];
  /** The lexical stage (BM25F + tag lexicon), on by default; false builds a dense-only index. */
  lexical?: LexicalStageOptions | false;
}

/** Embeds every track's combined text (caption | tags: …) in batches, with a progress bar; rows in catalog order. */
export async function embedCatalogTexts(
  encoder: TextEncoder,
  tracks: readonly Track[],
  opts: { batchSize?: number; silent?: boolean } = {},
): Promise<Matrix> {
  const batch = opts.batchSize ?? 256;
  const dim = encoder.dim;
  const texts = tracks.map(combinedText);
  // Requests go shortest texts first, so every batch inside them pads little (see lengthOrder).
  const order = lengthOrder(texts);
  const out = createMatrix(tracks.length, dim);
  const progress = createProgress({ label: 'text', total: tracks.length, unit: 'tracks', silent: opts.silent });
  try {
    for (let i = 0; i < order.length; i += batch) {
      const rows = order.slice(i, i + batch);
      const m = await encoder.embed(rows.map((r) => texts[r]!));
      rows.forEach((r, j) => out.data.set(m.data.subarray(j * dim, (j + 1) * dim), r * dim));
      progress.tick(rows.length);
    }
  } finally {
    progress.stop();
  }
  return out;
}

/**
 * What the index recommends to its servers: the caller's (the demo's text weight), plus the
 * first-stage weights chosen on the evaluation's dev half when it has a lexical stage.
 */
export function recommendedScoring(given: IndexManifest['scoring'], hasLexical: boolean): IndexManifest['scoring'] {
  if (!hasLexical) return given;
  const reason = 'first stage: weights chosen on the dev half of `npm run eval`';
  return { ...given, firstStage: { ...DEFAULT_FIRST_STAGE }, reason: given ? `${given.reason}; ${reason}` : reason };
}

/**
 * Builds an index folder from a catalog file: text embeddings → faiss index → (audio) → atomic
 * write. Nothing is written until every part is ready.
 */
export async function buildIndex(opts: BuildIndexOptions): Promise<IndexManifest> {
  const { tracks, sha256 } = await readCatalogWithHash(opts.catalogFile);
  const spec: EncoderSpec = {
    text: { modelId: opts.sbertModel, ...opts.runtime },
    clap: opts.audio ? { modelId: opts.audio.clapModel, ...opts.runtime } : null,
    clapAudio: Boolean(opts.audio) && opts.audio?.audioTower !== false,
  };
  const encoders = await (opts.startEncoders ?? startEncoderWorker)(spec);
  try {
    const textEmbeddings = await embedCatalogTexts(encoders.text, tracks, opts);
    const textIndex = VectorIndex.build(textEmbeddings, opts.factory ?? defaultFactoryFor(tracks.length), opts.searchParams);
    const lexical = opts.lexical === false ? null : buildLexicalStage(tracks, opts.lexical ?? {});
    const audio = opts.audio ? await opts.audio.embed(tracks, encoders) : null;
    const clapDim = audio?.embeddings.dim ?? null;
    const fingerprint = async (id: string) => (await modelFingerprint(opts.runtime.modelsDir, id)) ?? undefined;
    return await writeIndexFolder(opts.outDir, {
      name: opts.name ?? path.basename(path.resolve(opts.outDir)),
      catalog: { source: path.basename(opts.catalogFile), sha256 },
      tracks,
      models: {
        text: { id: encoders.text.modelId, dim: encoders.text.dim, dtype: opts.runtime.dtype, fingerprint: await fingerprint(encoders.text.modelId) },
        clap:
          opts.audio && clapDim
            ? { id: opts.audio.clapModel, dim: clapDim, dtype: opts.runtime.dtype, fingerprint: await fingerprint(opts.audio.clapModel) }
            : null,
      },
      textEmbeddings,
      textIndex,
      audio,
      audioRoot: opts.audio?.audioRoot ?? null,
      builtBy: 'cratedigger index',
      scoring: recommendedScoring(opts.scoring ?? null, lexical !== null),
      lexical,
    });
  } finally {
    await encoders.dispose();
  }
}
