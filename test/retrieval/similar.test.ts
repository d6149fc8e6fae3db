import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Track } from '../../src/catalog/track.ts';
import { loadIndexFolder, type LoadedIndex } from '../../src/retrieval/artifacts/load-index.ts';
import { INDEX_FILES } from '../../src/retrieval/artifacts/manifest.ts';
import { writeIndexFolder } from '../../src/retrieval/artifacts/write-index.ts';
import { dot, type Matrix, norm, row } from '../../src/retrieval/matrix.ts';
import { artistKey, capPerArtist, DEFAULT_SIMILAR_SETTINGS, similarWith, type SimilarSettings } from '../../src/retrieval/similar.ts';
import { VectorIndex } from '../../src/retrieval/vector-index.ts';
import { similarSettings } from '../../src/retrieval/recommender-service.ts';
import { UserError } from '../../src/errors.ts';
import { clusteredVectors } from '../helpers/synthetic.ts';
import { python } from '../helpers/python.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';

const N = 600;
const root = await fileTempDir('similar');
const moods = ['calm', 'happy', 'dark'];
// 30 artists with 20 tracks each, so a seed's own artist could fill a page without the cap.
const tracks: Track[] = Array.from({ length: N }, (_, i) => ({
  id: `track_${String(5000 + i).padStart(7, '0')}`,
  artistId: `artist_${i % 30}`,
  albumId: `album_${i % 60}`,
  tags: { mood: [moods[i % 3]!], genre: [i % 5 ? 'ambient' : 'rock'], instrument: i % 4 ? ['piano'] : ['guitar'] },
  caption: `Track ${i}.`,
  keywords: [],
  durationSec: 60 + (i % 300),
}));
// Tracks of one artist share a cluster on both sides (the "same album sounds alike" case the cap is for).
const text: Matrix = clusteredVectors(N, 24, 11, 30);
const audio: Matrix = clusteredVectors(N, 16, 12, 30);
const mask = new Uint8Array(N).map((_, i) => (i % 9 === 4 ? 0 : 1));
mask.forEach((m, i) => { if (!m) audio.data.fill(0, i * 16, (i + 1) * 16); });

let twoStage: LoadedIndex;
let textOnly: LoadedIndex;

async function writeIndex(dir: string, withAudio: boolean): Promise<void> {
  await writeIndexFolder(dir, {
    name: path.basename(dir),
    catalog: { source: 'fixture', sha256: 'a'.repeat(64) },
    tracks,
    models: { text: { id: 'test/text', dim: 24, dtype: 'q8' }, clap: withAudio ? { id: 'test/clap', dim: 16, dtype: 'q8' } : null },
    textEmbeddings: text,
    textIndex: VectorIndex.build(text),
    audio: withAudio ? { embeddings: audio, mask, failed: 0, policy: { name: 'fixture' } } : null,
    builtBy: 'test',
    scoring: null,
  });
}

beforeAll(async () => {
  await writeIndex(path.join(root, 'two'), true);
  await writeIndex(path.join(root, 'text'), false);
  twoStage = await loadIndexFolder(path.join(root, 'two'));
  textOnly = await loadIndexFolder(path.join(root, 'text'));
});

const cosine = (m: Matrix, a: number, b: number) => {
  const na = norm(row(m, a));
  const nb = norm(row(m, b));
  return na && nb ? dot(row(m, a), row(m, b)) / (na * nb) : 0;
};

/** Every other track scored by hand from the stored rows, ordered by the documented rules. */
function bruteForce(seed: number, audioWeight: number, withAudio: boolean, accept: (t: Track) => boolean = () => true) {
  const seedAudio = withAudio && mask[seed] === 1;
  return tracks
    .map((t, r) => {
      const textCos = cosine(text, seed, r);
      const audioCos = seedAudio && mask[r] ? cosine(audio, seed, r) : null;
      return { r, id: t.id, textCos, audioCos, score: audioCos === null ? textCos : audioWeight * audioCos + (1 - audioWeight) * textCos };
    })
    .filter((x) => x.r !== seed && accept(tracks[x.r]!))
    .sort((a, b) => Number(a.audioCos === null && seedAudio) - Number(b.audioCos === null && seedAudio) || b.score - a.score || a.r - b.r);
}

/**
 * No cap. With one side alone (weight 0 or 1) the union of each side's top 40 holds the exact
 * top-k; the fused ranking needs both sides' full lists to be exact, so those tests ask for all.
 */
const uncapped: SimilarSettings = { ...DEFAULT_SIMILAR_SETTINGS, perArtist: N, candidates: 40 };
const exhaustive: SimilarSettings = { ...uncapped, candidates: N };

describe('similar: equal to a brute-force reference over the stored embeddings', () => {
  it.each([
    ['audio only', 1],
    ['text only', 0],
    ['fused (the default weight)', DEFAULT_SIMILAR_SETTINGS.audioWeight],
  ])('%s', async (_name, audioWeight) => {
    for (const seed of [0, 7, 300, 597]) {
      const settings = audioWeight === 0 || audioWeight === 1 ? uncapped : exhaustive;
      const got = await similarWith(twoStage, { ...settings, audioWeight }, { trackId: tracks[seed]!.id, k: 25 });
      const want = bruteForce(seed, audioWeight, true).slice(0, 25);
      expect(got.basis).toBe('audio+text');
      expect(got.note).toBeNull();
      expect(got.results.map((r) => r.trackId)).toEqual(want.map((w) => w.id));
      got.results.forEach((r, i) => {
        expect(r.score).toBeCloseTo(want[i]!.score, 5);
        expect(r.textScore).toBeCloseTo(want[i]!.textCos, 5);
        expect(r.audioScore).toBeCloseTo(want[i]!.audioCos!, 5);
        expect(r.rank).toBe(i + 1);
      });
    }
  });

  it('never returns the seed, even when the whole catalog is asked for', async () => {
    const got = await similarWith(twoStage, uncapped, { trackId: tracks[10]!.id, k: N });
    expect(got.results.map((r) => r.trackId)).not.toContain(tracks[10]!.id);
    expect(got.results).toHaveLength(N - 1);
    // Neighbours without audio come last, in text order.
    const firstWithout = got.results.findIndex((r) => r.audioScore === null);
    expect(got.results.slice(firstWithout).every((r) => r.audioScore === null)).toBe(true);
    expect(firstWithout).toBe(mask.reduce((n, m, i) => n + (m && i !== 10 ? 1 : 0), 0));
  });

  it('reports the tags each result shares with the seed', async () => {
    const got = await similarWith(twoStage, uncapped, { trackId: tracks[0]!.id, k: 10 });
    for (const r of got.results) {
      const t = r.track;
      const seed = tracks[0]!;
      const shared = [...seed.tags.mood, ...seed.tags.genre, ...seed.tags.instrument].filter(
        (tag) => t.tags.mood.includes(tag) || t.tags.genre.includes(tag) || t.tags.instrument.includes(tag),
      );
      expect(r.matchedTags).toEqual(shared);
    }
  });
});

describe('similar: the artist cap and the filters', () => {
  it('puts at most 2 tracks of one artist on each page, moving the rest down', async () => {
    const pageSize = 5;
    const got = await similarWith(twoStage, { ...DEFAULT_SIMILAR_SETTINGS, candidates: N }, { trackId: tracks[3]!.id, k: 20, pageSize });
    expect(got.results).toHaveLength(20);
    const ranked = bruteForce(3, DEFAULT_SIMILAR_SETTINGS.audioWeight, true);
    const position = new Map(ranked.map((x, i) => [x.id, i]));
    const shown = new Set<string>();
    for (let p = 0; p < 4; p++) {
      const page = got.results.slice(p * pageSize, (p + 1) * pageSize);
      const perArtist = new Map<string, number>();
      for (const r of page) perArtist.set(r.track.artistId!, (perArtist.get(r.track.artistId!) ?? 0) + 1);
      expect(Math.max(...perArtist.values())).toBeLessThanOrEqual(2);
      // Anything ranked above the page's last that is not shown yet was left out only for its artist's cap.
      const last = Math.max(...page.map((r) => position.get(r.trackId)!));
      for (const x of ranked.slice(0, last)) {
        if (shown.has(x.id) || page.some((r) => r.trackId === x.id)) continue;
        expect(perArtist.get(tracks[x.r]!.artistId!)).toBe(2);
      }
      page.forEach((r) => shown.add(r.trackId));
    }
    // Without the cap the seed's cluster (its own artist) would fill the first page.
    const free = await similarWith(twoStage, { ...DEFAULT_SIMILAR_SETTINGS, perArtist: N }, { trackId: tracks[3]!.id, k: 5 });
    const artists = free.results.map((r) => r.track.artistId);
    expect(new Set(artists).size).toBeLessThan(artists.length);
  });

  it('capPerArtist: items without a key are never capped; a page of one artist stops the list', () => {
    const items = ['a1', 'a2', 'a3', 'x', 'b1', 'a4'];
    const key = (s: string) => (s === 'x' ? null : s[0]!);
    expect(capPerArtist(items, key, 3, 2, 10)).toEqual(['a1', 'a2', 'x', 'a3', 'b1', 'a4']);
    expect(capPerArtist(['a1', 'a2', 'a3', 'a4', 'a5'], key, 3, 2, 10)).toEqual(['a1', 'a2']);
    expect(artistKey({ artistId: 'artist_1', albumId: 'album_2' })).toBe('artist:artist_1');
    expect(artistKey({ album: 'Blue' })).toBe('album:blue');
    expect(artistKey({})).toBeNull();
  });

  it('applies catalog filters, widening the search until enough tracks pass', async () => {
    const accept = (t: Track) => t.tags.genre.includes('rock') && (t.durationSec ?? 0) <= 200;
    const got = await similarWith(twoStage, { ...uncapped, audioWeight: 1, candidates: 10 }, { trackId: tracks[1]!.id, k: 15, accept });
    expect(got.results).toHaveLength(15);
    expect(got.results.every((r) => accept(r.track))).toBe(true);
    expect(got.results.map((r) => r.trackId)).toEqual(bruteForce(1, 1, true, accept).slice(0, 15).map((x) => x.id));
  });

  it('an unknown track id is a UserError', async () => {
    await expect(similarWith(twoStage, uncapped, { trackId: 'track_nope', k: 5 })).rejects.toThrow(UserError);
  });
});

describe('similarSettings', () => {
  it('takes the settings, else 0.7 and 2 per artist; the pool is the recommender\'s', () => {
    expect(similarSettings({ candidates: 120, similar: { audioWeight: 0.9, perArtist: 3 } })).toEqual({ audioWeight: 0.9, perArtist: 3, candidates: 120 });
    expect(similarSettings({ candidates: 120 })).toEqual({ audioWeight: 0.7, perArtist: 2, candidates: 120 });
  });
});

describe('similar: text fallback', () => {
  it('an index without audio ranks by text and says so', async () => {
    const got = await similarWith(textOnly, uncapped, { trackId: tracks[5]!.id, k: 10 });
    expect(got.basis).toBe('text');
    expect(got.note).toMatch(/no audio embeddings/);
    expect(got.results.map((r) => r.trackId)).toEqual(bruteForce(5, 0.7, false).slice(0, 10).map((x) => x.id));
    expect(got.results.every((r) => r.audioScore === null)).toBe(true);
  });

  it('a seed without an audio embedding ranks by text and says so', async () => {
    const seed = mask.indexOf(0);
    const got = await similarWith(twoStage, uncapped, { trackId: tracks[seed]!.id, k: 10 });
    expect(got.basis).toBe('text');
    expect(got.note).toMatch(/this track has no audio/i);
    expect(got.results.map((r) => r.trackId)).toEqual(bruteForce(seed, 0.7, false).slice(0, 10).map((x) => x.id));
  });
});

describe('audio.faiss', () => {
  it('is written with the index, recorded in the manifest and loaded', async () => {
    expect(twoStage.manifest.audioIndex).toEqual({ factory: 'Flat', metric: 'inner_product', ntotal: N });
    expect(twoStage.audio!.vectors?.size).toBe(N);
    expect(textOnly.manifest.audioIndex).toBeNull();
  });

  it("is read by Python's faiss, which finds the same neighbours", async () => {
    const seed = 12;
    const out = await python(
      `
import sys, numpy as np, faiss
d = sys.argv[1]; s = int(sys.argv[2])
ix = faiss.read_index(d + '/audio.faiss')
e = np.load(d + '/audio_embeddings.npy')
q = e[s:s+1] / np.linalg.norm(e[s])
D, I = ix.search(q.astype('float32'), 6)
print(ix.ntotal, ix.d, ix.metric_type == faiss.METRIC_INNER_PRODUCT, ' '.join(map(str, I[0])))
`,
      [path.join(root, 'two'), String(seed)],
    );
    const [ntotal, d, ip, ...ids] = out.trim().split(/\s+/);
    expect([Number(ntotal), Number(d), ip]).toEqual([N, 16, 'True']);
    const mine = twoStage.audio!.vectors!.search(row(audio, seed).map((v) => v / norm(row(audio, seed))), 6);
    expect(ids.map(Number)).toEqual(mine.ids);
  });

  it('an index built before it gets it built at load of the first similarity, with the same answers', async () => {
    const dir = path.join(root, 'old');
    await writeIndex(dir, true);
    await rm(path.join(dir, INDEX_FILES.audioIndex));
    const manifestFile = path.join(dir, INDEX_FILES.manifest);
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
    delete manifest.audioIndex;
    await writeFile(manifestFile, JSON.stringify(manifest));
    const old = await loadIndexFolder(dir);
    expect(old.audio!.vectors).toBeNull();
    const seed = tracks[41]!.id; // has an audio embedding
    const got = await similarWith(old, uncapped, { trackId: seed, k: 12 });
    const want = await similarWith(twoStage, uncapped, { trackId: seed, k: 12 });
    expect(got.results.map((r) => r.trackId)).toEqual(want.results.map((r) => r.trackId));
    expect(old.audio!.vectors?.size).toBe(N);
  });

  it('a corrupt or mismatched audio.faiss is refused, naming the file', async () => {
    const dir = path.join(root, 'bad');
    await writeIndex(dir, true);
    await writeFile(path.join(dir, INDEX_FILES.audioIndex), Buffer.from('not a faiss index'));
    await expect(loadIndexFolder(dir)).rejects.toThrow(/audio\.faiss/);
    // A valid index of other vectors (another catalog's) is caught by the self-match probe.
    VectorIndex.build(clusteredVectors(N, 16, 99, 5)).write(path.join(dir, INDEX_FILES.audioIndex));
    await expect(loadIndexFolder(dir)).rejects.toThrow(/audio\.faiss/);
  });
});
