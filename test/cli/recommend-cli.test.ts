import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeCatalog } from '../../src/catalog/catalog-file.ts';
import { generateDemoCatalog } from '../../src/catalog/demo-catalog.ts';
import { ensureGeneratedModels } from '../helpers/models.ts';
import { MODELS_DIR } from '../helpers/paths.ts';
import { runCli } from '../helpers/run-cli.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';

const root = await fileTempDir('cli');
const env = { MODELS_DIR, EMBEDDINGS_DIR: root, SBERT_MODEL: 'cratedigger/tiny-sbert' };
const indexDir = path.join(root, 'small');
const tracks = generateDemoCatalog({ tracks: 120, seed: 9 });
// The commonest genre of this catalog, and a typo of it.
const genreCounts = new Map<string, number>();
for (const t of tracks) for (const g of t.tags.genre) genreCounts.set(g, (genreCounts.get(g) ?? 0) + 1);
const genre = [...genreCounts].sort((a, b) => b[1] - a[1])[0]![0];
const typo = `${genre[1]}${genre[0]}${genre.slice(2)}`;

beforeAll(async () => {
  await ensureGeneratedModels();
  const catalog = path.join(root, 'small.csv');
  await writeCatalog(catalog, tracks);
  const built = await runCli(['index', '--catalog', catalog, '--out', indexDir], env);
  expect(built.stderr).toMatch(/text .* 120\/120 tracks \| [\d.]+\/s \| ETA/); // the progress bar
  expect(built.code).toBe(0);
  expect(built.stdout).toMatch(/Wrote .*small: 120 tracks, Flat, text-only, lexical stage with tag lexicon \(\d+ tags, .*\), version [0-9a-f]{12}/);
});

describe('npm run recommend', () => {
  it('--json prints exactly one JSON object with results, timings and index', async () => {
    const r = await runCli(['recommend', 'calm piano for a rainy day', '--index', indexDir, '--k', '3', '--json'], env);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['query', 'mode', 'firstStage', 'understood', 'candidates', 'results', 'timings', 'index']);
    expect(out.firstStage).toMatch(/^hybrid \(convex, lexical [\d.]+\) \+ tags/);
    // "calm" and "piano" are tags of the demo catalog: recognised, and listed on the tracks that carry them.
    expect(out.understood.tags).toEqual(expect.arrayContaining([{ category: 'mood', tag: 'calm' }, { category: 'instrument', tag: 'piano' }]));
    for (const r of out.results) {
      const carried = [...r.tags.mood, ...r.tags.instrument].filter((t: string) => t === 'calm' || t === 'piano');
      expect([...r.matchedTags].sort()).toEqual(carried.sort());
    }
    expect(out).toMatchObject({ query: 'calm piano for a rainy day', mode: 'text-only', index: { name: 'small', tracks: 120 } });
    expect(out.results).toHaveLength(3);
    expect(out.results[0]).toMatchObject({ rank: 1, trackId: expect.stringMatching(/^demo_/), audioScore: null, textRank: 1 });
    expect(out.results[0].title).toEqual(expect.any(String));
    expect(Object.keys(out.timings)).toEqual(['textEmbedMs', 'searchMs', 'clapTextMs', 'rerankMs', 'totalMs']);
  });

  it('prints a readable table by default and applies filters', async () => {
    const r = await runCli(['recommend', 'happy', 'guitar', '--index', 'small', '--k', '2', '--genre', genre], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^"happy guitar" — text-only, small \(120 tracks\)/);
    expect(r.stdout).toMatch(/ 1 {2}[ \d.]{6} [ \d.]{6} {4}– {4}\S/m);
    const json = JSON.parse((await runCli(['recommend', 'happy guitar', '--index', indexDir, '--genre', genre, '--json'], env)).stdout);
    expect(json.results).toHaveLength(5);
    expect(json.results.every((x: { tags: { genre: string[] } }) => x.tags.genre.includes(genre))).toBe(true);
  });

  it.each([
    [['recommend', '   '], /^recommend: The prompt is empty\. Describe the music you want/],
    [['recommend', 'x'.repeat(501)], /^recommend: The prompt is 501 characters long; the limit is 500\./],
    [['recommend', 'calm', '--k', '0'], /^recommend: --k must be a whole number from 1 to 100 \(got "0"\)\./],
    [['recommend', 'calm', '--bogus'], /^recommend: Unknown option '--bogus'/],
    [['recommend', 'calm', '--genre', typo], new RegExp(`^recommend: Unknown genre "${typo}"\\..*${genre}`)],
  ])('exits 2 with one line for bad input: %j', async (args, message) => {
    const r = await runCli([...args, '--index', indexDir], env);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('checks the prompt and filters before any model loads (as the bot does): a bad filter is reported even with no models', async () => {
    const noModels = { ...env, MODELS_DIR: path.join(root, 'no-models') };
    const r = await runCli(['recommend', 'calm', '--index', indexDir, '--genre', typo], noModels);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^recommend: Unknown genre "${typo}"`));
    expect(r.stderr).not.toMatch(/missing config\.json/);
  });

  it('a missing index names the path and the command that builds one', async () => {
    const r = await runCli(['recommend', 'calm', '--index', path.join(root, 'nope')], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/No index folder at .*nope\. Build one with `npm run index -- --catalog/);
  });

  it('an index whose model is missing names the model folder and the command that fetches it', async () => {
    const r = await runCli(['recommend', 'calm', '--index', indexDir], { ...env, MODELS_DIR: path.join(root, 'no-models') });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Model cratedigger\/tiny-sbert is missing config\.json.* in .*no-models\/cratedigger\/tiny-sbert\. Run `npm run models:generate`/);
  });

  it('index build: a missing catalog and a real model not downloaded are user errors', async () => {
    const r1 = await runCli(['index', '--catalog', path.join(root, 'none.csv')], env);
    expect([r1.code, r1.stderr]).toEqual([2, expect.stringMatching(/^index: Catalog file not found: .*none\.csv\./)]);
    const r2 = await runCli(['index', '--catalog', path.join(root, 'small.csv'), '--out', path.join(root, 'real')], { ...env, SBERT_MODEL: '' });
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/Model Xenova\/all-MiniLM-L6-v2 is missing .*`npm run models:download -- --model Xenova\/all-MiniLM-L6-v2 --dtype q8`/);
  });
});

describe('npm run similar', () => {
  const seed = tracks[17]!;

  it('--json prints recommend\'s shape plus the seed; the seed is never among its neighbours', async () => {
    const r = await runCli(['similar', seed.id, '--index', indexDir, '--k', '4', '--json'], env);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['query', 'mode', 'firstStage', 'understood', 'basis', 'note', 'seed', 'candidates', 'results', 'timings', 'index']);
    expect(out.seed).toMatchObject({ trackId: seed.id, title: seed.title, artist: seed.artist, tags: seed.tags });
    // This index has no audio: neighbours by text, and it says so.
    expect(out).toMatchObject({ mode: 'text-only', basis: 'text', index: { name: 'small', tracks: 120 } });
    expect(out.note).toMatch(/no audio embeddings/);
    expect(out.results).toHaveLength(4);
    expect(out.results.map((x: { trackId: string }) => x.trackId)).not.toContain(seed.id);
    for (const x of out.results) {
      const own = [...x.tags.mood, ...x.tags.genre, ...x.tags.instrument];
      expect(x.matchedTags.every((t: string) => own.includes(t))).toBe(true);
    }
    const scores = out.results.map((x: { score: number }) => x.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('finds the seed from title words, prints a table and applies filters', async () => {
    const r = await runCli(['similar', ...seed.title!.split(' '), '--index', 'small', '--k', '3', '--genre', genre], env);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith(`More like "${seed.title} — ${seed.artist}" (${seed.id})`)).toBe(true);
    const json = JSON.parse((await runCli(['similar', seed.id, '--index', indexDir, '--genre', genre, '--json'], env)).stdout);
    expect(json.results.length).toBeGreaterThan(0);
    expect(json.results.every((x: { tags: { genre: string[] } }) => x.tags.genre.includes(genre))).toBe(true);
  });

  it.each([
    [['similar'], /^similar: Which track\?/],
    [['similar', 'qqqzzz xxyyzz'], /^similar: .*qqqzzz xxyyzz/],
    [['similar', seed.id, '--genre', typo], new RegExp(`^similar: Unknown genre "${typo}"`)],
  ])('exits 2 with one line for bad input, before any model loads: %j', async (args, message) => {
    const r = await runCli([...args, '--index', indexDir], { ...env, MODELS_DIR: path.join(root, 'no-models') });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});

describe('npm run eval:similar', () => {
  it('neighbours share the seed\'s style far more often than random tracks (no model loads)', async () => {
    const r = await runCli(['similar-eval', '--index', indexDir, '--seeds', '60', '--json'], { ...env, MODELS_DIR: path.join(root, 'no-models') });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ index: 'small', tracks: 120, mode: 'text-only' });
    const [text, random] = out.rows;
    expect([text.audioWeight, random.audioWeight]).toEqual([0, null]);
    expect(text.genreShare).toBeGreaterThan(2 * random.genreShare);
    expect(text.tagJaccard).toBeGreaterThan(2 * random.tagJaccard);
  });
});
