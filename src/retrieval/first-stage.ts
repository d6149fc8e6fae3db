import type { Track } from '../catalog/track.ts';
import type { LoadedIndex } from './artifacts/load-index.ts';
import { terms } from './lexical/analyzer.ts';
import { type LexicalHits, tagTerm, type WeightedTerm } from './lexical/lexical-index.ts';
import { dotAt } from './matrix.ts';
import type { QueryUnderstanding, TagRef } from './query/understand.ts';
import type { Candidate } from './rerank.ts';
import type { FirstStageScoring } from './scoring.ts';
import type { VectorIndex } from './vector-index.ts';

/**
 * The first stage: which ~N tracks the rerank sees, and their text-side score.
 *
 * - `dense`: faiss top-N by cosine between the prompt's and the tracks' text embeddings.
 * - `lexical`: BM25F top-N over captions, keywords and tags.
 * - `hybrid`: the union of both top-N lists, each scored on both sides (cosine from the stored
 *   embeddings, BM25F from the full scoring pass) and fused: a convex combination of the two
 *   normalised scores (Bruch, Gai & Ingber 2022), or reciprocal-rank fusion.
 *
 * With query understanding, tags the prompt names are weighted terms of the lexical query and a
 * boost (β × the share of named tags a track carries); tracks carrying a tag the prompt rules out
 * ("no vocals") are excluded, like a filter.
 */

/** A first-stage hit with the evidence behind it (kept for results and evaluation). */
export interface StageCandidate extends Candidate {
  /** Cosine with the prompt's text embedding; null when the stage ran without it. */
  denseScore: number | null;
  /** Raw BM25F score; null when the stage ran without it. */
  lexicalScore: number | null;
}

export interface FirstStageQuery {
  /** The prompt's text embedding (unit length); null for the lexical stage alone. */
  textVec: Float32Array | null;
  /** The text the lexical stage reads (the prompt without its negations). */
  text: string;
  understanding: QueryUnderstanding | null;
}

/** Positive and negated tags of an understanding, each concept once. */
export function namedTags(u: QueryUnderstanding | null): { wanted: { tags: TagRef[]; weight: number }[]; excluded: TagRef[] } {
  const wanted: { tags: TagRef[]; weight: number }[] = [];
  const excluded: TagRef[] = [];
  const seen = new Set<string>();
  for (const c of u?.concepts ?? []) {
    if (c.negated) {
      excluded.push(...c.tags);
      continue;
    }
    const key = c.tags.map((t) => `${t.category}=${t.tag}`).sort().join('|');
    if (seen.has(key)) continue;
    seen.add(key);
    wanted.push({ tags: c.tags, weight: c.confidence });
  }
  return { wanted, excluded };
}

export const carries = (track: Track, t: TagRef): boolean => track.tags[t.category].includes(t.tag);

/** The named tags a track carries, as "tag" strings in the prompt's order (for "matched: piano · calm"). */
export function matchedTags(track: Track, u: QueryUnderstanding | null): string[] {
  const out: string[] = [];
  for (const w of namedTags(u).wanted) for (const t of w.tags) if (carries(track, t) && !out.includes(t.tag)) out.push(t.tag);
  return out;
}

/** The lexical query: the text's terms (weight 1 each occurrence) and the named tags as tag terms. */
export function lexicalQuery(text: string, u: QueryUnderstanding | null, tagTermWeight: number): WeightedTerm[] {
  const weights = new Map<string, number>();
  for (const t of terms(text)) weights.set(t, (weights.get(t) ?? 0) + 1);
  for (const w of namedTags(u).wanted) {
    for (const t of w.tags) {
      const term = tagTerm(t.category, t.tag);
      weights.set(term, (weights.get(term) ?? 0) + (tagTermWeight * w.weight) / w.tags.length);
    }
  }
  return [...weights].map(([term, weight]) => ({ term, weight }));
}

/**
 * Top-`pool` rows of a faiss index that `accept` keeps. With a filter the search widens (×4)
 * until `pool` rows pass or the whole index has been searched.
 */
export function searchAccepted(vectors: VectorIndex, query: Float32Array, pool: number, accept?: (row: number) => boolean): { ids: number[]; scores: number[] } {
  const total = vectors.size;
  let n = Math.min(pool, total);
  for (;;) {
    const hits = vectors.search(query, n);
    if (!accept) return hits;
    const ids: number[] = [];
    const scores: number[] = [];
    for (let i = 0; i < hits.ids.length && ids.length < pool; i++) {
      if (!accept(hits.ids[i]!)) continue;
      ids.push(hits.ids[i]!);
      scores.push(hits.scores[i]!);
    }
    if (ids.length >= pool || n >= total) return { ids, scores };
    n = Math.min(total, n * 4);
  }
}

/** Top-`pool` rows by cosine with the prompt's text embedding that `accept` keeps. */
export function denseSearch(index: LoadedIndex, textVec: Float32Array, pool: number, accept?: (row: number) => boolean): { ids: number[]; scores: number[] } {
  return searchAccepted(index.textIndex, textVec, pool, accept);
}

function candidate(row: number, textScore: number, tagBoost: number, denseScore: number | null, lexicalScore: number | null): StageCandidate {
  return { row, textScore, textRank: 0, tagBoost, denseScore, lexicalScore };
}

/**
 * Runs the first stage. Candidates come back best first (by text score + tag boost) with
 * `textRank` set; at most `pool` of them.
 */
export function runFirstStage(
  index: LoadedIndex,
  q: FirstStageQuery,
  scoring: FirstStageScoring,
  pool: number,
  acceptTrack?: (track: Track) => boolean,
): StageCandidate[] {
  const u = scoring.understanding ? q.understanding : null;
  const { wanted, excluded } = namedTags(u);
  const tracks = index.tracks;
  // Whether a row carries a tag: from the tag's postings when the index has them (fast), else
  // from the track itself.
  const carriesTest = (t: TagRef): ((row: number) => boolean) =>
    index.lexical ? index.lexical.index.containsTest(tagTerm(t.category, t.tag)) : (row) => carries(tracks[row]!, t);
  const excludedTests = excluded.map(carriesTest);
  const accept =
    acceptTrack || excludedTests.length
      ? (row: number) => (!acceptTrack || acceptTrack(tracks[row]!)) && !excludedTests.some((has) => has(row))
      : undefined;

  const kind = index.lexical ? scoring.kind : 'dense';
  const dense = kind !== 'lexical' && q.textVec ? denseSearch(index, q.textVec, pool, accept) : null;
  // The lexical search also scores the dense candidates, so the fusion sees both sides of each.
  const lexical =
    kind !== 'dense' && index.lexical ? index.lexical.index.search(lexicalQuery(q.text, u, scoring.tagTermWeight), pool, accept, dense?.ids) : null;

  const totalWeight = wanted.reduce((s, w) => s + w.weight, 0);
  const wantedTests = wanted.map((w) => ({ weight: w.weight, tests: w.tags.map(carriesTest) }));
  const boostOf = (row: number): number => {
    if (!totalWeight || !scoring.tagBoost) return 0;
    let got = 0;
    for (const w of wantedTests) if (w.tests.some((has) => has(row))) got += w.weight;
    return (scoring.tagBoost * got) / totalWeight;
  };

  let out: StageCandidate[];
  if (dense && !lexical) {
    out = dense.ids.map((row, i) => candidate(row, dense.scores[i]!, boostOf(row), dense.scores[i]!, null));
  } else if (lexical && !dense) {
    const max = lexical.maxScore || 1;
    out = lexical.ids.map((row, i) => candidate(row, lexical.scores[i]! / max, boostOf(row), null, lexical.scores[i]!));
  } else if (dense && lexical) {
    out = fuse(index, q.textVec!, dense, lexical, scoring);
    for (const c of out) c.tagBoost = boostOf(c.row);
  } else {
    out = [];
  }
  // Stable: equal scores keep the order the stages gave (faiss's, then BM25F's).
  out.sort((a, b) => b.textScore + b.tagBoost - (a.textScore + a.tagBoost));
  if (out.length > pool) out.length = pool;
  out.forEach((c, i) => (c.textRank = i + 1));
  return out;
}

/** Both lists' rows, scored on both sides, fused into one text score in [0, 1]. */
function fuse(
  index: LoadedIndex,
  textVec: Float32Array,
  dense: { ids: number[]; scores: number[] },
  lexical: LexicalHits,
  s: FirstStageScoring,
): StageCandidate[] {
  // Dense candidates first (their lexical scores came with the lexical search), then the lexical
  // candidates the dense list lacks, whose cosines come from the stored embeddings.
  const rows = dense.ids.slice();
  const cos = dense.scores.slice();
  const lex = lexical.also.slice();
  const lexRank = new Array<number>(rows.length).fill(0);
  const at = new Map<number, number>();
  rows.forEach((r, i) => at.set(r, i));
  const { data, dim } = index.textEmbeddings;
  lexical.ids.forEach((r, i) => {
    const p = at.get(r);
    if (p !== undefined) {
      lexRank[p] = i + 1;
      return;
    }
    rows.push(r);
    cos.push(dotAt(textVec, data, r * dim));
    lex.push(lexical.scores[i]!);
    lexRank.push(i + 1);
  });
  const denseCount = dense.ids.length;

  if (s.fusion === 'rrf') {
    const best = 2 / (s.rrfK + 1);
    return rows.map((r, i) => {
      const dr = i < denseCount ? i + 1 : 0;
      const lr = lexRank[i]!;
      const score = ((dr ? 1 / (s.rrfK + dr) : 0) + (lr ? 1 / (s.rrfK + lr) : 0)) / best;
      return candidate(r, score, 0, cos[i]!, lex[i]!);
    });
  }
  // Convex: cosine min–max normalised over the union, BM25F divided by the query's best score.
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of cos) {
    if (c < lo) lo = c;
    if (c > hi) hi = c;
  }
  const span = hi - lo || 1;
  const lexMax = lexical.maxScore || 1;
  return rows.map((r, i) => {
    const score = s.lexicalWeight * (lex[i]! / lexMax) + (1 - s.lexicalWeight) * ((cos[i]! - lo) / span);
    return candidate(r, score, 0, cos[i]!, lex[i]!);
  });
}
