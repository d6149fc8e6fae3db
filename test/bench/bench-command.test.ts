import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BenchReport } from '../../src/bench/run-bench.ts';
import { ensureGeneratedModels } from '../helpers/models.ts';
import { HAS_JAMENDO_DATA, JAMENDO_DATA_DIR as DATA, MODELS_DIR, needsJamendoData } from '../helpers/paths.ts';
import { runCli } from '../helpers/run-cli.ts';
import { suiteTempDir } from '../helpers/temp-dir.ts';

const TRACKS = 400;

/** The first tracks of the real MTG-Jamendo files: the bench's build path on a catalog it can embed quickly. */
async function jamendoSubset(jamendo: string): Promise<void> {
  await mkdir(jamendo, { recursive: true });
  for (const f of ['metadata_base.csv', 'captions.csv']) {
    const lines = (await readFile(path.join(DATA, f), 'utf8')).split('\n');
    await writeFile(path.join(jamendo, f), `${lines.slice(0, TRACKS + 1).join('\n')}\n`);
  }
  await copyFile(path.join(DATA, 'tag_map.json'), path.join(jamendo, 'tag_map.json'));
}

describe.runIf(HAS_JAMENDO_DATA)(needsJamendoData('npm run bench on the first MTG-Jamendo tracks'), () => {
  const root = suiteTempDir('bench-cli');
  const results = () => path.join(root.path, 'RESULTS.md');
  let report: BenchReport;
  let stderr = '';
  beforeAll(async () => {
    await ensureGeneratedModels();
    const jamendo = path.join(root.path, 'jamendo');
    await jamendoSubset(jamendo);
    const args = ['bench', '--models', 'tiny', '--json', '--queries', '30', '--warmup', '3', '--concurrency', '1,4', '--throughput-queries', '24'];
    const r = await runCli(
      [...args, '--jamendo', jamendo, '--faiss-sizes', '3000', '--lexical-sizes', '1000,2000', '--track-search-sizes', '400,1000', '--similar-sizes', '2000,60000', '--no-audio', '--results', results()],
      { MODELS_DIR, LOG_LEVEL: 'warn' },
      300_000,
    );
    stderr = r.stderr;
    expect(r.code, r.stderr).toBe(0);
    report = JSON.parse(r.stdout);
  }, 320_000);

  it('prints one JSON object with every figure of the contract', () => {
    for (const key of ['endToEnd', 'cacheHit'] as const) {
      expect(report[key].p50).toBeGreaterThan(0);
      expect(report[key].p95).toBeGreaterThanOrEqual(report[key].p50);
      expect(report[key].n).toBe(30);
    }
    expect(Object.keys(report.stages).sort()).toEqual(['clapTextEmbed', 'rerank', 'search', 'textEmbed']);
    for (const s of Object.values(report.stages)) {
      expect(s.n).toBe(30);
      expect(s.p99).toBeGreaterThanOrEqual(s.p50);
    }
    expect(report.throughput.map((t) => t.concurrency)).toEqual([1, 4]);
    for (const t of report.throughput) {
      expect(t.queries).toBe(24);
      expect(t.queriesPerSec).toBeGreaterThan(0);
      expect(t.eventLoopLag.samples).toBeGreaterThan(0);
    }
    expect(report.eventLoopLagP99Ms).toBe(report.throughput[1]!.eventLoopLag.p99Ms);
    expect(report.peakRssMb).toBeGreaterThan(50);
    expect(report.coldStartMs).toBeGreaterThan(0);
    expect(report.coldStart.indexMs).toBeGreaterThan(0);
  });

  it('builds the bench index from the catalog through the real path and reports its throughput', () => {
    expect(report.index).toMatchObject({ tracks: TRACKS, factory: 'Flat', mode: 'two-stage' });
    expect(report.build.tracks).toBe(TRACKS);
    expect(report.build.captionsPerSec).toBeGreaterThan(0);
    expect(report.models).toMatchObject({ label: 'tiny', sbertId: 'cratedigger/tiny-sbert', clapId: 'cratedigger/tiny-clap' });
  });

  it('measures FAISS scaling against exact search', () => {
    const kinds = report.faiss.map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['flat', 'hnsw']));
    for (const e of report.faiss) {
      expect(e.size).toBe(3000);
      expect(e.p50Ms).toBeGreaterThan(0);
      expect(e.memoryMb).toBeGreaterThan(0);
      expect(e.recallAt300).toBeGreaterThan(0);
      expect(e.recallAt300).toBeLessThanOrEqual(1);
    }
    expect(report.faiss.find((e) => e.kind === 'flat')?.recallAt300).toBe(1);
  });

  it('measures the lexical stage by size and against the libraries it was chosen over', () => {
    expect(report.lexical!.scaling.map((e) => e.size)).toEqual([1000, 2000]);
    for (const e of report.lexical!.scaling) {
      expect(e.postings).toBeGreaterThan(e.size); // several terms per document
      expect(e.p50Ms).toBeGreaterThan(0);
      expect(e.p95Ms).toBeGreaterThanOrEqual(e.p50Ms);
      expect(e.memoryMb).toBeGreaterThanOrEqual(0);
    }
    expect(report.lexical!.scaling[1]!.postings).toBeGreaterThan(report.lexical!.scaling[0]!.postings);
    expect(report.lexical!.libraries.map((e) => e.library)).toEqual([
      expect.stringMatching(/^cratedigger/),
      expect.stringMatching(/^minisearch/),
      expect.stringMatching(/^wink-bm25/),
    ]);
    expect(report.index.firstStage).toMatch(/^hybrid/);
  });

  it('measures track search on the real tracks and on synthetic named ones', () => {
    expect(report.trackSearch.map((e) => [e.size, e.kind])).toEqual([
      [400, 'real'],
      [1000, 'synthetic'],
    ]);
    for (const e of report.trackSearch) {
      expect(e.queries).toBeGreaterThanOrEqual(500);
      expect(e.p50Ms).toBeGreaterThan(0);
      expect(e.p95Ms).toBeGreaterThanOrEqual(e.p50Ms);
      expect(e.buildMs).toBeGreaterThanOrEqual(0);
      expect(e.foundShare).toBeGreaterThan(0.2);
    }
    expect(report.trackSearch[0]!.nameTerms).toBe(0); // MTG-Jamendo tracks have no titles
    expect(report.trackSearch[1]!.nameTerms).toBeGreaterThan(100);
  });

  it('times similar() on the bench index and its audio side by size, IVF past Flat\'s range with recall against Flat', () => {
    expect(report.similar.index).toMatchObject({ tracks: 400, basis: 'audio+text', audioFactory: 'Flat', k: 25, pageSize: 5 });
    expect(report.similar.index.queries).toBeGreaterThan(100);
    expect(report.similar.index.p95Ms).toBeGreaterThanOrEqual(report.similar.index.p50Ms);
    expect(report.similar.scaling.map((e) => [e.tracks, e.factory])).toEqual([
      [2000, 'Flat'],
      [60000, 'Flat'],
      [60000, 'IVF1024,Flat'],
    ]);
    for (const e of report.similar.scaling) {
      expect(e.p50Ms).toBeGreaterThan(0);
      // At least the vectors themselves (the figure is rounded to 1/1000 MB).
      expect(e.indexMb).toBeGreaterThanOrEqual((e.tracks * 512 * 4) / 2 ** 20 - 0.001);
    }
    // Flat is the reference; IVF finds most of its neighbours.
    expect(report.similar.scaling.filter((e) => e.factory === 'Flat').every((e) => e.recall === 1)).toBe(true);
    expect(report.similar.scaling[2]!.recall).toBeGreaterThan(0.5);
  });

  it('runs the track search section alone into its own results section', async () => {
    const file = path.join(root.path, 'TRACK-SEARCH.md');
    const r = await runCli(['bench', '--track-search-only', '--track-search-sizes', '300', '--json', '--jamendo', path.join(root.path, 'jamendo'), '--results', file], {
      MODELS_DIR,
      LOG_LEVEL: 'warn',
    });
    expect(r.code, r.stderr).toBe(0);
    const alone = JSON.parse(r.stdout);
    expect(alone.trackSearch).toHaveLength(1);
    expect(alone.trackSearch[0]).toMatchObject({ size: 300, kind: 'real' });
    expect(alone).not.toHaveProperty('endToEnd');
    const text = await readFile(file, 'utf8');
    expect(text).toContain('<!-- bench:track-search:start -->');
    expect(text).toMatch(/\| 300 \| real \|/);
  });

  it('runs the similar section alone into its own results section', async () => {
    const file = path.join(root.path, 'SIMILAR.md');
    const r = await runCli(['bench', '--similar-only', '--similar-sizes', '2000', '--json', '--jamendo', path.join(root.path, 'jamendo'), '--results', file], {
      MODELS_DIR,
      LOG_LEVEL: 'warn',
    }, 300_000);
    expect(r.code, r.stderr).toBe(0);
    const alone = JSON.parse(r.stdout);
    expect(alone.similar.index).toMatchObject({ basis: 'audio+text', audioFactory: 'Flat' });
    expect(alone.similar.scaling.map((e: { tracks: number; factory: string }) => [e.tracks, e.factory])).toEqual([[2000, 'Flat']]);
    expect(alone).not.toHaveProperty('endToEnd');
    const text = await readFile(file, 'utf8');
    expect(text).toContain('<!-- bench:similar:start -->');
    expect(text).toMatch(/\| 2,000 \| Flat \|/);
  });

  it('runs the FAISS scaling section alone into its own results section, with the nprobe sweep', async () => {
    const file = path.join(root.path, 'FAISS.md');
    const r = await runCli(['bench', '--faiss-only', '--faiss-sizes', '2000', '--nprobe-sweep', '8', '--json', '--results', file], { LOG_LEVEL: 'warn' }, 300_000);
    expect(r.code, r.stderr).toBe(0);
    const alone = JSON.parse(r.stdout);
    expect(alone).not.toHaveProperty('endToEnd');
    const rows = alone.faiss.map((e: { factory: string; searchParams: { nprobe?: number } }) => [e.factory, e.searchParams.nprobe ?? null]);
    expect(rows).toEqual(expect.arrayContaining([['Flat', null], ['HNSW32', null], ['IVF32,Flat', 32], ['IVF32,Flat', 8], ['IVF32,SQ8', 8]]));
    const text = await readFile(file, 'utf8');
    expect(text).toContain('<!-- bench:faiss:start -->');
    expect(text).toMatch(/\| 2,000 \| IVF32,PQ96x4fs,RFlat \| nprobe 32, kFactor 10 \|/);
  });

  it('writes the run, the machine and the targets to the results file', async () => {
    const text = await readFile(results(), 'utf8');
    expect(text).toContain('<!-- bench:tiny:start -->');
    expect(text).toContain(`Machine: ${report.machine.cpu}, ${report.machine.cores} cores`);
    expect(text).toMatch(/\| end to end, uncached, p50 \| ≤ 25 ms \|/);
    expect(text).toContain('"endToEnd"');
    expect(stderr).toMatch(/bench: results written to /);
  });

  it('says what is wrong for bad options, without a stack trace', async () => {
    const bad = await runCli(['bench', '--models', 'nowhere/at/all', '--no-results'], { MODELS_DIR });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--models nowhere\/at\/all is neither a model set \(tiny, full\) nor an existing folder/);
    const list = await runCli(['bench', '--concurrency', '1,x'], { MODELS_DIR });
    expect(list.code).toBe(2);
    expect(list.stderr).toMatch(/--concurrency must be a whole number/);
    expect(bad.stderr + list.stderr).not.toMatch(/\n\s+at /);
  });
});
