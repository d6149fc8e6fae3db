import { performance } from 'node:perf_hooks';
import { openCacheBackend } from '../cache/cache-backend.ts';
import { catalogVocabulary } from '../catalog/filters.ts';
import { prepareQuery, runQuery } from '../app/recommend-query.ts';
import { type Config } from '../config.ts';
import { type AppServices, type CachedResults, RESULTS_NAMESPACE } from '../app/services.ts';
import { createLogger } from '../logger.ts';
import { row } from '../retrieval/matrix.ts';
import { normalizePrompt } from '../retrieval/prompt.ts';
import { firstStageScoring, fusionWeight } from '../retrieval/recommender.ts';
import { runFirstStage } from '../retrieval/first-stage.ts';
import { understandQuery } from '../retrieval/query/understand.ts';
import { type LoadTimings, type ModelRuntime, openRecommender, type RecommenderService } from '../retrieval/recommender-service.ts';
import { rerank } from '../retrieval/rerank.ts';
import { type LagFigures, withEventLoopLag } from './event-loop-lag.ts';
import { peakRssMb } from './peak-rss.ts';
import { benchmarkPrompts } from './prompts.ts';
import { r3, type Summary, summarize, timed } from './stats.ts';

export interface ServingBenchOptions {
  indexDir: string;
  runtime: ModelRuntime;
  /** Different prompts timed per stage, and again end to end (each set new to the cache). */
  queries: number;
  /** Queries run first and not counted (JIT, ONNX Runtime's first-run allocations). */
  warmup: number;
  concurrency: readonly number[];
  /** Queries per concurrency level. */
  throughputQueries: number;
}

export interface ThroughputLevel {
  concurrency: number;
  queries: number;
  queriesPerSec: number;
  /** Per query, from request to its result pages' data (waiting behind others included). */
  latency: Summary;
  eventLoopLag: LagFigures;
}

export interface ServingBench {
  index: { name: string; tracks: number; mode: string; factory: string; firstStage?: string };
  models: { text: string; clap: string | null; dtype: string; threads: number };
  cache: string;
  /** Worker started, models loaded and warm, index read and validated (the two in parallel). */
  coldStartMs: number;
  coldStart: LoadTimings;
  /** Each stage timed on its own, sequentially, over `queries` different prompts. */
  stages: { textEmbed: Summary; search: Summary; clapTextEmbed: Summary; rerank: Summary };
  /** The bot's path for a new prompt: cache miss, pipeline (CLAP overlapped with search), cache write. */
  endToEnd: Summary;
  /** The same path when the prompt's results are cached. */
  cacheHit: Summary;
  throughput: ThroughputLevel[];
  /** Of the highest concurrency level: how late the main thread's timers run under that load. */
  eventLoopLagP99Ms: number;
  /** Highest resident memory of this serving process (models, index, cache, JS heap). */
  peakRssMb: number;
}

type ServingContext = Pick<AppServices, 'config' | 'recommender' | 'results' | 'logger' | 'vocabulary'>;

/** Times each stage alone, with the serving engine's own encoders and index. */
async function stageTimings(service: RecommenderService, config: Config, prompts: readonly string[]) {
  const stages = { textEmbed: [] as number[], search: [] as number[], clapTextEmbed: [] as number[], rerank: [] as number[] };
  const { index, encoders } = service.engine();
  const textWeight = fusionWeight(config.retrieval, index);
  const scoring = firstStageScoring(config.retrieval, index);
  for (const prompt of prompts) {
    const query = normalizePrompt(prompt, config.retrieval.maxPromptChars);
    const [text, textMs] = await timed(() => encoders.text.embed([query]));
    let s = performance.now();
    // The search stage: query understanding, then dense and lexical search and their fusion.
    const understanding = scoring.understanding && index.lexical ? understandQuery(query, index.lexical.lexicon) : null;
    const q = { textVec: row(text, 0), text: understanding?.searchText ?? query, understanding };
    const candidates = runFirstStage(index, q, scoring, config.retrieval.candidates);
    stages.search.push(performance.now() - s);
    stages.textEmbed.push(textMs);
    if (encoders.clapText && index.audio) {
      const [clap, clapMs] = await timed(() => encoders.clapText!.embed([query]));
      stages.clapTextEmbed.push(clapMs);
      s = performance.now();
      rerank(candidates, row(clap, 0), index.audio, textWeight);
      stages.rerank.push(performance.now() - s);
    }
  }
  return {
    textEmbed: summarize(stages.textEmbed),
    search: summarize(stages.search),
    clapTextEmbed: summarize(stages.clapTextEmbed),
    rerank: summarize(stages.rerank),
  };
}

/** One query through the bot's path; returns its latency and whether it came from the cache. */
async function botQuery(ctx: ServingContext, prompt: string): Promise<{ ms: number; cached: boolean }> {
  const t0 = performance.now();
  const outcome = await runQuery(ctx, prepareQuery(ctx, { prompt }));
  return { ms: performance.now() - t0, cached: outcome.view.cached };
}

async function sequential(ctx: ServingContext, prompts: readonly string[], expectCached: boolean): Promise<Summary> {
  const ms: number[] = [];
  for (const p of prompts) {
    const q = await botQuery(ctx, p);
    if (q.cached !== expectCached) throw new Error(`bench query "${p}" was ${q.cached ? '' : 'not '}served from the cache`);
    ms.push(q.ms);
  }
  return summarize(ms);
}

/** `prompts` served by `concurrency` callers at once, each sending its next as soon as one returns. */
async function throughputLevel(ctx: ServingContext, prompts: readonly string[], concurrency: number): Promise<ThroughputLevel> {
  const latencies: number[] = [];
  let next = 0;
  const caller = async () => {
    while (next < prompts.length) {
      const q = await botQuery(ctx, prompts[next++]!);
      latencies.push(q.ms);
    }
  };
  const t0 = performance.now();
  const { lag } = await withEventLoopLag(() => Promise.all(Array.from({ length: concurrency }, caller)));
  const secs = (performance.now() - t0) / 1000;
  return { concurrency, queries: prompts.length, queriesPerSec: Math.round((prompts.length / secs) * 10) / 10, latency: summarize(latencies), eventLoopLag: lag };
}

/**
 * Serving figures of one process, as the bot runs: cold start, stage and end-to-end latency,
 * cache hits, throughput under concurrency with the main thread's event-loop lag, peak memory.
 * Run it in a process of its own (see run-serving-bench.ts) so peak memory is the server's alone.
 */
export async function benchServing(config: Config, o: ServingBenchOptions): Promise<ServingBench> {
  const logger = createLogger({ level: 'silent', format: 'json' });
  const cache = await openCacheBackend(config.cache, logger);
  try {
    const t0 = performance.now();
    const recommender = await openRecommender({ indexDir: o.indexDir, runtime: o.runtime, settings: config.retrieval });
    const coldStartMs = Math.round(performance.now() - t0);
    try {
      const vocabulary = catalogVocabulary(recommender.tracks());
      const ctx: ServingContext = {
        config,
        logger,
        recommender,
        results: cache.namespace<CachedResults>(RESULTS_NAMESPACE),
        vocabulary: () => vocabulary,
      };
      const levels = o.concurrency.length;
      const all = benchmarkPrompts(o.warmup + 2 * o.queries + levels * o.throughputQueries);
      const take = (() => {
        let at = 0;
        return (n: number) => all.slice(at, (at += n));
      })();
      const warm = take(o.warmup);
      await stageTimings(recommender, config, warm);
      for (const p of warm) await botQuery(ctx, p);

      const stages = await stageTimings(recommender, config, take(o.queries));
      const fresh = take(o.queries);
      const endToEnd = await sequential(ctx, fresh, false);
      // Only entries the cache can still hold (CACHE_MAX_ENTRIES) are asked for again.
      const cacheHit = await sequential(ctx, fresh.slice(-Math.max(1, Math.floor(config.cache.maxEntries / 2))), true);
      const throughput: ThroughputLevel[] = [];
      for (const c of o.concurrency) throughput.push(await throughputLevel(ctx, take(o.throughputQueries), c));

      const status = recommender.status();
      return {
        index: { name: status.name, tracks: status.tracks, mode: status.mode, factory: status.manifest.textIndex.factory, firstStage: status.firstStage },
        models: { text: status.models.text, clap: status.models.clap, dtype: o.runtime.dtype, threads: o.runtime.threads },
        cache: cache.label,
        coldStartMs,
        coldStart: status.loaded,
        stages,
        endToEnd,
        cacheHit,
        throughput,
        eventLoopLagP99Ms: throughput.at(-1)?.eventLoopLag.p99Ms ?? 0,
        peakRssMb: r3(peakRssMb()),
      };
    } finally {
      await recommender.close();
    }
  } finally {
    await cache.close();
  }
}
