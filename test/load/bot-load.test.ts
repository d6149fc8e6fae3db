/**
 * `npm run bench:bot` at a tiny size, as a real process: the report has every scenario's figures,
 * every interaction was answered, and the run lands in its own section of the results file.
 * No latency is asserted: the figures are for reading, not for passing.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runScript } from '../helpers/run-cli.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';
import type { BotLoadReport } from './run-bot-load.ts';

const SIZE = { interactions: 10, bursts: 3, members: 5, servers: 2, faultQueries: 8, callers: 4 };

const root = await fileTempDir('bench-bot');
let results: string;
let report: BotLoadReport;
let stderr: string;

beforeAll(async () => {
  results = path.join(root, 'RESULTS.md');
  // Another section already there must survive the run.
  await writeFile(results, '# Benchmark results\n\n<!-- bench:tiny:start -->\n## Models: tiny\nkept\n<!-- bench:tiny:end -->\n');
  const args = ['--interactions', '10', '--bursts', '3', '--members', '5', '--servers', '2', '--fault-queries', '8', '--callers', '4', '--json', '--results', results];
  const run = await runScript('test/load/bench-bot.ts', args, {}, 600_000);
  stderr = run.stderr;
  expect(run.code, run.stderr).toBe(0);
  report = JSON.parse(run.stdout) as BotLoadReport;
}, 620_000);

const every = () => [...report.bursts!.runs, report.reload!, report.redis!, report.worker!];

describe('npm run bench:bot (tiny)', () => {
  it('describes the run: machine, load, the bot served, the sizes', () => {
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.loadAverage.start).toBeGreaterThanOrEqual(0);
    expect(report.setup).toMatchObject({ ...SIZE, index: { name: 'default' } });
    expect(report.setup.index.tracks).toBeGreaterThan(0);
    expect(report.setup.models.text).toBeTruthy();
    expect(stderr).toContain('bench:bot: bursts: 10 /recommend from 5 members in 2 servers, 3 time(s)');
  });

  it('answers every interaction of every scenario, and counts each the same way', () => {
    for (const { queries: q } of every()) {
      expect(q.unanswered).toBe(0);
      expect(q.answered).toBe(q.sent);
      expect(q.acknowledged).toBe(q.sent);
      expect(q.results + q.failedWithRef + q.failedOther).toBe(q.answered);
      expect(q.ackMs.n).toBe(q.sent);
      expect(q.answerMs.n).toBe(q.sent);
      expect(q.answerMs.p99).toBeGreaterThanOrEqual(q.answerMs.p50);
    }
    expect(report.bursts!.runs.map((r) => r.queries.sent)).toEqual([10, 10, 10]);
    expect(report.bursts!.runs[0]!.bot.queryMs.n).toBe(10);
    for (const s of [report.reload!, report.redis!, report.worker!]) expect(s.queries.sent).toBe(8);
  });

  it('the bursts after the first come from the cache; memory is read once ready and after each burst', () => {
    expect(report.bursts!.runs.map((r) => r.queries.fromCache)).toEqual([0, 10, 10]);
    const { ready, after } = report.bursts!.memory;
    expect(after).toHaveLength(3);
    for (const m of [ready, ...after]) {
      expect(m.rssMb).toBeGreaterThan(50);
      expect(m.rssAfterGcMb).toBeGreaterThan(50);
      expect(m.heapMb).toBeGreaterThan(1);
      expect(m.heapMb).toBeLessThan(m.rssAfterGcMb);
    }
    expect(report.bursts!.rssGrowthPct).toBe(Math.round(((after[1]!.rssAfterGcMb - after[0]!.rssAfterGcMb) / after[0]!.rssAfterGcMb) * 1000) / 10);
  });

  it('the faults happened: a /reload answered by its summary, the Redis outage noticed, one worker restart with failures carrying a ref', () => {
    expect(report.reload!.reload.ok).toBe(true);
    expect(report.reload!.queries.failedWithRef + report.reload!.queries.failedOther).toBe(0);
    expect(report.redis!.outageMs).toBeGreaterThan(0);
    // The kill is noticed (a refused or reset connection); a slow call under load may add a timeout.
    expect(report.redis!.bot.cacheUnavailable.length).toBeGreaterThanOrEqual(1);
    expect(report.bursts!.runs[0]!.bot.cacheUnavailable).toEqual([]);
    expect(report.worker!.restarts).toBe(1);
    expect(report.worker!.queries.failedOther).toBe(0);
    expect(report.worker!.recoveryMs).not.toBeNull();
    expect(report.worker!.afterCrash.results).toBeGreaterThan(0);
  });

  it('checks every goal and writes its own section of the results file, keeping the others', async () => {
    expect(report.goals.map((g) => g.name)).toHaveLength(8);
    for (const g of report.goals) expect(g.met).not.toBeNull();
    const text = await readFile(results, 'utf8');
    expect(text).toContain('<!-- bench:tiny:start -->\n## Models: tiny\nkept\n<!-- bench:tiny:end -->');
    expect(text).toContain('<!-- bench:bot-load:start -->\n## The bot under load and faults (Discord emulator)\n\n`npm run bench:bot -- --interactions 10 --bursts 3');
    expect(text).toMatch(/\| burst 1: 10 \/recommend at once, 5 members in 2 servers, distinct prompts \| 10 \| 0 \|/);
    expect(text).toContain('<!-- bench:bot-load:end -->');
  });
});
