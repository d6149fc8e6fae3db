import type { RecommenderSettings, Engine } from '../retrieval/recommender.ts';
import type { FirstStageScoring } from '../retrieval/scoring.ts';
import { type ConfigResult, evaluateConfig } from './evaluate.ts';
import type { EvalQuery } from './query-set.ts';

/**
 * Grid search on the dev half only: every combination of fusion (convex at several lexical
 * weights, or RRF), tag boost and tag-term weight, scored by mean P@10 over the dev queries of
 * both splits (ties: nDCG@10). The test half is never looked at here.
 */

export interface TuningGrid {
  lexicalWeights: readonly number[];
  rrf: boolean;
  tagBoosts: readonly number[];
  tagTermWeights: readonly number[];
  understanding: boolean;
}

export const UNDERSTANDING_GRID: TuningGrid = {
  lexicalWeights: [0.1, 0.2, 0.35, 0.5, 0.65, 0.8],
  rrf: true,
  tagBoosts: [0, 0.25, 0.5, 1, 2],
  tagTermWeights: [1, 2, 4],
  understanding: true,
};

export const PLAIN_HYBRID_GRID: TuningGrid = { lexicalWeights: [0.1, 0.2, 0.35, 0.5, 0.65, 0.8], rrf: true, tagBoosts: [0], tagTermWeights: [1], understanding: false };

export interface TuningRow {
  firstStage: Partial<FirstStageScoring>;
  p10: number;
  ndcg10: number;
}

export function gridConfigs(grid: TuningGrid): Partial<FirstStageScoring>[] {
  const fusions: Partial<FirstStageScoring>[] = [
    ...grid.lexicalWeights.map((w) => ({ fusion: 'convex' as const, lexicalWeight: w })),
    ...(grid.rrf ? [{ fusion: 'rrf' as const, rrfK: 60 }] : []),
  ];
  const out: Partial<FirstStageScoring>[] = [];
  for (const f of fusions) {
    for (const tagBoost of grid.tagBoosts) {
      for (const tagTermWeight of grid.tagTermWeights) out.push({ kind: 'hybrid', understanding: grid.understanding, ...f, tagBoost, tagTermWeight });
    }
  }
  return out;
}

/** Every grid point on the dev queries, best first. */
export async function tuneOnDev(
  engine: Engine,
  settings: RecommenderSettings,
  queries: readonly EvalQuery[],
  grid: TuningGrid,
  onProgress?: (done: number, total: number) => void,
): Promise<TuningRow[]> {
  const dev = queries.filter((q) => q.half === 'dev');
  const rows: TuningRow[] = [];
  const configs = gridConfigs(grid);
  for (const [i, firstStage] of configs.entries()) {
    const { result } = await evaluateConfig(engine, settings, dev, { name: 'grid', firstStage });
    const all = (result as ConfigResult).cells['all/dev']!;
    rows.push({ firstStage, p10: all.p10, ndcg10: all.ndcg10 });
    onProgress?.(i + 1, configs.length);
  }
  return rows.sort((a, b) => b.p10 - a.p10 || b.ndcg10 - a.ndcg10);
}
