import type { Track } from '../../src/catalog/track.ts';
import { writeIndexFolder } from '../../src/retrieval/artifacts/write-index.ts';
import type { IndexManifest } from '../../src/retrieval/artifacts/manifest.ts';
import { VectorIndex } from '../../src/retrieval/vector-index.ts';
import { clusteredVectors } from './synthetic.ts';

export function fixtureTracks(n: number): Track[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `track_${String(1000 + i).padStart(7, '0')}`,
    tags: { mood: [i % 2 ? 'calm' : 'happy'], genre: [i % 3 ? 'ambient' : 'rock'], instrument: i % 4 ? ['piano'] : [] },
    caption: `Fixture track number ${i}.`,
    keywords: [],
    durationSec: 60 + i,
  }));
}

/** An index folder of synthetic vectors (no models): for artifact and loader tests. */
export async function writeFixtureIndex(
  dir: string,
  opts: { n?: number; textDim?: number; audioDim?: number | null; maskEvery?: number; scoring?: IndexManifest['scoring']; textFingerprint?: string } = {},
): Promise<IndexManifest> {
  const n = opts.n ?? 200;
  const textDim = opts.textDim ?? 32;
  const audioDim = opts.audioDim === undefined ? 16 : opts.audioDim;
  const text = clusteredVectors(n, textDim, 1, 10);
  const audio = audioDim ? clusteredVectors(n, audioDim, 2, 10) : null;
  const mask = new Uint8Array(n).map((_, i) => (opts.maskEvery && i % opts.maskEvery === 0 ? 0 : 1));
  if (audio) mask.forEach((m, i) => { if (!m) audio.data.fill(0, i * audioDim!, (i + 1) * audioDim!); });
  return writeIndexFolder(dir, {
    name: 'fixture',
    catalog: { source: 'fixture', sha256: 'f'.repeat(64) },
    tracks: fixtureTracks(n),
    models: {
      text: { id: 'test/text', dim: textDim, dtype: 'q8', ...(opts.textFingerprint ? { fingerprint: opts.textFingerprint } : {}) },
      clap: audioDim ? { id: 'test/clap', dim: audioDim, dtype: 'q8' } : null,
    },
    textEmbeddings: text,
    textIndex: VectorIndex.build(text),
    audio: audio ? { embeddings: audio, mask, failed: 0, policy: { name: 'fixture' } } : null,
    builtBy: 'test',
    scoring: opts.scoring ?? null,
  });
}
