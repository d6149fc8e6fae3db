import type { LoadedAudio } from './artifacts/load-index.ts';
import { dot, norm, row } from './matrix.ts';

/** A first-stage hit: a row of the index and its text similarity. */
export interface Candidate {
  row: number;
  textScore: number;
  /** 1-based rank in the text stage. */
  textRank: number;
}

export interface ScoredCandidate extends Candidate {
  /** CLAP cosine between the prompt and the track's audio; null when the track has no audio embedding. */
  audioScore: number | null;
  /** 1-based rank among candidates that have an audio embedding. */
  audioRank: number | null;
  score: number;
}

/**
 * Second stage. The final score is the CLAP audio–text cosine, as in the Python prototype; with
 * `textWeight` w > 0 it is the fusion (1 − w)·audio + w·text.
 *
 * Candidates without an audio embedding (failed or never embedded) cannot be compared on the
 * audio scale, so they are kept but placed after every candidate that has one, in text order;
 * their score is their text score. With no audio at all (`text-only`), score = text score.
 */
export function rerank(
  candidates: readonly Candidate[],
  clapQuery: Float32Array | null,
  audio: LoadedAudio | null,
  textWeight: number,
): ScoredCandidate[] {
  if (!clapQuery || !audio) {
    return candidates.map((c) => ({ ...c, audioScore: null, audioRank: null, score: c.textScore }));
  }
  const withAudio: ScoredCandidate[] = [];
  const without: ScoredCandidate[] = [];
  const qn = norm(clapQuery) || 1;
  for (const c of candidates) {
    if (!audio.mask[c.row]) {
      without.push({ ...c, audioScore: null, audioRank: null, score: c.textScore });
      continue;
    }
    const v = row(audio.embeddings, c.row);
    const audioScore = dot(clapQuery, v) / (qn * (norm(v) || 1));
    const score = textWeight > 0 ? (1 - textWeight) * audioScore + textWeight * c.textScore : audioScore;
    withAudio.push({ ...c, audioScore, audioRank: null, score });
  }
  [...withAudio]
    .sort((a, b) => b.audioScore! - a.audioScore! || a.textRank - b.textRank)
    .forEach((c, i) => (c.audioRank = i + 1));
  withAudio.sort((a, b) => b.score - a.score || a.textRank - b.textRank);
  without.sort((a, b) => a.textRank - b.textRank);
  return [...withAudio, ...without];
}
