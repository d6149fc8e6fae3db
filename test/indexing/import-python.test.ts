import { copyFile, mkdir, rm, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeCatalog } from '../../src/catalog/catalog-file.ts';
import { importPythonArtifacts, type ImportPythonOptions } from '../../src/indexing/import-python.ts';
import { loadIndexFolder } from '../../src/retrieval/artifacts/load-index.ts';
import { norm, row } from '../../src/retrieval/matrix.ts';
import { GENERATED_CLAP_ID, GENERATED_SBERT_ID } from '../../src/models/generated-ids.ts';
import { ensureGeneratedModels } from '../helpers/models.ts';
import { MODELS_DIR } from '../helpers/paths.ts';
import { python, writePrototypeArtifacts } from '../helpers/python.ts';
import { runCli } from '../helpers/run-cli.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';

const root = await fileTempDir('import-python');
const proto = path.join(root, 'proto');
const N = 60;
const unprocessed = [3, 17, 18, 40];
const base = (): ImportPythonOptions => ({
  dir: proto,
  outDir: path.join(root, `out-${Math.random().toString(36).slice(2)}`),
  sbertModel: GENERATED_SBERT_ID,
  clapModel: GENERATED_CLAP_ID,
  modelsDir: MODELS_DIR,
  dtype: 'q8',
});

/** A copy of the prototype folder with one file replaced or damaged. */
async function variant(name: string, change: (dir: string) => Promise<unknown>): Promise<string> {
  const dir = path.join(root, name);
  await mkdir(dir);
  for (const f of ['meta_index.csv', 'sbert_embs.npy', 'sbert_text_index.faiss', 'clap_audio_embs.npy', 'clap_audio_processed.npy']) {
    await copyFile(path.join(proto, f), path.join(dir, f));
  }
  await change(dir);
  return dir;
}

beforeAll(async () => {
  await ensureGeneratedModels();
  await mkdir(proto);
  await writePrototypeArtifacts(proto, { rows: N, unprocessed, seed: 1 });
});

describe('import of the Python prototype artifacts', () => {
  it('reads np.save, faiss.write_index, a headerless memmap and a mask with gaps; re-normalizes', async () => {
    const opts = base();
    const report = await importPythonArtifacts(opts);
    expect(report).toMatchObject({ rows: N, audioEmbedded: N - unprocessed.length, emptyAudioRows: 0, warnings: [] });
    const idx = await loadIndexFolder(opts.outDir);
    expect(idx.mode).toBe('two-stage');
    expect(idx.tracks[0]).toMatchObject({
      id: 'track_0001000',
      caption: 'A calm ambient piece with synths.', // keyword tail split off
      keywords: ['calm', 'ambient'],
      tags: { mood: ['calm'], genre: ['ambient'], instrument: [] },
    });
    expect(idx.tracks[1]!.tags.instrument).toEqual(['guitar']);
    for (let i = 0; i < N; i++) {
      const a = norm(row(idx.audio!.embeddings, i));
      if (unprocessed.includes(i)) expect([idx.audio!.mask[i], a]).toEqual([0, 0]);
      else expect(a).toBeCloseTo(1, 5);
    }
    // Same vectors as numpy's, row for row.
    const first = JSON.parse(await python(`import numpy as np, sys; print(np.load(sys.argv[1])[5].tolist())`, [path.join(proto, 'sbert_embs.npy')]));
    expect(Array.from(row(idx.textEmbeddings, 5)).map((v) => Number(v.toFixed(5)))).toEqual(first.map((v: number) => Number(v.toFixed(5))));
  });

  it('joins credits from a catalog file by track id, and the result answers recommend with them', async () => {
    const credits = path.join(root, 'credits.csv');
    await writeCatalog(credits, [
      { id: 'track_0001000', tags: { mood: [], genre: [], instrument: [] }, caption: '', keywords: [], title: 'Sea "Glass"', artist: 'Ana', license: 'CC BY-NC-SA 3.0', durationSec: 200 },
    ]);
    const out = path.join(root, 'credited');
    const r = await runCli(['import-python', '--dir', proto, '--out', out, '--catalog', credits, '--sbert-model', GENERATED_SBERT_ID, '--clap-model', GENERATED_CLAP_ID], { MODELS_DIR });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/tracks: 60\n {2}audio embeddings: 56 \(4 without/);
    expect(r.stdout).toContain('credits joined: 1 of 60');
    const rec = await runCli(['recommend', 'calm ambient', '--index', out, '--json', '--k', '60', '--mood', 'calm'], { MODELS_DIR });
    expect(rec.code).toBe(0);
    const json = JSON.parse(rec.stdout);
    expect(json.mode).toBe('two-stage');
    expect(json.results).toHaveLength(20); // every calm track: the pool widens to all of them
    expect(json.results.every((x: { tags: { mood: string[] } }) => x.tags.mood.includes('calm'))).toBe(true);
    const credited = json.results.find((x: { trackId: string }) => x.trackId === 'track_0001000');
    expect(credited).toMatchObject({ title: 'Sea "Glass"', artist: 'Ana', license: 'CC BY-NC-SA 3.0', url: 'https://www.jamendo.com/track/1000' });
  });

  it.each([
    ['a memmap that does not divide into the rows', async (d: string) => truncate(path.join(d, 'clap_audio_embs.npy'), N * 512 * 4 - 8), /clap_audio_embs\.npy: raw float32 memmap of 122872 bytes cannot hold 60 equal rows/],
    ['text embeddings of the wrong width for the model', async (d: string) => python('import numpy as np, sys; np.save(sys.argv[1], np.ones((60, 256), "float32"))', [path.join(d, 'sbert_embs.npy')]), /sbert_embs\.npy: 256-dimensional text embeddings, but the configured model cratedigger\/tiny-sbert gives 384\./],
    ['audio embeddings of the wrong width for the model', async (d: string) => writeFile(path.join(d, 'clap_audio_embs.npy'), Buffer.alloc(N * 256 * 4, 1)), /clap_audio_embs\.npy: 256-dimensional audio embeddings, but the configured model cratedigger\/tiny-clap gives 512\./],
    ['a row count that disagrees with meta_index.csv', async (d: string) => python('import numpy as np, sys; x=np.load(sys.argv[1]); np.save(sys.argv[1], x[:50])', [path.join(d, 'sbert_embs.npy')]), /sbert_embs\.npy: 50 rows, meta_index\.csv has 60/],
    ['a faiss index of another size', async (d: string) => python('import faiss, numpy as np, sys; i=faiss.IndexFlatIP(384); i.add(np.ones((10,384),"float32")); faiss.write_index(i, sys.argv[1])', [path.join(d, 'sbert_text_index.faiss')]), /sbert_text_index\.faiss: 10 vectors of 384 dimensions, the embeddings are 60 × 384/],
    ['a mask of the wrong type', async (d: string) => python('import numpy as np, sys; np.save(sys.argv[1], np.ones(60, "float32"))', [path.join(d, 'clap_audio_processed.npy')]), /clap_audio_processed\.npy: expected bool \(60,\), found <f4 \(60\)/],
    ['a missing file', async (d: string) => rm(path.join(d, 'sbert_text_index.faiss')), /sbert_text_index\.faiss: missing file/],
    ['rows out of order in meta_index.csv', async (d: string) => writeFile(path.join(d, 'meta_index.csv'), 'index,TRACK_ID,caption\n1,track_1,x\n0,track_0,y\n'), /meta_index\.csv: line 2: index 1, expected 0/],
  ])('refuses %s, with the reason, writing nothing', async (name, change, message) => {
    const dir = await variant(name.replace(/\W+/g, '-'), change);
    const opts = { ...base(), dir };
    await expect(importPythonArtifacts(opts)).rejects.toThrow(message);
    await expect(loadIndexFolder(opts.outDir)).rejects.toThrow(/No index folder/);
  });

  it('Python faiss and numpy read what we write (index and embeddings), with the same search results', async () => {
    const report = await importPythonArtifacts({ ...base(), outDir: path.join(root, 'for-python') });
    expect(report.rows).toBe(N);
    const dir = path.join(root, 'for-python');
    const out = JSON.parse(
      await python(
        `import faiss, numpy as np, sys, json
d = sys.argv[1]
ix = faiss.read_index(d + '/text.faiss'); x = np.load(d + '/text_embeddings.npy'); a = np.load(d + '/audio_embeddings.npy'); m = np.load(d + '/audio_mask.npy')
D, I = ix.search(x[:3], 5)
print(json.dumps({'ntotal': ix.ntotal, 'd': ix.d, 'metric': int(ix.metric_type), 'shape': list(a.shape), 'mask': int(m.sum()), 'dtype': str(m.dtype), 'I': I.tolist()}))`,
        [dir],
      ),
    );
    expect(out).toMatchObject({ ntotal: N, d: 384, metric: 0, shape: [N, 512], mask: N - unprocessed.length, dtype: 'bool' });
    const idx = await loadIndexFolder(dir);
    expect(out.I).toEqual([0, 1, 2].map((i) => idx.textIndex.search(row(idx.textEmbeddings, i), 5).ids));
  });
});
