import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultFactoryFor, FLAT_MAX_ROWS, VectorIndex } from '../../src/retrieval/vector-index.ts';
import { REPO_ROOT } from '../helpers/paths.ts';
import { runCli } from '../helpers/run-cli.ts';
import { clusteredVectors } from '../helpers/synthetic.ts';

describe('default index type by catalog size', () => {
  it('is exact (Flat) up to FLAT_MAX_ROWS tracks, the full MTG-Jamendo catalog included, and HNSW32 above', () => {
    expect(defaultFactoryFor(1)).toBe('Flat');
    expect(defaultFactoryFor(18_486)).toBe('Flat');
    expect(defaultFactoryFor(FLAT_MAX_ROWS)).toBe('Flat');
    expect(defaultFactoryFor(FLAT_MAX_ROWS + 1)).toBe('HNSW32');
    expect(defaultFactoryFor(100 * FLAT_MAX_ROWS)).toBe('HNSW32');
  });

  it('is the threshold `npm run index -- --help` and the README tell people', async () => {
    const threshold = FLAT_MAX_ROWS.toLocaleString('en-US');
    const help = await runCli(['index', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(`Flat (exact) up to ${threshold} tracks, HNSW32 above`);
    const readme = await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(`Flat up to ${threshold} tracks, HNSW32 above`);
    expect(readme).toContain(`**Flat up to ${threshold} tracks**`);
  });

  it('serializes to the same bytes every time, with the stored search parameters', () => {
    const index = VectorIndex.build(clusteredVectors(5_000, 64, 3), 'HNSW32');
    const bytes = index.toBytes();
    expect(index.toBytes().equals(bytes)).toBe(true);
    expect(VectorIndex.fromBuffer(bytes, 'HNSW32').size).toBe(5_000);
    expect(index.searchParams).toEqual({ efSearch: 768 });
  });
});
