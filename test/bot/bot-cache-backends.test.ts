/**
 * The real bot with each cache backend: SQLite (results and page state survive a restart),
 * Redis, and Redis dying mid-run (commands still answer, one warning, back when Redis is).
 * AUDIO_ROOT is set here (the index records no audio root).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { APIEmbed } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { combinedText, type Track } from '../../src/catalog/track.ts';
import { DEFAULT_MAX_PROMPT_CHARS } from '../../src/retrieval/prompt.ts';
import { DiscordEmulator, type StoredMessage } from '../discord-emulator/index.ts';
import { mp3, writeTone } from '../helpers/audio-files.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { botEnv, buildTestIndex, catalogTracks, registerCommands, startTestBot, type TestBot } from './helpers/fixtures.ts';
import { RedisServer } from './helpers/redis.ts';

let emu: DiscordEmulator;
let tmp: { dir: string; cleanup: () => Promise<void> };
let tracks: Track[];
let baseEnv: Record<string, string>;
const running: TestBot[] = [];

const embedOf = (m: StoredMessage): APIEmbed => m.data.embeds[0]!;
const footer = (m: StoredMessage | undefined) => (m ? (embedOf(m).footer?.text ?? '') : '');

async function startWith(extra: Record<string, string>): Promise<TestBot> {
  const bot = await startTestBot(botEnv(emu, { ...baseEnv, ...extra }));
  running.push(bot);
  return bot;
}

async function stop(bot: TestBot): Promise<void> {
  await bot.bot.stop();
  running.splice(running.indexOf(bot), 1);
}

async function ask(prompt: string, user = emu.users.alice): Promise<StoredMessage> {
  const ix = await emu.sendCommand({ name: 'recommend', options: { prompt, count: 3 }, user });
  return ix.waitForOriginal(undefined, { timeoutMs: 20_000 });
}

beforeAll(async () => {
  tmp = await tempDir('bot-cache');
  tracks = catalogTracks(12);
  const audioRoot = path.join(tmp.dir, 'audio');
  Object.assign(tracks[0]!, { title: 'Rooted Tone', path: 'x/1.mp3' });
  await writeTone(path.join(audioRoot, 'x/1.mp3'), { seconds: 2, freq: 520, codecArgs: mp3(128) });
  await buildTestIndex(path.join(tmp.dir, 'embeddings', 'main'), { name: 'main', tracks });
  emu = await DiscordEmulator.start({ heartbeatIntervalMs: 200 });
  registerCommands(emu, { maxPromptChars: DEFAULT_MAX_PROMPT_CHARS });
  baseEnv = {
    EMBEDDINGS_DIR: path.join(tmp.dir, 'embeddings'),
    INDEX_NAME: 'main',
    AUDIO_ROOT: audioRoot,
    PREVIEW_CACHE_DIR: path.join(tmp.dir, 'previews'),
    CACHE_TIMEOUT_MS: '200',
  };
});

// One bot at a time on the emulator: a failed test must not leave its bot answering the next one's commands.
afterEach(async () => {
  for (const bot of [...running]) await stop(bot);
});

afterAll(async () => {
  await emu?.close();
  await tmp?.cleanup();
});

describe('SQLite cache', () => {
  it('serves a repeated query from the file, and keeps results and page state across a restart', async () => {
    const url = `sqlite://${path.join(tmp.dir, 'cache', 'bot.sqlite')}`;
    const first = await startWith({ KEYV_URL: url });
    const prompt = combinedText(tracks[0]!);
    const a = await ask(prompt);
    expect(footer(a)).toMatch(/^Page 1\/4 · text-only · index main · \d+ ms · fresh$/);
    // AUDIO_ROOT finds the clip although the index records no audio root.
    expect(embedOf(a).fields![0]!.name).toBe('1. Rooted Tone — Artist A');
    expect(a.attachments).toHaveLength(1);
    expect(a.attachments[0]!.bytes.subarray(0, 3).toString('latin1')).toMatch(/^(ID3|\xff\xfb)/);
    const b = await ask(prompt);
    expect(footer(b)).toMatch(/· from cache$/);
    await stop(first);

    const second = await startWith({ KEYV_URL: url });
    const c = await ask(prompt);
    expect(footer(c)).toMatch(/· from cache$/);
    expect(embedOf(c).fields).toEqual(embedOf(a).fields);
    // Paging a message the previous process made: button, then reaction (a partial message here).
    const press = await emu.clickButton({ messageId: a.id, customId: 'rec:page:next', user: emu.users.alice });
    await press.waitForResponse();
    expect(footer(emu.message(a.id))).toMatch(/^Page 2\/4/);
    await emu.addReaction({ messageId: a.id, emoji: '▶️', user: emu.users.alice });
    await emu.waitFor(() => footer(emu.message(a.id)).startsWith('Page 3/4'), { what: 'page 3 by reaction after a restart' });
    expect(second.logs.find('cache unavailable')).toEqual([]);
    await stop(second);
  });
});

describe('Redis cache', () => {
  let own: RedisServer | undefined;
  afterAll(async () => {
    await own?.stop();
  });

  it('serves a repeated query from Redis', async () => {
    let url = process.env.TEST_REDIS_URL;
    if (!url) {
      own = await RedisServer.start();
      url = own.url;
    }
    const bot = await startWith({ KEYV_URL: url });
    const prompt = `redis ${Date.now()} calm piano`;
    expect(footer(await ask(prompt))).toMatch(/· fresh$/);
    expect(footer(await ask(prompt))).toMatch(/· from cache$/);
    expect(bot.logs.find('cache unavailable')).toEqual([]);
    await stop(bot);
  });
});

describe('Redis dying mid-run', () => {
  let redis: RedisServer;
  afterAll(async () => {
    await redis?.stop();
  });

  it('keeps answering without the cache (one warning), pages still turn, and the cache is used again once Redis is back', async () => {
    redis = await RedisServer.start();
    const bot = await startWith({ KEYV_URL: redis.url });
    expect(footer(await ask('sunny acoustic guitar'))).toMatch(/· fresh$/);
    expect(footer(await ask('sunny acoustic guitar'))).toMatch(/· from cache$/);

    await redis.stop();
    const t0 = Date.now();
    const during = await ask('dark cinematic strings');
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(footer(during)).toMatch(/^Page 1\/4 .*· fresh$/);
    expect(footer(await ask('sunny acoustic guitar'))).toMatch(/· fresh$/);
    expect(footer(await ask('dark cinematic strings'))).toMatch(/· fresh$/);
    // Page state is also kept locally, so paging works while Redis is away.
    await (await emu.clickButton({ messageId: during.id, customId: 'rec:page:next', user: emu.users.alice })).waitForResponse();
    expect(footer(emu.message(during.id))).toMatch(/^Page 2\/4/);
    const warnings = bot.logs.find('cache unavailable', 40);
    expect(warnings).toHaveLength(1);
    expect(bot.logs.find('failed (ref', 50)).toEqual([]);

    await redis.restart();
    await emu.waitFor(() => bot.logs.find('cache reachable again', 30).length === 1, { what: 'the cache to come back', timeoutMs: 10_000 });
    expect(footer(await ask('bright brass fanfare'))).toMatch(/· fresh$/);
    expect(footer(await ask('bright brass fanfare'))).toMatch(/· from cache$/);
    expect(bot.logs.find('cache unavailable', 40)).toHaveLength(1);
    await stop(bot);
  });
});

describe('expired page state', () => {
  it('a page button on expired results removes the buttons and says why, privately', async () => {
    await startWith({ CACHE_TTL_SECONDS: '1' });
    const reply = await ask('short lived results');
    expect(reply.data.components).toHaveLength(2);
    const menuRow = structuredClone(reply.data.components![1]);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const press = await emu.clickButton({ messageId: reply.id, customId: 'rec:page:next', user: emu.users.bob });
    await press.waitForResponse();
    const [note] = await emu.waitFor(() => (press.followups().length ? press.followups() : undefined), { what: 'the expiry note' });
    expect(note!.ephemeral).toBe(true);
    expect(note!.data.content).toBe('These results have expired. Run /recommend again for a fresh list.');
    // The page buttons went; the "More like this" menu (no state needed) stayed.
    expect(emu.message(reply.id)!.data.components).toEqual([menuRow]);
    expect(footer(emu.message(reply.id))).toMatch(/^Page 1\/4/);
  });
});

describe('preview bytes with AUDIO_ROOT', () => {
  it('attach the clip the preview cache holds, byte for byte', async () => {
    const bot = await startWith({});
    const reply = await ask(combinedText(tracks[0]!));
    const cacheDir = path.join(tmp.dir, 'previews');
    const clips = (await readdir(cacheDir)).filter((f) => f.endsWith('.mp3'));
    expect(clips).toHaveLength(1);
    expect(reply.attachments[0]!.bytes.equals(await readFile(path.join(cacheDir, clips[0]!)))).toBe(true);
    await stop(bot);
  });
});
