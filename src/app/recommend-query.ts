import { performance } from 'node:perf_hooks';
import { describeFilter, isEmptyFilter, matchesFilter, parseTrackFilter, type TagVocabulary, type TrackFilter } from '../catalog/filters.ts';
import type { Track } from '../catalog/track.ts';
import { resultCacheKey } from '../cache/result-key.ts';
import type { AppServices, CachedResults } from './services.ts';
import { keptResults, toEntry, trackEntry, type ResultView } from './result-view.ts';
import { normalizePrompt } from '../retrieval/prompt.ts';
import { describeUnderstood } from '../retrieval/recommender.ts';

export const DEFAULT_COUNT = 5;
export const MAX_COUNT = 10;

/** The catalog filters as typed. */
export interface FilterInput {
  mood?: string | null | undefined;
  genre?: string | null | undefined;
  instrument?: string | null | undefined;
  maxDuration?: string | null | undefined;
}

/** What a person asked for, as typed (slash command options, the console, the CLI). */
export interface RecommendInput extends FilterInput {
  prompt: string;
  count?: number | null;
}

/** A checked prompt and filter, for any front end. */
export interface CheckedQuery {
  prompt: string;
  filter: TrackFilter;
  /** The filter as a track test for the recommender; undefined without a filter. */
  accept: ((track: Track) => boolean) | undefined;
}

/**
 * The checks every front end runs before anything slow (no model is needed): the prompt's
 * length and content, the filter's tags against the serving catalog's, the duration's format.
 * Each problem is a UserError saying what to do.
 */
export function checkQuery(input: Omit<RecommendInput, 'count'>, maxPromptChars: number, vocabulary: TagVocabulary): CheckedQuery {
  const prompt = normalizePrompt(input.prompt, maxPromptChars);
  return { prompt, ...checkFilter(input, vocabulary) };
}

/** The catalog filters a person typed, checked against the serving catalog's tags. */
export function checkFilter(input: FilterInput, vocabulary: TagVocabulary): Omit<CheckedQuery, 'prompt'> {
  const filter = parseTrackFilter({ mood: input.mood, genre: input.genre, instrument: input.instrument, maxDuration: input.maxDuration }, vocabulary);
  return { filter, accept: acceptOf(filter) };
}

/** Results per page as asked (1–MAX_COUNT, DEFAULT_COUNT when not given). */
export function pageSizeOf(count: number | null | undefined): number {
  return Math.min(MAX_COUNT, Math.max(1, Math.floor(count ?? DEFAULT_COUNT)));
}

/** The filter as a track test for the recommender; undefined for no filter. */
export function acceptOf(filter: TrackFilter): ((track: Track) => boolean) | undefined {
  return isEmptyFilter(filter) ? undefined : (t: Track) => matchesFilter(t, filter);
}

/** The view of cached results (a prompt's or a seed's), before the preview is known. */
export function cachedView(hit: CachedResults, how: { filter: TrackFilter; perPage: number; latencyMs: number; cached: boolean }): ResultView {
  return {
    prompt: hit.query,
    filter: isEmptyFilter(how.filter) ? null : describeFilter(how.filter),
    perPage: how.perPage,
    entries: hit.results.map(toEntry),
    mode: hit.mode,
    indexName: hit.indexName,
    latencyMs: how.latencyMs,
    cached: how.cached,
    preview: null,
    understood: hit.understood || null,
    similar: hit.similar ? { seed: trackEntry(hit.similar.seed), note: hit.similar.note } : null,
  };
}

/** A validated query, ready to run. */
export interface PreparedQuery {
  prompt: string;
  count: number;
  kept: number;
  filter: TrackFilter;
  key: string;
}

export interface QueryOutcome {
  view: ResultView;
  /** The top result's track (for its preview clip). */
  top: Track | undefined;
}

/**
 * Checks the input (prompt, count, filters against the catalog's tags) without touching the
 * models: a UserError here reaches the person before anything slow starts.
 */
export function prepareQuery(ctx: Pick<AppServices, 'config' | 'recommender' | 'vocabulary'>, input: RecommendInput): PreparedQuery {
  const { prompt, filter } = checkQuery(input, ctx.config.retrieval.maxPromptChars, ctx.vocabulary());
  const count = pageSizeOf(input.count);
  const kept = keptResults(count, ctx.config.bot.pages);
  const status = ctx.recommender.status();
  const key = resultCacheKey({ prompt, count, kept, filter, indexVersion: status.version, models: status.models });
  return { prompt, count, kept, filter, key };
}

/** Runs a prepared query: from the result cache when there, else the recommender (then cached). */
export async function runQuery(ctx: Pick<AppServices, 'recommender' | 'results' | 'logger'>, q: PreparedQuery): Promise<QueryOutcome> {
  const t0 = performance.now();
  let cached = true;
  let hit = await ctx.results.get(q.key);
  if (hit?.v !== 1) {
    cached = false;
    const accept = acceptOf(q.filter);
    const result = await ctx.recommender.recommend({ prompt: q.prompt, k: q.kept, ...(accept ? { accept } : {}) });
    hit = {
      v: 1,
      query: result.query,
      mode: result.mode,
      indexName: result.index.name,
      indexVersion: result.index.version,
      results: result.results,
      understood: describeUnderstood(result.understood),
    } satisfies CachedResults;
    ctx.logger.debug({ timings: result.timings, candidates: result.candidates }, 'recommender timings');
    await ctx.results.set(q.key, hit);
  }
  const latencyMs = performance.now() - t0;
  const view = cachedView(hit, { filter: q.filter, perPage: q.count, latencyMs, cached });
  ctx.logger.info(
    { prompt: hit.query, count: q.count, results: hit.results.length, mode: hit.mode, index: hit.indexName, cached, ms: Math.round(latencyMs) },
    'recommend',
  );
  return { view, top: hit.results[0]?.track };
}
