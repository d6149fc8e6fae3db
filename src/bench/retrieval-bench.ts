import { performance } from 'node:perf_hooks';
import { openRecommender, type LoadTimings, type ModelRuntime } from '../retrieval/recommender-service.ts';
import type { StageTimings } from '../retrieval/recommender.ts';
import { benchmarkPrompts } from './prompts.ts';
import { type Summary, summarize } from './stats.ts';

export interface RetrievalBenchOptions {
  indexDir: string;
  runtime: ModelRuntime;
  candidates: number;
  queries: number;
  k: number;
  /** Queries run first and not counted (JIT, caches). */
  warmup: number;
}

export interface RetrievalBench {
  index: { name: string; tracks: number; mode: string; factory: string; version: string };
  models: { text: string; clap: string | null; dtype: string; threads: number };
  coldStart: LoadTimings & { openMs: number };
  queries: number;
  candidates: number;
  stages: Record<keyof StageTimings, Summary>;
  /** As the caller sees it: request to result, including the hops to the worker. */
  endToEnd: Summary;
  queriesPerSecond: number;
}

/** Cold start, then per-stage and end-to-end latency over `queries` different prompts. */
export async function benchRetrieval(o: RetrievalBenchOptions): Promise<RetrievalBench> {
  const t0 = performance.now();
  const service = await openRecommender({
    indexDir: o.indexDir,
    runtime: o.runtime,
    settings: { candidates: o.candidates, textWeight: undefined, maxPromptChars: 500 },
  });
  const openMs = Math.round(performance.now() - t0);
  try {
    const status = service.status();
    const prompts = benchmarkPrompts(o.queries + o.warmup);
    for (const prompt of prompts.slice(0, o.warmup)) await service.recommend({ prompt, k: o.k });
    const stages: Record<keyof StageTimings, number[]> = { textEmbedMs: [], searchMs: [], clapTextMs: [], rerankMs: [], totalMs: [] };
    const e2e: number[] = [];
    const started = performance.now();
    for (const prompt of prompts.slice(o.warmup)) {
      const q0 = performance.now();
      const res = await service.recommend({ prompt, k: o.k });
      e2e.push(performance.now() - q0);
      for (const key of Object.keys(stages) as (keyof StageTimings)[]) stages[key].push(res.timings[key]);
    }
    const wall = (performance.now() - started) / 1000;
    return {
      index: { name: status.name, tracks: status.tracks, mode: status.mode, factory: status.manifest.textIndex.factory, version: status.version },
      models: { text: status.models.text, clap: status.models.clap, dtype: o.runtime.dtype, threads: o.runtime.threads },
      coldStart: { ...status.loaded, openMs },
      queries: o.queries,
      candidates: o.candidates,
      stages: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, summarize(v)])) as Record<keyof StageTimings, Summary>,
      endToEnd: summarize(e2e),
      queriesPerSecond: Math.round((o.queries / wall) * 10) / 10,
    };
  } finally {
    await service.close();
  }
}
