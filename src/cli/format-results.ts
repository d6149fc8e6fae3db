import { formatDuration } from '../catalog/filters.ts';
import { trackUrl } from '../catalog/track.ts';
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
  const lines = [
    `"${result.query}" — ${result.mode}, ${result.index.name} (${result.index.tracks} tracks), ${result.timings.totalMs.toFixed(0)} ms`,
    `first stage: ${result.firstStage}${understoodLine(result)}`,
    '',
    ' #   score   text  audio  track',
  ];
  for (const r of result.results) {
    const t = r.track;
    const who = t.title ? `${t.title}${t.artist ? ` — ${t.artist}` : ''}` : t.id;
    const tags = [...t.tags.mood, ...t.tags.genre, ...t.tags.instrument].join(', ');
    const dur = t.durationSec !== undefined ? ` [${formatDuration(t.durationSec)}]` : '';
    lines.push(`${String(r.rank).padStart(2)}  ${fmt(r.score)} ${fmt(r.textScore)} ${fmt(r.audioScore)}  ${cut(who, 60)}${dur}`);
    if (tags) lines.push(`${' '.repeat(27)}${cut(tags, 80)}`);
    if (r.matchedTags.length) lines.push(`${' '.repeat(27)}matched: ${r.matchedTags.join(' · ')}`);
    const url = trackUrl(t);
    if (url) lines.push(`${' '.repeat(27)}${url}`);
  }
  if (result.results.length === 0) lines.push('    (no tracks matched)');
  return lines.join('\n');
}
