import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { serializeCatalog } from '../../catalog/catalog-file.ts';
import type { Track } from '../../catalog/track.ts';
import type { Matrix } from '../matrix.ts';
import type { VectorIndex } from '../vector-index.ts';
import { buildAudioVectors } from '../audio-vectors.ts';
import { type IndexManifest, INDEX_FILES, INDEX_FORMAT, INDEX_FORMAT_VERSION, contentVersion, type ModelRef } from './manifest.ts';
import { boolNpy, encodeNpy, float32Npy } from './npy.ts';
import type { LexicalIndex } from '../lexical/lexical-index.ts';
import type { TagLexiconData } from '../query/tag-lexicon.ts';

export interface AudioEmbeddings {
  embeddings: Matrix;
  /** 1 where the row holds an embedding, 0 where the track has none (failed or not embedded). */
  mask: Uint8Array;
  failed: number;
  policy: Record<string, unknown>;
  /** CSV of failures (track id, path, reason), kept beside the index for people to read. */
  failureReport?: string;
}

export interface IndexContent {
  name: string;
  catalog: { source: string; sha256: string };
  tracks: readonly Track[];
  models: { text: ModelRef; clap: ModelRef | null };
  textEmbeddings: Matrix;
  textIndex: VectorIndex;
  audio: AudioEmbeddings | null;
  builtBy: string;
  /** Audio root used for the audio embeddings (absolute); stored relative to the index folder. */
  audioRoot?: string | null;
  /** Recommended fusion weight (see the manifest's `scoring`). */
  scoring?: IndexManifest['scoring'];
  /** The lexical stage; absent: a dense-only index. */
  lexical?: { index: LexicalIndex; lexicon: TagLexiconData } | null;
  /** The audio embeddings' faiss index; built from `audio` here when not given. */
  audioIndex?: VectorIndex | null;
}

export function buildManifest(content: IndexContent, dir: string, createdAt = new Date(), audioIndex: VectorIndex | null = null): IndexManifest {
  const n = content.tracks.length;
  const audio = content.audio;
  const parts: Omit<IndexManifest, 'version' | 'name'> = {
    format: INDEX_FORMAT,
    formatVersion: INDEX_FORMAT_VERSION,
    createdAt: createdAt.toISOString(),
    catalog: { ...content.catalog, tracks: n },
    models: content.models,
    textIndex: { factory: content.textIndex.factory, metric: 'inner_product', ntotal: content.textIndex.size },
    embeddings: {
      dtype: 'float32',
      text: { rows: content.textEmbeddings.rows, dim: content.textEmbeddings.dim },
      audio: audio
        ? {
            rows: audio.embeddings.rows,
            dim: audio.embeddings.dim,
            embedded: audio.mask.reduce((s, v) => s + (v ? 1 : 0), 0),
            failed: audio.failed,
            policy: audio.policy,
          }
        : null,
    },
    builtBy: content.builtBy,
    audioIndex: audioIndex ? { factory: audioIndex.factory, metric: 'inner_product', ntotal: audioIndex.size } : null,
    audioRoot: content.audioRoot ? path.relative(path.resolve(dir), path.resolve(content.audioRoot)) || '.' : null,
    lexical: content.lexical
      ? {
          docs: content.lexical.index.docCount,
          terms: content.lexical.index.termCount,
          postings: content.lexical.index.postingCount,
          fieldWeights: { ...content.lexical.index.fieldWeights },
          k1: content.lexical.index.params.k1,
          b: content.lexical.index.params.b,
          lexicon: content.lexical.lexicon.resources,
        }
      : null,
    scoring: content.scoring ?? null,
  };
  return { ...parts, name: content.name, version: contentVersion(parts) };
}

/**
 * Writes an index folder atomically: everything goes into a temporary sibling folder, which then
 * replaces `dir` by rename. Readers see the old index or the new one, never a half-written one.
 */
export async function writeIndexFolder(dir: string, content: IndexContent): Promise<IndexManifest> {
  const n = content.tracks.length;
  if (content.textEmbeddings.rows !== n || content.textIndex.size !== n) {
    throw new Error(`index parts disagree: ${n} tracks, ${content.textEmbeddings.rows} text rows, ${content.textIndex.size} in faiss`);
  }
  if (content.audio && (content.audio.embeddings.rows !== n || content.audio.mask.length !== n)) {
    throw new Error(`audio parts disagree with ${n} tracks`);
  }
  if (content.lexical && content.lexical.index.docCount !== n) {
    throw new Error(`lexical index has ${content.lexical.index.docCount} documents for ${n} tracks`);
  }
  const audioIndex = content.audio ? (content.audioIndex ?? buildAudioVectors(content.audio.embeddings, content.audio.mask)) : null;
  if (audioIndex && audioIndex.size !== n) throw new Error(`audio index has ${audioIndex.size} vectors for ${n} tracks`);
  const manifest = buildManifest(content, dir, new Date(), audioIndex);
  const target = path.resolve(dir);
  await mkdir(path.dirname(target), { recursive: true });
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmp = `${target}.tmp-${suffix}`;
  try {
    await mkdir(tmp);
    const file = (name: string) => path.join(tmp, name);
    await writeFile(file(INDEX_FILES.tracks), serializeCatalog(content.tracks));
    await writeFile(file(INDEX_FILES.textEmbeddings), encodeNpy(float32Npy(n, content.textEmbeddings.dim, content.textEmbeddings.data)));
    content.textIndex.write(file(INDEX_FILES.textIndex));
    if (content.audio) {
      const a = content.audio;
      await writeFile(file(INDEX_FILES.audioEmbeddings), encodeNpy(float32Npy(n, a.embeddings.dim, a.embeddings.data)));
      await writeFile(file(INDEX_FILES.audioMask), encodeNpy(boolNpy(a.mask)));
      if (a.failureReport !== undefined) await writeFile(file(INDEX_FILES.audioReport), a.failureReport);
      audioIndex!.write(file(INDEX_FILES.audioIndex));
    }
    if (content.lexical) {
      await writeFile(file(INDEX_FILES.lexicalIndex), content.lexical.index.toBytes());
      await writeFile(file(INDEX_FILES.tagLexicon), `${JSON.stringify(content.lexical.lexicon)}\n`);
    }
    // The manifest goes last: a folder with a manifest is a complete folder.
    await writeFile(file(INDEX_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
    await replaceFolder(tmp, target, suffix);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  return manifest;
}

async function replaceFolder(from: string, to: string, suffix: string): Promise<void> {
  const old = `${to}.old-${suffix}`;
  let moved = false;
  try {
    await rename(to, old);
    moved = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await rename(from, to);
  if (moved) await rm(old, { recursive: true, force: true });
}
