/**
 * Over Discord, indexes are named, never given by path: /reload refuses separators, `..`,
 * absolute paths and names that lead outside EMBEDDINGS_DIR (symlinks included), and its replies
 * name files relative to EMBEDDINGS_DIR. An index's recorded audio folder and model ids are
 * checked when it loads. No reply carries a host path.
 */
import { cp, mkdir, readFile, realpath, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INDEX_FILES } from '../../src/retrieval/artifacts/manifest.ts';
import { DiscordEmulator } from '../discord-emulator/index.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { botEnv, buildTestIndex, catalogTracks, registerCommands, startTestBot, type TestBot } from './helpers/fixtures.ts';

let tmp: { dir: string; cleanup: () => Promise<void> };
let realTmp: string;
let emu: DiscordEmulator;
let t: TestBot;
let embeddings: string;

/** Rewrites one field of an index's manifest, as a hand-edited or foreign index would have it. */
async function editManifest(dir: string, edit: (m: Record<string, unknown>) => void): Promise<void> {
  const file = path.join(dir, INDEX_FILES.manifest);
  const m = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  edit(m);
  await writeFile(file, JSON.stringify(m));
}

beforeAll(async () => {
  tmp = await tempDir('bot-index-names');
  realTmp = await realpath(tmp.dir);
  embeddings = path.join(tmp.dir, 'embeddings');
  const main = path.join(embeddings, 'main');
  await buildTestIndex(main, { name: 'main', tracks: catalogTracks(8) });
  await cp(main, path.join(embeddings, 'other'), { recursive: true });
  // Outside EMBEDDINGS_DIR, reachable only through a symlink inside it.
  await cp(main, path.join(tmp.dir, 'elsewhere', 'escaped'), { recursive: true });
  await symlink(path.join(tmp.dir, 'elsewhere', 'escaped'), path.join(embeddings, 'escape'));
  await symlink(path.join(embeddings, 'other'), path.join(embeddings, 'other-link'));
  // An index that claims the whole disk as its audio folder, and one whose model id climbs out of MODELS_DIR.
  await cp(main, path.join(embeddings, 'wholedisk'), { recursive: true });
  await editManifest(path.join(embeddings, 'wholedisk'), (m) => (m.audioRoot = path.relative(path.join(embeddings, 'wholedisk'), '/')));
  await cp(main, path.join(embeddings, 'climber'), { recursive: true });
  await editManifest(path.join(embeddings, 'climber'), (m) => ((m.models as { text: { id: string } }).text.id = '../../etc'));
  await mkdir(path.join(embeddings, 'empty'));

  emu = await DiscordEmulator.start({ heartbeatIntervalMs: 300 });
  t = await startTestBot(botEnv(emu, { EMBEDDINGS_DIR: embeddings, INDEX_NAME: 'main', PREVIEW_CACHE_DIR: path.join(tmp.dir, 'previews') }));
  registerCommands(emu, t.config.retrieval);
});

afterAll(async () => {
  await t?.bot.stop();
  await emu?.close();
  await tmp?.cleanup();
});

/** /reload as the application's owner; the private reply's text. */
async function reload(index: string): Promise<string> {
  const ix = await emu.sendCommand({ name: 'reload', options: { index }, user: emu.users.owner });
  const done = await ix.waitForOriginal(undefined, { timeoutMs: 20_000 });
  expect(done.ephemeral).toBe(true);
  return done.data.content;
}

/** The real folder being served. */
const serving = () => realpath(t.bot.ctx.recommender.status().dir);

/** No folder of this machine in the text: neither the temp folder (as given or real) nor any absolute path. */
function expectNoHostPath(text: string): void {
  expect(text).not.toContain(tmp.dir);
  expect(text).not.toContain(realTmp);
  expect(text).not.toMatch(/(^|[\s("'])\/[\w.-]+\//);
}

describe('/reload index names', () => {
  it.each([
    ['..', '".." is not an index name.'],
    ['../elsewhere/escaped', '"../elsewhere/escaped" is not an index name.'],
    ['main/..', '"main/.." is not an index name.'],
    ['/etc', '"/etc" is not an index name.'],
    ['.hidden', '".hidden" is not an index name.'],
  ])('refuses %j, saying what a name is', async (name, problem) => {
    const text = await reload(name);
    expect(text).toBe(`⚠️ ${problem} Give a folder name in EMBEDDINGS_DIR: letters, digits, dot, dash, underscore, not starting with a dot (autocomplete lists them).`);
    expectNoHostPath(text);
    expect(await serving()).toBe(path.join(realTmp, 'embeddings', 'main'));
  });

  it('refuses a name whose symlink leads outside EMBEDDINGS_DIR', async () => {
    const text = await reload('escape');
    expect(text).toBe('⚠️ Index "escape" leads outside EMBEDDINGS_DIR (a link to another folder). Only folders inside EMBEDDINGS_DIR can be served.');
    expectNoHostPath(text);
  });

  it('accepts a symlink to a folder inside EMBEDDINGS_DIR', async () => {
    expect(await reload('other-link')).toMatch(/^✅ Now serving \*\*main\*\* /);
    expect(await serving()).toBe(path.join(realTmp, 'embeddings', 'other'));
    expect(await reload('main')).toMatch(/^✅ Now serving/);
  });

  it('names the missing files of a folder relative to EMBEDDINGS_DIR', async () => {
    const text = await reload('empty');
    expect(text).toMatch(/^⚠️ Reload failed; still serving \*\*main\*\*\. empty\/manifest\.json: missing file /);
    expectNoHostPath(text);
  });

  it('suggests the index names (with a manifest, inside EMBEDDINGS_DIR) that match what is typed', async () => {
    const choices = async (value: string) => {
      const ix = await emu.sendAutocomplete({ name: 'reload', option: 'index', value, user: emu.users.owner });
      return ((await ix.waitForResponse()).data as { choices: { name: string; value: string }[] }).choices.map((c) => c.value);
    };
    expect(await choices('')).toEqual(['climber', 'main', 'other', 'other-link', 'wholedisk']);
    expect(await choices('OTH')).toEqual(['other', 'other-link']);
  });
});

describe('what an index may record', () => {
  it('refuses an audio folder outside the folder that holds EMBEDDINGS_DIR (here: the whole disk)', async () => {
    const text = await reload('wholedisk');
    expect(text).toContain('⚠️ Reload failed; still serving **main**. wholedisk/manifest.json: its audio folder (');
    expect(text).toContain('is outside the folder that holds EMBEDDINGS_DIR');
    expect(text).toContain('Set AUDIO_ROOT to the folder with this index\'s audio files');
    expectNoHostPath(text);
    expect(await serving()).toBe(path.join(realTmp, 'embeddings', 'main'));
  });

  it('refuses a model id that would become a folder outside MODELS_DIR', async () => {
    const text = await reload('climber');
    expect(text).toContain('climber/manifest.json: not a cratedigger index manifest (models.text.id: must be a model id like owner/name');
    expectNoHostPath(text);
  });
});
