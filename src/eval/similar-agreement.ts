import type { Track } from '../catalog/track.ts';
import type { LoadedIndex } from '../retrieval/artifacts/load-index.ts';
import { type SimilarSettings, similarWith } from '../retrieval/similar.ts';
import { mulberry32 } from '../util/prng.ts';
import { styleOf } from '../audio/synth-style.ts';

/**
 * A sanity measure of "more like this" without listeners: how often a seed's neighbours share its
 * style (a genre; the Jaccard overlap of all tags), against random tracks of the same catalog. Tags
 * are what captions describe, so it favours the text side; it says whether the ranking carries
 * style at all and how the audio weight trades it, not how alike tracks sound.
 */
export interface AgreementRow {
  /** Audio weight of the fused score; null for the random baseline. */
  audioWeight: number | null;
  perArtist: number;
  genreShare: number;
  tagJaccard: number;
  sameArtist: number;
  /** Share of neighbours whose audio was synthesized in the seed's style (demo catalogs; null otherwise). */
  sameStyle: number | null;
}

/**
 * The audible character the demo synthesizer gives a track's tags (src/audio/synth-style.ts):
 * tempo, loudness, voices, beat and distortion, with the seed fixed so only the tags decide (the
 * seed varies key, chords and the exact tempo within the genre's range).
 */
export function synthStyleKey(t: Pick<Track, 'tags'>): string {
  const s = styleOf(t.tags, 0);
  return JSON.stringify([s.bpm, s.peak, [...s.voices].sort(), s.fourOnTheFloor, s.distorted]);
}

const tagsOf = (t: Track) => new Set([...t.tags.mood, ...t.tags.genre, ...t.tags.instrument]);

function jaccard(a: Set<string>, b: Set<string>): number {
  let common = 0;
  for (const x of a) if (b.has(x)) common++;
  return common / (a.size + b.size - common || 1);
}

export async function similarAgreement(
  index: LoadedIndex,
  base: SimilarSettings,
  o: { seeds: number; k: number; weights: number[]; seed?: number; styleKey?: (t: Track) => string },
): Promise<AgreementRow[]> {
  const rand = mulberry32(o.seed ?? 5);
  const n = index.tracks.length;
  const seeds = Array.from({ length: Math.min(o.seeds, n) }, () => Math.floor(rand() * n));
  const rows: AgreementRow[] = [];
  const tally = (pairs: [Track, Track][], audioWeight: number | null, perArtist: number) => {
    let genre = 0;
    let jac = 0;
    let same = 0;
    let style = 0;
    for (const [s, x] of pairs) {
      if (o.styleKey) style += Number(o.styleKey(s) === o.styleKey(x));
      genre += Number(s.tags.genre.some((g) => x.tags.genre.includes(g)));
      jac += jaccard(tagsOf(s), tagsOf(x));
      same += Number(s.artistId !== undefined && s.artistId === x.artistId);
    }
    const m = pairs.length || 1;
    const r3 = (v: number) => Math.round((v / m) * 1000) / 1000;
    rows.push({ audioWeight, perArtist, genreShare: r3(genre), tagJaccard: r3(jac), sameArtist: r3(same), sameStyle: o.styleKey ? r3(style) : null });
  };
  for (const audioWeight of index.audio ? o.weights : [0]) {
    const pairs: [Track, Track][] = [];
    for (const s of seeds) {
      const result = await similarWith(index, { ...base, audioWeight }, { trackId: index.tracks[s]!.id, k: o.k });
      for (const r of result.results) pairs.push([index.tracks[s]!, r.track]);
    }
    tally(pairs, audioWeight, base.perArtist);
  }
  const random: [Track, Track][] = [];
  for (const s of seeds) for (let i = 0; i < o.k; i++) random.push([index.tracks[s]!, index.tracks[Math.floor(rand() * n)]!]);
  tally(random, null, base.perArtist);
  return rows;
}
