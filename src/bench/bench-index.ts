import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeCatalog } from '../catalog/catalog-file.ts';
import { importJamendoFiles } from '../catalog/jamendo/import-files.ts';
import { readTagMapFile } from '../catalog/tags.ts';
import type { Track } from '../catalog/track.ts';
import { UserError } from '../errors.ts';
import { buildIndex } from '../indexing/build-index.ts';
import type { EncoderSet, EncoderSpec } from '../retrieval/encoders/encoder-set.ts';
import { startEncoderWorker } from '../retrieval/encoders/worker/worker-encoders.ts';
import { createMatrix, normalizeInPlace, row } from '../retrieval/matrix.ts';
import type { ModelRuntime } from '../retrieval/recommender-service.ts';
import { gaussian, rng } from './synthetic-vectors.ts';

export interface BenchIndexOptions {
  /** Folder with MTG-Jamendo's metadata_base.csv, captions.csv and tag_map.json. */
  jamendoDir: string;
  /** Work folder: the catalog file and the index folder go here. */
  workDir: string;
  sbertModel: string;
  clapModel: string;
  runtime: ModelRuntime;
}

export interface BenchIndex {
  indexDir: string;
  tracks: number;
  /** Text side of the build: SBERT over every track's caption and tags, in the encoder worker. */
  text: { seconds: number; captionsPerSec: number };
  /** The whole build: catalog read, worker start, text embedding, faiss, atomic write. */
  totalSeconds: number;
}

const JAMENDO_FILES = ['metadata_base.csv', 'captions.csv', 'tag_map.json'] as const;

/**
 * CLAP audio embeddings stand-ins for the bench index: seeded unit vectors. The catalog's audio
 * is not on this machine, and the rerank costs the same whatever the vectors hold.
 */
function syntheticAudio(tracks: readonly Track[], dim: number) {
  const rand = rng(1234);
  const m = createMatrix(tracks.length, dim);
  for (let r = 0; r < tracks.length; r++) {
    const v = row(m, r);
    for (let i = 0; i < dim; i++) v[i] = gaussian(rand);
    normalizeInPlace(v);
  }
  return { embeddings: m, mask: new Uint8Array(tracks.length).fill(1), failed: 0, policy: { synthetic: 'bench stand-ins, no audio decoded' } };
}

/**
 * The serving benchmark's index: the real MTG-Jamendo catalog (18,486 tracks) embedded with the
 * chosen SBERT through the real build path (Flat), plus stand-in CLAP audio rows. Also the text
 * build throughput figure.
 */
export async function buildBenchIndex(o: BenchIndexOptions): Promise<BenchIndex> {
  const missing = JAMENDO_FILES.filter((f) => !existsSync(path.join(o.jamendoDir, f)));
  if (missing.length > 0) {
    throw new UserError(
      `The benchmark catalog folder ${o.jamendoDir} lacks ${missing.join(', ')}.`,
      'Pass --jamendo <folder with the MTG-Jamendo metadata_base.csv, captions.csv and tag_map.json>, or --index <an index folder> to bench an existing index.',
    );
  }
  const t0 = performance.now();
  const { tracks } = await importJamendoFiles({
    metadata: [path.join(o.jamendoDir, 'metadata_base.csv')],
    captions: path.join(o.jamendoDir, 'captions.csv'),
    tagMap: path.join(o.jamendoDir, 'tag_map.json'),
  });
  const catalogFile = path.join(o.workDir, 'jamendo.csv');
  await writeCatalog(catalogFile, tracks);

  let textMs = 0;
  const timedEncoders = async (spec: EncoderSpec): Promise<EncoderSet> => {
    const set = await startEncoderWorker(spec);
    const embed = set.text.embed.bind(set.text);
    set.text = {
      ...set.text,
      embed: async (texts) => {
        const s = performance.now();
        const m = await embed(texts);
        textMs += performance.now() - s;
        return m;
      },
    };
    return set;
  };
  const indexDir = path.join(o.workDir, 'bench-index');
  await buildIndex({
    catalogFile,
    outDir: indexDir,
    name: 'bench-jamendo',
    factory: 'Flat',
    sbertModel: o.sbertModel,
    runtime: o.runtime,
    silent: true,
    startEncoders: timedEncoders,
    audio: { clapModel: o.clapModel, embed: async (ts, encoders) => syntheticAudio(ts, encoders.clapText?.dim ?? encoders.clapAudio!.dim) },
    lexical: { tagMap: await readTagMapFile(path.join(o.jamendoDir, 'tag_map.json')) },
  });
  const secs = textMs / 1000;
  return {
    indexDir,
    tracks: tracks.length,
    text: { seconds: Math.round(secs * 100) / 100, captionsPerSec: Math.round(tracks.length / secs) },
    totalSeconds: Math.round((performance.now() - t0) / 10) / 100,
  };
}
