import { performance } from 'node:perf_hooks';
import type { TrackFilter } from '../catalog/filters.ts';
import type { Track } from '../catalog/track.ts';
import { resultCacheKey } from '../cache/result-key.ts';
import type { AppServices, CachedResults } from './services.ts';
import { acceptOf, cachedView, checkFilter, type FilterInput, pageSizeOf, type QueryOutcome } from './recommend-query.ts';
import { entryLabel, keptResults, trackEntry } from './result-view.ts';
import { resolveTrack } from './track-choices.ts';
import { UserError } from '../errors.ts';

/** "More like this" as a person asks it: a track (an id from autocomplete, or words), count, filters. */
export interface SimilarInput extends FilterInput {
  track: string;
  /** `track` is a catalog id from a list the bot gave (a menu): no search by words when it is gone. */
  byId?: boolean;
  count?: number | null;
}

/** A checked "more like this" query, ready to run. */
export interface PreparedSimilar {
  seed: Track;
  count: number;
  kept: number;
  filter: TrackFilter;
  key: string;
}

/**
 * Checks a "more like this" request without touching the models: the track must be in the
 * serving index (found by id, or by title, artist or caption words), the filters must name its
 * catalog's tags. Each problem is a UserError saying what to do.
 */
export function prepareSimilar(ctx: Pick<AppServices, 'config' | 'recommender' | 'vocabulary' | 'trackFinder'>, input: SimilarInput): PreparedSimilar {
  const seed = input.byId ? trackById(ctx, input.track) : resolveTrack(ctx.trackFinder(), input.track).track;
  const { filter } = checkFilter(input, ctx.vocabulary());
  const count = pageSizeOf(input.count);
  const kept = keptResults(count, ctx.config.bot.pages);
  const status = ctx.recommender.status();
  const key = resultCacheKey({ prompt: entryLabel(trackEntry(seed)), seed: seed.id, count, kept, filter, indexVersion: status.version, models: status.models });
  return { seed, count, kept, filter, key };
}

function trackById(ctx: Pick<AppServices, 'recommender' | 'trackFinder'>, id: string): Track {
  const row = ctx.trackFinder().rowOfId(id);
  if (row === undefined) {
    throw new UserError(`The track ${id} is no longer in the served catalog (the index was reloaded since).`, 'Run /similar and pick a track from its suggestions.');
  }
  return ctx.recommender.tracks()[row]!;
}

/** Runs a prepared "more like this": from the result cache when there, else the recommender (then cached). */
export async function runSimilar(ctx: Pick<AppServices, 'recommender' | 'results' | 'logger'>, q: PreparedSimilar): Promise<QueryOutcome> {
  const t0 = performance.now();
  let cached = true;
  let hit = await ctx.results.get(q.key);
  if (hit?.v !== 1 || !hit.similar) {
    cached = false;
    const accept = acceptOf(q.filter);
    const result = await ctx.recommender.similar({ trackId: q.seed.id, k: q.kept, pageSize: q.count, ...(accept ? { accept } : {}) });
    hit = {
      v: 1,
      query: entryLabel(trackEntry(result.seed)),
      mode: result.basis === 'audio+text' ? 'two-stage' : 'text-only',
      indexName: result.index.name,
      indexVersion: result.index.version,
      results: result.results,
      similar: { seed: result.seed, note: result.note },
    } satisfies CachedResults;
    ctx.logger.debug({ timings: result.timings, candidates: result.candidates, basis: result.basis }, 'similar timings');
    await ctx.results.set(q.key, hit);
  }
  const latencyMs = performance.now() - t0;
  const view = cachedView(hit, { filter: q.filter, perPage: q.count, latencyMs, cached });
  ctx.logger.info(
    { seed: q.seed.id, count: q.count, results: hit.results.length, mode: hit.mode, index: hit.indexName, cached, ms: Math.round(latencyMs) },
    'similar',
  );
  return { view, top: hit.results[0]?.track };
}
