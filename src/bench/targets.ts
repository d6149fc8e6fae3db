/** The speed targets (issue: q8 full-size models on a 2-core machine), checked against a run. */
export interface TargetCheck {
  name: string;
  target: string;
  value: number | null;
  unit: string;
  met: boolean | null;
}

export interface TargetInputs {
  endToEnd: { p50: number; p95: number };
  cacheHit: { p50: number };
  eventLoopLagP99Ms: number;
  indexLoadMs: number;
  captionsPerSec: number | null;
}

function check(name: string, value: number | null, op: '<=' | '>=', limit: number, unit: string): TargetCheck {
  const met = value === null ? null : op === '<=' ? value <= limit : value >= limit;
  return { name, target: `${op === '<=' ? '≤' : '≥'} ${limit} ${unit}`, value, unit, met };
}

export function checkTargets(x: TargetInputs): TargetCheck[] {
  return [
    check('end to end, uncached, p50', x.endToEnd.p50, '<=', 25, 'ms'),
    check('end to end, uncached, p95', x.endToEnd.p95, '<=', 50, 'ms'),
    check('cache hit, p50', x.cacheHit.p50, '<=', 0.5, 'ms'),
    check('event-loop lag p99 at 16 concurrent', x.eventLoopLagP99Ms, '<=', 20, 'ms'),
    check('index load, 18k tracks', x.indexLoadMs, '<=', 2000, 'ms'),
    check('text index build', x.captionsPerSec, '>=', 300, 'captions/s'),
  ];
}
