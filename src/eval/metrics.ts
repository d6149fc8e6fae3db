/**
 * Ranking metrics with binary relevance (a track is relevant or not). Pure.
 * - P@k: share of the top k that are relevant.
 * - nDCG@k: DCG of the top k (gain 1/log2(rank + 1)) over the best possible for this query.
 * - MRR: 1 / rank of the first relevant result (0 when none is returned).
 * - recall@N: share of the relevant tracks in the first stage's N candidates, out of at most N
 *   (a pair carried by 2,000 tracks cannot have more than N of them in N candidates).
 */

export function precisionAt(ranked: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  let hits = 0;
  for (let i = 0; i < k && i < ranked.length; i++) if (relevant.has(ranked[i]!)) hits++;
  return hits / k;
}

export function ndcgAt(ranked: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  let dcg = 0;
  for (let i = 0; i < k && i < ranked.length; i++) if (relevant.has(ranked[i]!)) dcg += 1 / Math.log2(i + 2);
  let ideal = 0;
  for (let i = 0; i < Math.min(k, relevant.size); i++) ideal += 1 / Math.log2(i + 2);
  return ideal === 0 ? 0 : dcg / ideal;
}

export function reciprocalRank(ranked: readonly number[], relevant: ReadonlySet<number>): number {
  const i = ranked.findIndex((r) => relevant.has(r));
  return i < 0 ? 0 : 1 / (i + 1);
}

export function recallAt(candidates: readonly number[], relevant: ReadonlySet<number>, n: number): number {
  const want = Math.min(n, relevant.size);
  if (want === 0) return 0;
  let hits = 0;
  for (let i = 0; i < n && i < candidates.length; i++) if (relevant.has(candidates[i]!)) hits++;
  return hits / want;
}

export interface QueryMetrics {
  p10: number;
  ndcg10: number;
  mrr: number;
  recall: number;
}

export const METRIC_NAMES: Readonly<Record<keyof QueryMetrics, string>> = { p10: 'P@10', ndcg10: 'nDCG@10', mrr: 'MRR', recall: 'recall@N' };

export function queryMetrics(ranked: readonly number[], candidates: readonly number[], relevant: ReadonlySet<number>, n: number): QueryMetrics {
  return {
    p10: precisionAt(ranked, relevant, 10),
    ndcg10: ndcgAt(ranked, relevant, 10),
    mrr: reciprocalRank(ranked, relevant),
    recall: recallAt(candidates, relevant, n),
  };
}

/** Mean of each metric over queries (zeros for none). */
export function meanMetrics(list: readonly QueryMetrics[]): QueryMetrics {
  const n = list.length || 1;
  const sum = (f: (m: QueryMetrics) => number) => list.reduce((s, m) => s + f(m), 0) / n;
  return { p10: sum((m) => m.p10), ndcg10: sum((m) => m.ndcg10), mrr: sum((m) => m.mrr), recall: sum((m) => m.recall) };
}
