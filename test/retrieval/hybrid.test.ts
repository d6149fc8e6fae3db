import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoCatalog } from '../../src/catalog/demo-catalog.ts';
import type { Track } from '../../src/catalog/track.ts';
import { embedCatalogTexts } from '../../src/indexing/build-index.ts';
import { addLexicalStage } from '../../src/indexing/lexical/add-lexical-stage.ts';
import { buildLexicalStage, type LexicalStage } from '../../src/indexing/lexical/build-lexical-stage.ts';
import { lexicalQuery } from '../../src/retrieval/first-stage.ts';
import { loadIndexFolder } from '../../src/retrieval/artifacts/load-index.ts';
import { writeIndexFolder } from '../../src/retrieval/artifacts/write-index.ts';
import { createEncoderSet, type EncoderSet } from '../../src/retrieval/encoders/encoder-set.ts';
import { dot, type Matrix, row } from '../../src/retrieval/matrix.ts';
import { TagLexicon } from '../../src/retrieval/query/tag-lexicon.ts';
import { understandQuery } from '../../src/retrieval/query/understand.ts';
import type { RecommenderSettings } from '../../src/retrieval/recommender.ts';
import { openRecommender, type RecommenderService } from '../../src/retrieval/recommender-service.ts';
import type { FirstStageScoring } from '../../src/retrieval/scoring.ts';
import { VectorIndex } from '../../src/retrieval/vector-index.ts';
import { GENERATED_SBERT_ID } from '../../src/models/generated-ids.ts';
import { ensureGeneratedModels, runtime, sbertOptions, useModelsIn } from '../helpers/models.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';

const root = await fileTempDir('hybrid');
const tracks: Track[] = generateDemoCatalog({ tracks: 400, seed: 11 });
const POOL = 40;
let local: EncoderSet;
let textEmb: Matrix;
let lexical: LexicalStage;
const services: RecommenderService[] = [];

async function writeIndex(dir: string, withLexical: boolean): Promise<void> {
  await writeIndexFolder(dir, {
    name: path.basename(dir),
    catalog: { source: 'demo', sha256: 'd'.repeat(64) },
    tracks,
    models: { text: { id: GENERATED_SBERT_ID, dim: 384, dtype: 'q8' }, clap: null },
    textEmbeddings: textEmb,
    textIndex: VectorIndex.build(textEmb),
    audio: null,
    builtBy: 'test',
    lexical: withLexical ? lexical : null,
  });
}

async function open(dir: string, firstStage: Partial<FirstStageScoring>): Promise<RecommenderService> {
  const settings: RecommenderSettings = { candidates: POOL, textWeight: 0, maxPromptChars: 500, firstStage };
  const service = await openRecommender({ indexDir: dir, runtime, settings });
  services.push(service);
  return service;
}

beforeAll(async () => {
  await ensureGeneratedModels();
  useModelsIn();
  local = await createEncoderSet({ text: sbertOptions, clap: null });
  textEmb = await embedCatalogTexts(local.text, tracks, { silent: true });
  lexical = buildLexicalStage(tracks, { synonyms: [] });
  await writeIndex(path.join(root, 'hybrid'), true);
  await writeIndex(path.join(root, 'old'), false);
});

afterAll(async () => {
  await Promise.all(services.map((s) => s.close()));
  await local?.dispose();
});

const carries = (t: Track, tag: { category: 'mood' | 'genre' | 'instrument'; tag: string }) => t.tags[tag.category].includes(tag.tag);

/**
 * The hybrid first stage computed by hand over every track: exact cosines, the lexical scores of
 * the whole collection, the union of both top-N lists, convex fusion of the normalised scores,
 * plus the boost for the named tags the track carries.
 */
async function reference(prompt: string, s: FirstStageScoring) {
  const u = s.understanding ? understandQuery(prompt, new TagLexicon(lexical.lexicon)) : null;
  const text = u?.searchText ?? prompt;
  const q = row(await local.text.embed([text]), 0);
  const excluded = (u?.concepts ?? []).filter((c) => c.negated).flatMap((c) => c.tags);
  const wanted = (u?.concepts ?? []).filter((c) => !c.negated);
  const ok = (i: number) => !excluded.some((t) => carries(tracks[i]!, t));
  const cos = tracks.map((_, i) => dot(q, row(textEmb, i)));
  const lex = lexical.index.search(lexicalQuery(text, u, s.tagTermWeight), 0, undefined, tracks.map((_, i) => i)).also;
  const rows = tracks.map((_, i) => i).filter(ok);
  const denseTop = [...rows].sort((a, b) => cos[b]! - cos[a]!).slice(0, POOL);
  const lexTop = rows.filter((i) => lex[i]! > 0).sort((a, b) => lex[b]! - lex[a]! || a - b).slice(0, POOL);
  const union = [...new Set([...denseTop, ...lexTop])];
  const lo = Math.min(...union.map((i) => cos[i]!));
  const hi = Math.max(...union.map((i) => cos[i]!));
  const lexMax = Math.max(...lex);
  const total = wanted.reduce((n, c) => n + c.confidence, 0);
  const rrf = (i: number) => {
    const dr = denseTop.indexOf(i) + 1;
    const lr = lexTop.indexOf(i) + 1;
    return ((dr ? 1 / (s.rrfK + dr) : 0) + (lr ? 1 / (s.rrfK + lr) : 0)) / (2 / (s.rrfK + 1));
  };
  return union
    .map((i) => {
      const fused = s.fusion === 'rrf' ? rrf(i) : s.lexicalWeight * (lex[i]! / lexMax) + (1 - s.lexicalWeight) * ((cos[i]! - lo) / (hi - lo));
      const got = wanted.filter((c) => c.tags.some((t) => carries(tracks[i]!, t))).reduce((n, c) => n + c.confidence, 0);
      return { id: tracks[i]!.id, score: fused + (total ? (s.tagBoost * got) / total : 0) };
    })
    .sort((a, b) => b.score - a.score)
    .slice(0, POOL);
}

const HYBRID: FirstStageScoring = { kind: 'hybrid', understanding: true, fusion: 'convex', lexicalWeight: 0.3, rrfK: 60, tagTermWeight: 2, tagBoost: 0.5 };

describe('hybrid first stage', () => {
  it('ranks as a brute-force reference of dense + lexical fusion with the tag boost', async () => {
    const service = await open(path.join(root, 'hybrid'), HYBRID);
    for (const prompt of ['calm piano for a rainy evening', 'energetic rock with drums', 'dark ambient soundscape without strings']) {
      const res = await service.recommend({ prompt, k: POOL });
      const ref = await reference(prompt, HYBRID);
      expect(res.results.map((r) => r.trackId)).toEqual(ref.map((r) => r.id));
      res.results.forEach((r, i) => expect(r.score).toBeCloseTo(ref[i]!.score, 4));
      expect(res.firstStage).toBe('hybrid (convex, lexical 0.3) + tags (boost 0.5)');
    }
  });

  it('says which named tags each result carries, and excludes the ruled-out ones', async () => {
    const service = await open(path.join(root, 'hybrid'), HYBRID);
    const res = await service.recommend({ prompt: 'calm piano, no strings', k: 20 });
    expect(res.understood).toEqual({
      tags: [{ category: 'mood', tag: 'calm' }, { category: 'instrument', tag: 'piano' }],
      excluded: [{ category: 'instrument', tag: 'strings' }],
      searchText: 'calm piano',
    });
    for (const r of res.results) {
      expect(r.track.tags.instrument).not.toContain('strings');
      expect(r.matchedTags).toEqual(['calm', 'piano'].filter((t) => [...r.track.tags.mood, ...r.track.tags.instrument].includes(t)));
      expect(r.denseScore).toEqual(expect.any(Number));
      expect(r.lexicalScore).toEqual(expect.any(Number));
    }
    // The tracks carrying both named tags come first.
    const both = tracks.filter((t) => t.tags.mood.includes('calm') && t.tags.instrument.includes('piano') && !t.tags.instrument.includes('strings')).length;
    expect(res.results.slice(0, Math.min(20, both)).every((r) => r.matchedTags.length === 2)).toBe(true);
  });

  it('fuses by reciprocal rank when asked, as the reference does', async () => {
    const rrf: FirstStageScoring = { ...HYBRID, fusion: 'rrf', understanding: false, tagBoost: 0 };
    const service = await open(path.join(root, 'hybrid'), rrf);
    const res = await service.recommend({ prompt: 'happy acoustic guitar', k: POOL });
    expect(res.firstStage).toBe('hybrid (RRF k=60)');
    const ref = await reference('happy acoustic guitar', rrf);
    res.results.forEach((r, i) => expect(r.score).toBeCloseTo(ref[i]!.score, 6));
    expect(res.results.every((r) => r.score > 0 && r.score <= 1)).toBe(true);
  });

  it('lexical alone ranks by BM25F; filters hold and the pool widens for them', async () => {
    const service = await open(path.join(root, 'hybrid'), { kind: 'lexical', understanding: false });
    const res = await service.recommend({ prompt: 'piano', k: 10 });
    expect(res.results.every((r) => r.denseScore === null && r.lexicalScore! > 0)).toBe(true);
    expect(res.results.map((r) => r.lexicalScore)).toEqual([...res.results.map((r) => r.lexicalScore)].sort((a, b) => b! - a!));
    const rock = tracks.filter((t) => t.tags.genre.includes('rock')).length;
    const filtered = await (await open(path.join(root, 'hybrid'), HYBRID)).recommend({ prompt: 'calm piano', k: 10, accept: (t) => t.tags.genre.includes('rock') });
    expect(filtered.results.length).toBe(Math.min(10, rock));
    expect(filtered.results.every((r) => r.track.tags.genre.includes('rock'))).toBe(true);
  });
});

describe('indexes without a lexical stage', () => {
  it('still load and serve dense only, and say so', async () => {
    const service = await open(path.join(root, 'old'), HYBRID);
    expect(service.status().firstStage).toMatch(/^dense only \(this index has no lexical stage: add it with `npm run index -- --add-lexical/);
    const res = await service.recommend({ prompt: 'calm piano, no strings', k: 5 });
    expect(res.firstStage).toBe('dense');
    expect(res.understood.tags).toEqual([]);
    expect(res.results.every((r) => r.lexicalScore === null && r.matchedTags.length === 0)).toBe(true);
  });

  it('get one added in place: embeddings untouched, a new content version, the hybrid serving', async () => {
    const dir = path.join(root, 'upgraded');
    await writeIndex(dir, false);
    const before = await loadIndexFolder(dir);
    const textBytes = await readFile(path.join(dir, 'text_embeddings.npy'));
    const manifest = await addLexicalStage(dir, {});
    expect(manifest.version).not.toBe(before.manifest.version);
    expect(manifest.lexical).toMatchObject({ docs: tracks.length, fieldWeights: { caption: 1, keywords: 1.5, tags: 2 } });
    expect(manifest.scoring?.firstStage).toMatchObject({ kind: 'hybrid', understanding: true });
    expect(await readFile(path.join(dir, 'text_embeddings.npy'))).toEqual(textBytes);
    const service = await open(dir, {});
    expect(service.status().firstStage).toMatch(/^hybrid/);
  });
});

describe('lexical files on load', () => {
  async function broken(name: string, edit: (dir: string) => Promise<void>): Promise<string> {
    const dir = path.join(root, name);
    await writeIndex(dir, true);
    await edit(dir);
    return dir;
  }

  it.each([
    ['truncated lexical.bin', async (dir: string) => writeFile(path.join(dir, 'lexical.bin'), (await readFile(path.join(dir, 'lexical.bin'))).subarray(0, -100)), /lexical\.bin: \d+ bytes, expected \d+ from its header/],
    ['lexical.bin cut inside its header', async (dir: string) => writeFile(path.join(dir, 'lexical.bin'), (await readFile(path.join(dir, 'lexical.bin'))).subarray(0, 40)), /lexical\.bin: truncated header/],
    ['missing tag lexicon', async (dir: string) => rm(path.join(dir, 'tag_lexicon.json')), /tag_lexicon\.json: missing file/],
    ['tag lexicon not a lexicon', async (dir: string) => writeFile(path.join(dir, 'tag_lexicon.json'), '{"format":"x"}'), /tag_lexicon\.json: not a tag lexicon/],
    [
      'manifest disagrees with the postings',
      async (dir: string) => {
        const file = path.join(dir, 'manifest.json');
        const m = JSON.parse(await readFile(file, 'utf8'));
        m.lexical.postings += 1;
        await writeFile(file, JSON.stringify(m));
      },
      /lexical\.bin: \d+ postings, the manifest says \d+/,
    ],
  ])('%s: refused, naming the file and the problem', async (name, edit, message) => {
    const dir = await broken(name.replace(/\W+/g, '-'), edit);
    await expect(loadIndexFolder(dir)).rejects.toThrow(message);
  });
});
