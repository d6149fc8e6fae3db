import { describe, expect, it } from 'vitest';
import { mergeSection } from '../../src/bench/results-file.ts';
import { checkTargets } from '../../src/bench/targets.ts';

const section = (label: string, body: string) => `<!-- bench:${label}:start -->\n${body}\n<!-- bench:${label}:end -->`;

describe('bench/RESULTS.md sections', () => {
  it('starts a new file with a title, then appends each model set once', () => {
    const first = mergeSection('', 'full', section('full', 'A'));
    expect(first.startsWith('# Benchmark results')).toBe(true);
    const both = mergeSection(first, 'tiny', section('tiny', 'B'));
    expect(both).toContain(section('full', 'A'));
    expect(both).toContain(section('tiny', 'B'));
  });

  it('replaces only the section of the model set that ran again', () => {
    const text = mergeSection(mergeSection('', 'full', section('full', 'A')), 'tiny', section('tiny', 'B'));
    const again = mergeSection(text, 'full', section('full', 'C'));
    expect(again).toContain(section('full', 'C'));
    expect(again).not.toContain(section('full', 'A'));
    expect(again).toContain(section('tiny', 'B'));
    expect(again.match(/bench:full:start/g)).toHaveLength(1);
  });
});

describe('speed targets', () => {
  const base = { endToEnd: { p50: 10, p95: 20 }, cacheHit: { p50: 0.2 }, eventLoopLagP99Ms: 5, indexLoadMs: 800, captionsPerSec: 500 };

  it('marks each target met or missed at its limit', () => {
    expect(checkTargets(base).every((t) => t.met)).toBe(true);
    const missed = checkTargets({ ...base, endToEnd: { p50: 25.01, p95: 50 }, captionsPerSec: 299 });
    expect(missed.filter((t) => !t.met).map((t) => t.name)).toEqual(['end to end, uncached, p50', 'text index build']);
  });

  it('leaves a figure that was not measured unjudged', () => {
    expect(checkTargets({ ...base, captionsPerSec: null }).at(-1)).toMatchObject({ value: null, met: null });
  });
});
