import { readdir, readFile, truncate, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadIndexFolder } from '../../src/retrieval/artifacts/load-index.ts';
import { INDEX_FILES } from '../../src/retrieval/artifacts/manifest.ts';
import { encodeNpy, float32Npy } from '../../src/retrieval/artifacts/npy.ts';
import { VectorIndex } from '../../src/retrieval/vector-index.ts';
import { clusteredVectors } from '../helpers/synthetic.ts';
import { writeFixtureIndex } from '../helpers/index-fixture.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';

const root = await fileTempDir('artifacts');

let dir: string;
let counter = 0;
beforeEach(async () => {
  dir = path.join(root, `idx${counter++}`);
  await writeFixtureIndex(dir, { n: 200, maskEvery: 5 });
});

const file = (name: string) => path.join(dir, name);

describe('index folder', () => {
  it('loads what it wrote, with the manifest describing it', async () => {
    const idx = await loadIndexFolder(dir, { text: { id: 'test/text', dim: 32 }, clap: { id: 'test/clap', dim: 16 } });
    expect(idx.mode).toBe('two-stage');
    expect(idx.tracks).toHaveLength(200);
    expect(idx.textIndex.size).toBe(200);
    expect(idx.audio!.mask.reduce((a, b) => a + b, 0)).toBe(160);
    expect(idx.manifest.embeddings.audio).toMatchObject({ rows: 200, dim: 16, embedded: 160 });
    expect(idx.manifest.version).toMatch(/^[0-9a-f]{12}$/);
    expect((await readdir(root)).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('a text-only index has no audio files and says so', async () => {
    const d = path.join(root, 'textonly');
    await writeFixtureIndex(d, { audioDim: null });
    const idx = await loadIndexFolder(d);
    expect(idx.mode).toBe('text-only');
    expect(idx.audio).toBeNull();
  });

  it('names a missing file', async () => {
    await unlink(file(INDEX_FILES.textEmbeddings));
    await expect(loadIndexFolder(dir)).rejects.toThrow(`${file(INDEX_FILES.textEmbeddings)}: missing file`);
  });

  it('names a truncated .npy', async () => {
    await truncate(file(INDEX_FILES.audioEmbeddings), 1000);
    await expect(loadIndexFolder(dir)).rejects.toThrow(
      new RegExp(`${INDEX_FILES.audioEmbeddings}: truncated: header says shape \\(200, 16\\) = 12800 bytes of data, file has \\d+`),
    );
  });

  it('names a wrong dimension', async () => {
    await writeFile(file(INDEX_FILES.textEmbeddings), encodeNpy(float32Npy(200, 24, new Float32Array(200 * 24))));
    await expect(loadIndexFolder(dir)).rejects.toThrow(/text_embeddings\.npy: shape \(200, 24\), expected \(200 tracks, 32 dimensions\)/);
  });

  it('names a count mismatch between parts', async () => {
    const fewer = clusteredVectors(150, 32, 3);
    VectorIndex.build(fewer).write(file(INDEX_FILES.textIndex));
    await expect(loadIndexFolder(dir)).rejects.toThrow(/text\.faiss: 150 vectors, the manifest says 200 tracks/);
  });

  it('names a track list that disagrees with the manifest', async () => {
    const csv = (await readFile(file(INDEX_FILES.tracks), 'utf8')).split('\n');
    await writeFile(file(INDEX_FILES.tracks), csv.slice(0, 101).join('\n'));
    await expect(loadIndexFolder(dir)).rejects.toThrow(/tracks\.csv: 100 tracks, the manifest says 200/);
  });

  it('names a mask that disagrees with the manifest', async () => {
    const m = JSON.parse(await readFile(file(INDEX_FILES.manifest), 'utf8'));
    m.embeddings.audio.embedded = 170;
    await writeFile(file(INDEX_FILES.manifest), JSON.stringify(m));
    await expect(loadIndexFolder(dir)).rejects.toThrow(/audio_mask\.npy: 160 tracks marked embedded, the manifest says 170/);
  });

  it('refuses an index whose models differ from the loaded ones', async () => {
    await expect(loadIndexFolder(dir, { text: { id: 'other/model', dim: 32 } })).rejects.toThrow(/built with text model test\/text, but other\/model is loaded/);
    await expect(loadIndexFolder(dir, { clap: { id: 'test/clap', dim: 512 } })).rejects.toThrow(/clap embeddings have 16 dimensions, but model test\/clap gives 512/);
  });

  it('refuses a manifest that is not JSON or not ours, and a missing folder', async () => {
    await writeFile(file(INDEX_FILES.manifest), '{"format": "something-else"}');
    await expect(loadIndexFolder(dir)).rejects.toThrow(/manifest\.json: not a cratedigger index manifest \(format: /);
    await writeFile(file(INDEX_FILES.manifest), '{nope');
    await expect(loadIndexFolder(dir)).rejects.toThrow(/manifest\.json: not valid JSON/);
    await expect(loadIndexFolder(path.join(root, 'nothing-here'))).rejects.toThrow(/No index folder at .*nothing-here/);
  });

  it('refuses a faiss index with the wrong metric (L2) or rows out of order', async () => {
    const { default: faiss } = await import('faiss-node');
    const idx = await loadIndexFolder(dir);
    const l2 = new faiss.IndexFlatL2(32);
    l2.add(Array.from(idx.textEmbeddings.data));
    l2.write(file(INDEX_FILES.textIndex));
    await expect(loadIndexFolder(dir)).rejects.toThrow(/text\.faiss: does not score stored vectors by inner product/);
  });

  it('replaces an existing folder atomically and leaves no temporary folders', async () => {
    const before = JSON.parse(await readFile(file(INDEX_FILES.manifest), 'utf8'));
    await writeFixtureIndex(dir, { n: 120 });
    const after = await loadIndexFolder(dir);
    expect(after.tracks).toHaveLength(120);
    expect(after.manifest.version).not.toBe(before.version);
    expect((await readdir(root)).filter((f) => /\.(tmp|old)-/.test(f))).toEqual([]);
  });
});
