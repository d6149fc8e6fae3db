import { formatDuration } from '../catalog/filters.ts';
import { type Track, trackUrl } from '../catalog/track.ts';
import type { SimilarResult } from '../retrieval/similar.ts';
import { describeUnderstood, type Recommendation, type RecommendResult } from '../retrieval/recommender.ts';

/** One result as a flat JSON object: scores, ranks and the track's catalog fields and credits. */
export function recommendationJson(r: Recommendation): Record<string, unknown> {
  const { id: _id, ...track } = r.track;
  return {
    rank: r.rank,
    trackId: r.trackId,
    score: r.score,
    textScore: r.textScore,
    audioScore: r.audioScore,
    textRank: r.textRank,
    audioRank: r.audioRank,
    denseScore: r.denseScore,
    lexicalScore: r.lexicalScore,
    matchedTags: r.matchedTags,
    ...track,
    url: trackUrl(r.track) ?? null,
  };
}

export function resultJson(result: RecommendResult): Record<string, unknown> {
  return {
    query: result.query,
    mode: result.mode,
    firstStage: result.firstStage,
    understood: result.understood,
    candidates: result.candidates,
    results: result.results.map(recommendationJson),
    timings: result.timings,
    index: { name: result.index.name, tracks: result.index.tracks, version: result.index.version },
  };
}

/** "; understood: calm · piano · not voice" (empty when no tag was recognised). */
function understoodLine(result: RecommendResult): string {
  const text = describeUnderstood(result.understood);
  return text ? `; understood: ${text}` : '';
}

const fmt = (n: number | null) => (n === null ? '   –  ' : n.toFixed(3).padStart(6));

function cut(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

/** The readable table `npm run recommend` prints. */
export function formatResultTable(result: RecommendResult): string {
  return [
    `"${result.query}" — ${result.mode}, ${result.index.name} (${result.index.tracks} tracks), ${result.timings.totalMs.toFixed(0)} ms`,
    `first stage: ${result.firstStage}${understoodLine(result)}`,
    '',
    ...resultRows(result.results, 'matched', 'no tracks matched'),
  ].join('\n');
}

/** "Title — Artist", or the id when the catalog has no title. */
const trackName = (t: Track): string => (t.title ? `${t.title}${t.artist ? ` — ${t.artist}` : ''}` : t.id);

/** The results as table rows: scores, name, duration, then tags, matched (or shared) tags and link. */
function resultRows(results: readonly Recommendation[], matchedLabel: string, none: string): string[] {
  const lines = [' #   score   text  audio  track'];
  for (const r of results) {
    const t = r.track;
    const tags = [...t.tags.mood, ...t.tags.genre, ...t.tags.instrument].join(', ');
    const dur = t.durationSec !== undefined ? ` [${formatDuration(t.durationSec)}]` : '';
    lines.push(`${String(r.rank).padStart(2)}  ${fmt(r.score)} ${fmt(r.textScore)} ${fmt(r.audioScore)}  ${cut(trackName(t), 60)}${dur}`);
    if (tags) lines.push(`${' '.repeat(27)}${cut(tags, 80)}`);
    if (r.matchedTags.length) lines.push(`${' '.repeat(27)}${matchedLabel}: ${r.matchedTags.join(' · ')}`);
    const url = trackUrl(t);
    if (url) lines.push(`${' '.repeat(27)}${url}`);
  }
  if (results.length === 0) lines.push(`    (${none})`);
  return lines;
}

/** "audio.faiss ∪ text.faiss, 0.7 × audio + 0.3 × text cosine" — how closeness was measured. */
export function describeSimilarity(result: SimilarResult): string {
  if (result.basis === 'text') return 'text-embedding neighbours (cosine)';
  const w = Math.round(result.audioWeight * 100) / 100;
  return `audio ∪ text neighbours, ${w} × audio cosine + ${Math.round((1 - w) * 100) / 100} × text cosine`;
}

/** `npm run similar -- --json`: recommend's shape (query, mode, results, …) plus the seed track. */
export function similarJson(result: SimilarResult): Record<string, unknown> {
  const { id: _id, ...seed } = result.seed;
  return {
    query: trackName(result.seed),
    mode: result.basis === 'audio+text' ? 'two-stage' : 'text-only',
    firstStage: describeSimilarity(result),
    understood: null,
    basis: result.basis,
    note: result.note,
    seed: { trackId: result.seed.id, ...seed, url: trackUrl(result.seed) ?? null },
    candidates: result.candidates,
    results: result.results.map(recommendationJson),
    timings: result.timings,
    index: { name: result.index.name, tracks: result.index.tracks, version: result.index.version },
  };
}

/** The readable table `npm run similar` prints: the seed, how closeness was measured, the neighbours. */
export function formatSimilarTable(result: SimilarResult): string {
  const seed = result.seed;
  const tags = [...seed.tags.mood, ...seed.tags.genre, ...seed.tags.instrument].join(', ');
  return [
    `More like "${trackName(seed)}" (${seed.id}) — ${result.index.name} (${result.index.tracks} tracks), ${result.timings.totalMs.toFixed(0)} ms`,
    ...(tags ? [`seed tags: ${tags}`] : []),
    `closeness: ${describeSimilarity(result)}`,
    ...(result.note ? [result.note] : []),
    '',
    ...resultRows(result.results, 'shares', 'no other track passed the filters'),
  ].join('\n');
}
