import { stat } from 'node:fs/promises';
import { readWholeFile } from '../../util/read-whole-file.ts';
import path from 'node:path';
import { parseCatalog } from '../../catalog/catalog-file.ts';
import type { Track } from '../../catalog/track.ts';
import { UserError } from '../../errors.ts';
import { type Matrix, norm, row } from '../matrix.ts';
import { VectorIndex } from '../vector-index.ts';
import { buildAudioVectors } from '../audio-vectors.ts';
import { IndexError } from './index-error.ts';
import { type IndexManifest, INDEX_FILES, indexMode, manifestSchema } from './manifest.ts';
import { decodeNpy, type NpyArray } from './npy.ts';
import { LexicalIndex } from '../lexical/lexical-index.ts';
import { TagLexicon, tagLexiconSchema } from '../query/tag-lexicon.ts';

export interface LoadedAudio {
  embeddings: Matrix;
  /** 1 where the row holds an embedding. */
  mask: Uint8Array;
  /** 1/‖row‖ (0 for zero rows), computed once at load so a query's rerank is one dot product per candidate. */
  inverseNorms: Float32Array;
  /**
   * The faiss index over the rows (`audio.faiss`) for track-to-track similarity; null until built
   * for indexes made before it (see ensureAudioVectors).
   */
  vectors: VectorIndex | null;
}

/** Audio embeddings ready for reranking. */
export function loadedAudio(embeddings: Matrix, mask: Uint8Array): LoadedAudio {
  const inverseNorms = new Float32Array(embeddings.rows);
  for (let r = 0; r < embeddings.rows; r++) {
    const n = norm(row(embeddings, r));
    inverseNorms[r] = n > 0 ? 1 / n : 0;
  }
  return { embeddings, mask, inverseNorms, vectors: null };
}

/** The audio rows' faiss index: the stored one, else built now (once) from the embeddings. */
export function ensureAudioVectors(audio: LoadedAudio): VectorIndex {
  audio.vectors ??= buildAudioVectors(audio.embeddings, audio.mask);
  return audio.vectors;
}

/** A validated index folder in memory: everything a query needs. */
export interface LoadedIndex {
  dir: string;
  manifest: IndexManifest;
  mode: 'two-stage' | 'text-only';
  tracks: Track[];
  textEmbeddings: Matrix;
  textIndex: VectorIndex;
  audio: LoadedAudio | null;
  /** Absolute audio root recorded at build time, if any. */
  audioRoot: string | null;
  /** The lexical stage and the tag lexicon; null for indexes built without them (dense only). */
  lexical: LoadedLexical | null;
}

export interface LoadedLexical {
  index: LexicalIndex;
  lexicon: TagLexicon;
}

/** What the running models produce; a loaded index must agree. */
export interface ModelDims {
  text?: { id: string; dim: number };
  clap?: { id: string; dim: number };
}

async function readRequired(dir: string, name: string): Promise<Buffer> {
  const file = path.join(dir, name);
  try {
    return await readWholeFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new IndexError(file, code === 'ENOENT' ? 'missing file' : `cannot read (${code ?? (err as Error).message})`);
  }
}

async function readNpy(dir: string, name: string, dtype: NpyArray['dtype'], shape: number[]): Promise<NpyArray> {
  const file = path.join(dir, name);
  let arr: NpyArray;
  try {
    arr = decodeNpy(await readRequired(dir, name));
  } catch (err) {
    if (err instanceof IndexError) throw err;
    throw new IndexError(file, (err as Error).message);
  }
  if (arr.dtype !== dtype) throw new IndexError(file, `dtype ${arr.dtype}, expected ${dtype}`);
  const same = arr.shape.length === shape.length && arr.shape.every((d, i) => d === shape[i]);
  if (!same) {
    const label = shape.length === 2 ? `(${shape[0]} tracks, ${shape[1]} dimensions)` : `(${shape.join(', ')})`;
    throw new IndexError(file, `shape (${arr.shape.join(', ')}), expected ${label} from ${INDEX_FILES.manifest}`);
  }
  return arr;
}

function parseManifest(dir: string, buf: Buffer): IndexManifest {
  const file = path.join(dir, INDEX_FILES.manifest);
  let json: unknown;
  try {
    json = JSON.parse(buf.toString('utf8'));
  } catch (err) {
    throw new IndexError(file, `not valid JSON (${(err as Error).message})`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new IndexError(file, `not a cratedigger index manifest (${issues.join('; ')})`);
  }
  return parsed.data;
}

/** Reads and validates only the manifest: enough to know which models an index needs. */
export async function readManifest(dir: string): Promise<IndexManifest> {
  const root = path.resolve(dir);
  const st = await stat(root).catch(() => null);
  if (!st?.isDirectory()) {
    throw new UserError(
      `No index folder at ${root}.`,
      'Build one with `npm run index -- --catalog <catalog.csv> --out <dir>` (`npm run setup` builds the default).',
    );
  }
  return parseManifest(root, await readRequired(root, INDEX_FILES.manifest));
}

/**
 * An index's tracks alone (manifest and tracks.csv, checked against each other), without its
 * embeddings or models: enough to check a query's filters before anything slow loads.
 */
export async function readIndexTracks(dir: string): Promise<Track[]> {
  const root = path.resolve(dir);
  const manifest = await readManifest(root);
  return readTracks(root, manifest.catalog.tracks);
}

async function readTracks(root: string, n: number): Promise<Track[]> {
  const tracksFile = path.join(root, INDEX_FILES.tracks);
  let tracks: Track[];
  try {
    tracks = parseCatalog((await readRequired(root, INDEX_FILES.tracks)).toString('utf8'), tracksFile);
  } catch (err) {
    if (err instanceof IndexError) throw err;
    throw new IndexError(tracksFile, (err as Error).message);
  }
  if (tracks.length !== n) throw new IndexError(tracksFile, `${tracks.length} tracks, the manifest says ${n}`);
  return tracks;
}

/** The index must have been built with the models that will embed its queries. */
export function assertModelsMatch(manifest: IndexManifest, models: ModelDims, manifestFile: string): void {
  for (const [role, want] of Object.entries(models) as [keyof ModelDims, { id: string; dim: number }][]) {
    const have = role === 'text' ? manifest.models.text : manifest.models.clap;
    if (!have) continue;
    if (have.id !== want.id) {
      throw new IndexError(manifestFile, `built with ${role} model ${have.id}, but ${want.id} is loaded`, 'Load the model it was built with, or rebuild the index.');
    }
    if (have.dim !== want.dim) {
      throw new IndexError(manifestFile, `${role} embeddings have ${have.dim} dimensions, but model ${want.id} gives ${want.dim}`, 'Rebuild the index with this model.');
    }
  }
}

/**
 * Loads an index folder and checks every part against the manifest and the running models:
 * files present, npy headers and sizes, dimensions, counts, faiss readable and consistent.
 * Any problem is an IndexError naming the file.
 */
export async function loadIndexFolder(dir: string, models: ModelDims = {}): Promise<LoadedIndex> {
  const root = path.resolve(dir);
  const manifest = await readManifest(root);
  const n = manifest.catalog.tracks;
  const manifestFile = path.join(root, INDEX_FILES.manifest);

  assertModelsMatch(manifest, models, manifestFile);

  const tracks = await readTracks(root, n);

  const textDim = manifest.models.text.dim;
  const text = await readNpy(root, INDEX_FILES.textEmbeddings, '<f4', [n, textDim]);
  const textEmbeddings: Matrix = { rows: n, dim: textDim, data: text.data as Float32Array };

  const faissFile = path.join(root, INDEX_FILES.textIndex);
  const faissBytes = await readRequired(root, INDEX_FILES.textIndex);
  let textIndex: VectorIndex;
  try {
    textIndex = VectorIndex.fromBuffer(faissBytes, manifest.textIndex.factory);
  } catch (err) {
    throw new IndexError(faissFile, (err as Error).message);
  }
  if (textIndex.size !== n) throw new IndexError(faissFile, `${textIndex.size} vectors, the manifest says ${n} tracks`);
  if (textIndex.dim !== textDim) throw new IndexError(faissFile, `${textIndex.dim} dimensions, the embeddings have ${textDim}`);
  checkInnerProduct(faissFile, textIndex, textEmbeddings);

  let audio: LoadedAudio | null = null;
  const a = manifest.embeddings.audio;
  if (a) {
    const clapDim = manifest.models.clap?.dim ?? a.dim;
    if (a.dim !== clapDim) throw new IndexError(manifestFile, `audio embeddings have ${a.dim} dimensions, the CLAP model ${clapDim}`);
    const emb = await readNpy(root, INDEX_FILES.audioEmbeddings, '<f4', [n, a.dim]);
    const mask = await readNpy(root, INDEX_FILES.audioMask, '|b1', [n]);
    const embedded = (mask.data as Uint8Array).reduce((s, v) => s + (v ? 1 : 0), 0);
    if (embedded !== a.embedded) {
      throw new IndexError(path.join(root, INDEX_FILES.audioMask), `${embedded} tracks marked embedded, the manifest says ${a.embedded}`);
    }
    audio = loadedAudio({ rows: n, dim: a.dim, data: emb.data as Float32Array }, mask.data as Uint8Array);
    if (manifest.audioIndex) audio.vectors = await loadAudioVectors(root, manifest.audioIndex, audio);
  }
  const audioRoot = manifest.audioRoot === null ? null : path.resolve(root, manifest.audioRoot);
  const lexical = manifest.lexical ? await loadLexical(root, manifest.lexical, tracks) : null;
  return { dir: root, manifest, mode: indexMode(manifest), tracks, textEmbeddings, textIndex, audio, audioRoot, lexical };
}

/** The lexical index and tag lexicon, checked against the manifest and the tracks. */
async function loadLexical(root: string, want: NonNullable<IndexManifest['lexical']>, tracks: readonly Track[]): Promise<LoadedLexical> {
  const file = path.join(root, INDEX_FILES.lexicalIndex);
  let index: LexicalIndex;
  try {
    index = LexicalIndex.fromBytes(await readRequired(root, INDEX_FILES.lexicalIndex));
  } catch (err) {
    if (err instanceof IndexError) throw err;
    throw new IndexError(file, (err as Error).message);
  }
  const got = { docs: index.docCount, terms: index.termCount, postings: index.postingCount };
  for (const [key, value] of Object.entries(got) as [keyof typeof got, number][]) {
    if (value !== want[key]) throw new IndexError(file, `${value} ${key}, the manifest says ${want[key]}`);
  }
  if (index.docCount !== tracks.length) throw new IndexError(file, `${index.docCount} documents for ${tracks.length} tracks`);

  const lexiconFile = path.join(root, INDEX_FILES.tagLexicon);
  let json: unknown;
  try {
    json = JSON.parse((await readRequired(root, INDEX_FILES.tagLexicon)).toString('utf8'));
  } catch (err) {
    if (err instanceof IndexError) throw err;
    throw new IndexError(lexiconFile, `not valid JSON (${(err as Error).message})`);
  }
  const parsed = tagLexiconSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new IndexError(lexiconFile, `not a tag lexicon (${issue.path.join('.') || '(root)'}: ${issue.message})`);
  }
  return { index, lexicon: new TagLexicon(parsed.data) };
}

/** `audio.faiss`, checked against the manifest and the embeddings (size, dimensions, cosine). */
async function loadAudioVectors(root: string, want: NonNullable<IndexManifest['audioIndex']>, audio: LoadedAudio): Promise<VectorIndex> {
  const file = path.join(root, INDEX_FILES.audioIndex);
  const bytes = await readRequired(root, INDEX_FILES.audioIndex);
  let index: VectorIndex;
  try {
    index = VectorIndex.fromBuffer(bytes, want.factory);
  } catch (err) {
    throw new IndexError(file, (err as Error).message);
  }
  const { rows, dim } = audio.embeddings;
  if (index.size !== rows || want.ntotal !== rows) throw new IndexError(file, `${index.size} vectors, the manifest says ${want.ntotal} for ${rows} tracks`);
  if (index.dim !== dim) throw new IndexError(file, `${index.dim} dimensions, the audio embeddings have ${dim}`);
  // Its rows are the embeddings made unit length: an embedded row must find itself at about 1.
  const r = audio.mask.indexOf(1);
  if (r >= 0) {
    const probe = row(audio.embeddings, r).map((v) => v * audio.inverseNorms[r]!);
    checkInnerProduct(file, index, { rows: 1, dim, data: probe });
  }
  return index;
}

/**
 * A stored vector must find itself with a score near its squared norm (1 for unit vectors) under
 * inner product: catches an L2 index, or embeddings whose row order differs from the index.
 */
function checkInnerProduct(file: string, index: VectorIndex, emb: Matrix): void {
  const probe = emb.data.subarray(0, emb.dim);
  let sq = 0;
  for (const v of probe) sq += v * v;
  if (sq === 0) return;
  const hits = index.search(probe, Math.min(10, index.size));
  const best = hits.scores[0];
  // Compressed codes (PQ, SQ, LSH) only approximate the score; full vectors give it exactly.
  const tolerance = /PQ|SQ|LSH|RaBitQ/i.test(index.factory) ? 0.5 : 0.05;
  if (best === undefined || Math.abs(best - sq) > tolerance * sq + 1e-3) {
    throw new IndexError(
      file,
      `does not score stored vectors by inner product (row 0 scores ${best?.toFixed(3) ?? 'nothing'}, expected ${sq.toFixed(3)}): wrong metric or rows out of order`,
    );
  }
}
