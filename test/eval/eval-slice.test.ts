import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EvalReport } from '../../src/eval/run-eval.ts';
import { ensureGeneratedModels } from '../helpers/models.ts';
import { HAS_JAMENDO_DATA, MODELS_DIR, needsJamendoData } from '../helpers/paths.ts';
import { runCli } from '../helpers/run-cli.ts';
import { suiteTempDir } from '../helpers/temp-dir.ts';

/**
 * The evaluation on a slice of the real catalog (its first 3,000 tracks), through the CLI: the
 * guard that the hybrid with query understanding keeps beating both single stages.
 */
describe.runIf(HAS_JAMENDO_DATA)(needsJamendoData('npm run eval on a slice of MTG-Jamendo'), () => {
  const root = suiteTempDir('eval');
  const results = () => path.join(root.path, 'QUALITY.md');
  let report: EvalReport;
  beforeAll(async () => {
    await ensureGeneratedModels();
    const r = await runCli(
      ['eval', '--limit', '3000', '--pairs', '25', '--min-relevant', '8', '--no-tune', '--json', '--results', results()],
      { MODELS_DIR, LOG_LEVEL: 'warn' },
      300_000,
    );
    expect(r.code, r.stderr).toBe(0);
    report = JSON.parse(r.stdout);
  }, 320_000);

  const p10 = (name: string, cell: 'all/dev' | 'all/test') => report.configs.find((c) => c.name === name)!.cells[cell]!.p10;

  it('asks literal and paraphrase queries in both halves, each tag pair in one half only', () => {
    expect(report.index.tracks).toBe(3000);
    for (const key of ['literal/dev', 'literal/test', 'paraphrase/dev', 'paraphrase/test']) expect(report.queries[key]).toBeGreaterThan(5);
  });

  it('the hybrid with query understanding beats dense only, lexical only and the plain hybrid', () => {
    for (const cell of ['all/dev', 'all/test'] as const) {
      const best = p10('hybrid + tags (default)', cell);
      expect(best).toBeGreaterThan(p10('dense only', cell));
      expect(best).toBeGreaterThan(p10('lexical only', cell));
      expect(best).toBeGreaterThan(p10('hybrid', cell));
    }
  });

  it('writes the tables, the targets and the prototype prompts to the results file', async () => {
    const text = await readFile(results(), 'utf8');
    expect(text).toMatch(/^# Retrieval quality/);
    expect(text).toContain('<!-- eval:tiny:start -->');
    expect(text).toContain('### Test half (never tuned on)');
    expect(text).toMatch(/\| hybrid \+ tags \(default\) \| [\d.]+ \|/);
    expect(text).toContain('"Morning yoga soundtrack with sounds of ocean waves, nature"');
  });
});
