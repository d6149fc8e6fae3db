import type { BotLoadReport } from './run-bot-load.ts';

/** A goal of the load run and whether this run met it (null: the scenario did not run). */
export interface Goal {
  name: string;
  target: string;
  value: number | null;
  unit: string;
  met: boolean | null;
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

function goal(name: string, value: number | null | undefined, op: '<' | '=', limit: number, unit: string): Goal {
  const v = value ?? null;
  const met = v === null ? null : op === '<' ? v < limit : v === limit;
  return { name, target: `${op === '<' ? '<' : '='} ${limit}${unit ? ` ${unit}` : ''}`, value: v, unit, met };
}

/** The issue's goals: nothing unanswered, acknowledgements well inside Discord's 3 s, no memory creep, no failed query on a reload. */
export function loadGoals(r: Pick<BotLoadReport, 'bursts' | 'reload' | 'redis' | 'worker'>): Goal[] {
  const b = r.bursts;
  const failedOf = (t: { failedWithRef: number; failedOther: number; unanswered: number } | undefined) =>
    t ? t.failedWithRef + t.failedOther + t.unanswered : null;
  return [
    goal('bursts: unanswered (all bursts)', b ? sum(b.runs.map((r) => r.queries.unanswered)) : null, '=', 0, ''),
    goal('bursts: acknowledgement p99 (worst burst)', b ? Math.max(...b.runs.map((r) => r.queries.ackMs.p99)) : null, '<', 1000, 'ms'),
    goal('bursts: RSS (after a full collection) growth from burst 1 to burst 2', b?.rssGrowthPct, '<', 10, '%'),
    goal('/reload during a burst: failed or unanswered queries', failedOf(r.reload?.queries), '=', 0, ''),
    goal('Redis killed and restarted: unanswered', r.redis?.queries.unanswered, '=', 0, ''),
    goal('encoder worker killed: unanswered', r.worker?.queries.unanswered, '=', 0, ''),
    goal('encoder worker killed: failures without a ref', r.worker?.queries.failedOther, '=', 0, ''),
    {
      name: 'encoder worker killed: recovery (first results after the crash)',
      target: 'recovers',
      value: r.worker?.recoveryMs ?? null,
      unit: 'ms',
      met: r.worker ? r.worker.recoveryMs !== null : null,
    },
  ];
}
