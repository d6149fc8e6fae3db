import type { LoadedIndex, LoadedLexical } from '../retrieval/artifacts/load-index.ts';
import type { EncoderSet } from '../retrieval/encoders/encoder-set.ts';
import type { TextEncoder } from '../retrieval/encoders/types.ts';
import type { Matrix } from '../retrieval/matrix.ts';
import { type Engine, type RecommenderSettings, recommendWith } from '../retrieval/recommender.ts';
import type { FirstStageScoring } from '../retrieval/scoring.ts';
import { meanMetrics, type QueryMetrics, queryMetrics } from './metrics.ts';
import type { EvalQuery, Half, Split } from './query-set.ts';

/**
 * Runs queries through the real pipeline (`recommendWith`: query understanding, first stage,
 * rerank) under one configuration and scores the answers. The whole pool is asked for (k = N), so
 * the same run gives the final ranking (P@10, nDCG@10, MRR) and the first stage's candidates
 * (recall@N).
 */

export interface EvalConfig {
  name: string;
  firstStage: Partial<FirstStageScoring>;
  /** Another lexical stage (a tag lexicon with other resources); default: the index's own. */
  lexical?: LoadedLexical;
}

export type Cell = `${Split}/${Half}`;

export interface ConfigResult {
  name: string;
  firstStage: Partial<FirstStageScoring>;
  /** Mean metrics per split and half, and over all queries of a half. */
  cells: Partial<Record<Cell | `all/${Half}`, QueryMetrics & { queries: number }>>;
}

/** The same encoders with each distinct text embedded once: a tuning grid asks for the same prompts many times. */
export function memoizedEncoders(encoders: EncoderSet): EncoderSet {
  const memo = (enc: TextEncoder): TextEncoder => {
    const cache = new Map<string, Promise<Matrix>>();
    return {
      modelId: enc.modelId,
      dim: enc.dim,
      embed(texts) {
        if (texts.length !== 1) return enc.embed(texts);
        const key = texts[0]!;
        let hit = cache.get(key);
        if (!hit) cache.set(key, (hit = enc.embed(texts)));
        return hit;
      },
      dispose: () => enc.dispose(),
    };
  };
  return { ...encoders, text: memo(encoders.text), clapText: encoders.clapText ? memo(encoders.clapText) : null };
}

export async function evaluateConfig(
  engine: Engine,
  settings: RecommenderSettings,
  queries: readonly EvalQuery[],
  config: EvalConfig,
): Promise<{ result: ConfigResult; perQuery: Map<string, QueryMetrics> }> {
  const index: LoadedIndex = config.lexical ? { ...engine.index, lexical: config.lexical } : engine.index;
  const rowOf = new Map(index.tracks.map((t, i) => [t.id, i]));
  const run: Engine = { index, encoders: engine.encoders };
  const s: RecommenderSettings = { ...settings, firstStage: config.firstStage };
  const perQuery = new Map<string, QueryMetrics>();
  const byCell = new Map<string, QueryMetrics[]>();
  for (const q of queries) {
    const r = await recommendWith(run, s, { prompt: q.prompt, k: settings.candidates, candidates: settings.candidates });
    const ranked = r.results.map((x) => rowOf.get(x.trackId)!);
    const m = queryMetrics(ranked, ranked, q.relevant, settings.candidates);
    perQuery.set(q.id, m);
    for (const cell of [`${q.split}/${q.half}`, `all/${q.half}`]) (byCell.get(cell) ?? byCell.set(cell, []).get(cell)!).push(m);
  }
  const cells: ConfigResult['cells'] = {};
  for (const [cell, list] of byCell) cells[cell as Cell] = { ...meanMetrics(list), queries: list.length };
  return { result: { name: config.name, firstStage: config.firstStage, cells }, perQuery };
}
