/**
 * Sharding with the real bot: one process running both shards Discord recommends (DISCORD_SHARD_COUNT=auto),
 * and two `tsx src/main/bot.ts` processes with one shard each (DISCORD_SHARD_COUNT=2, DISCORD_SHARD_IDS=0 / 1) sharing
 * one redis-server: each answers only its own servers, a result cached by one is a hit in the other,
 * and pages turn after the process that made them is stopped and started again.
 */
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PROMPT_CHARS } from '../../src/retrieval/prompt.ts';
import { DiscordEmulator, type StoredMessage } from '../discord-emulator/index.ts';
import { BotProcess, type LogLine } from './helpers/bot-process.ts';
import { MODELS_DIR } from '../helpers/paths.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { botEnv, buildTestIndex, catalogTracks, registerCommands, startTestBot, type TestBot } from './helpers/fixtures.ts';
import { RedisServer } from './helpers/redis.ts';

const retrieval = { maxPromptChars: DEFAULT_MAX_PROMPT_CHARS };
/** Prompts unique to this run: a shared TEST_REDIS_URL may hold results of earlier runs. */
const run = randomBytes(3).toString('hex');

let tmp: { dir: string; cleanup: () => Promise<void> };
let indexEnv: Record<string, string>;

beforeAll(async () => {
  tmp = await tempDir('bot-sharding');
  await buildTestIndex(path.join(tmp.dir, 'embeddings', 'main'), { name: 'main', tracks: catalogTracks(15) });
  indexEnv = { EMBEDDINGS_DIR: path.join(tmp.dir, 'embeddings'), INDEX_NAME: 'main', PREVIEW_CACHE_DIR: path.join(tmp.dir, 'previews') };
});

afterAll(async () => {
  await tmp?.cleanup();
});

const footer = (m: StoredMessage | undefined) => m?.data.embeds[0]?.footer?.text ?? '';

async function ask(emu: DiscordEmulator, guild: string, prompt: string): Promise<StoredMessage> {
  const ix = await emu.sendCommand({ name: 'recommend', options: { prompt, count: 5 }, guild });
  return ix.waitForOriginal(undefined, { timeoutMs: 30_000 });
}

/** The first server on each shard. */
function serverPerShard(emu: DiscordEmulator): [string, string] {
  const on = (shard: number) => emu.guilds.map((g) => g.guild.id).find((id) => emu.shardOf(id) === shard)!;
  return [on(0), on(1)];
}

describe('one process, both shards (DISCORD_SHARD_COUNT=auto, Discord recommends 2)', () => {
  let emu: DiscordEmulator;
  let t: TestBot;

  beforeAll(async () => {
    // max_concurrency 2: discord.js identifies both shards at once instead of 5 s apart.
    emu = await DiscordEmulator.start({ heartbeatIntervalMs: 300, shards: 2, guilds: 4, maxConcurrency: 2 });
    t = await startTestBot(botEnv(emu, indexEnv));
    registerCommands(emu, retrieval, { global: true });
  });

  afterAll(async () => {
    await t?.bot.stop();
    await emu?.close();
  });

  it('opens both shards and answers /recommend and page buttons in servers on either shard', async () => {
    expect(t.logs.find('bot ready')[0]).toMatchObject({ shards: [0, 1], shardCount: 2, guilds: 4 });
    expect(emu.gateway.identifies.map((i) => i.shard)).toEqual(expect.arrayContaining([[0, 2], [1, 2]]));
    for (const guild of serverPerShard(emu)) {
      const reply = await ask(emu, guild, `calm piano ${run} ${guild}`);
      expect(footer(reply)).toMatch(/^Page 1\/3 · .* · fresh$/);
      const click = await emu.clickButton({ messageId: reply.id, customId: 'rec:page:next', user: emu.users.alice });
      await click.waitForResponse({ timeoutMs: 20_000 });
      expect(click.record.shard).toBe(emu.shardOf(guild));
      expect(footer(emu.message(reply.id))).toMatch(/^Page 2\/3/);
    }
    await emu.waitFor(() => t.logs.find('command done').length === 2, { what: 'two "command done" lines', timeoutMs: 20_000 });
    const done = t.logs.find('command done').map((e) => [e.guild, e.shard]);
    expect(done).toEqual(serverPerShard(emu).map((g) => [g, emu.shardOf(g)]));
    expect(t.logs.entries.filter((e) => Number(e.level) >= 50)).toEqual([]);
  });
});

describe('two processes with one shard each, sharing Redis', () => {
  let emu: DiscordEmulator;
  let own: RedisServer | undefined;
  let env: (shard: number) => NodeJS.ProcessEnv;
  const bots: BotProcess[] = [];

  async function startShard(shard: number): Promise<BotProcess> {
    const bot = BotProcess.start(env(shard));
    bots[shard] = bot;
    await bot.waitForLog('bot ready', 120_000);
    return bot;
  }

  const isCommandDone = (l: LogLine) => l.msg === 'command done';

  beforeAll(async () => {
    let redisUrl = process.env.TEST_REDIS_URL;
    if (!redisUrl) {
      own = await RedisServer.start();
      redisUrl = own.url;
    }
    emu = await DiscordEmulator.start({ heartbeatIntervalMs: 300, shards: 2, guilds: 4 });
    registerCommands(emu, retrieval, { global: true });
    env = (shard) => ({
      ...botEnv(emu, { ...indexEnv, MODELS_DIR }),
      KEYV_URL: redisUrl!,
      DISCORD_SHARD_COUNT: '2',
      DISCORD_SHARD_IDS: String(shard),
    });
    await Promise.all([startShard(0), startShard(1)]);
  });

  afterAll(async () => {
    await Promise.all(bots.map((b) => b?.stop()));
    await emu?.close();
    await own?.stop();
  });

  it('each process runs its shard and answers only the servers of that shard', async () => {
    expect(bots.map((b) => b.logs().find((l) => l.msg === 'bot ready'))).toEqual([
      expect.objectContaining({ shards: [0], shardCount: 2, guilds: 2 }),
      expect.objectContaining({ shards: [1], shardCount: 2, guilds: 2 }),
    ]);
    for (const { guild } of emu.guilds) expect(footer(await ask(emu, guild.id, `rainy jazz ${run} ${guild.id}`))).toMatch(/· fresh$/);
    // The log line follows the reply (page state and reactions come first): wait for all four.
    await emu.waitFor(() => bots.flatMap((b) => b.logs().filter(isCommandDone)).length >= 4, { what: 'four "command done" lines', timeoutMs: 20_000 });
    for (const shard of [0, 1]) {
      const done = bots[shard]!.logs().filter(isCommandDone);
      expect(done.map((l) => l.guild).sort()).toEqual(emu.guilds.map((g) => g.guild.id).filter((id) => emu.shardOf(id) === shard).sort());
      expect(done.every((l) => l.shard === shard)).toBe(true);
    }
  });

  it('a query answered by one process is served from the cache by the other', async () => {
    const [zero, one] = serverPerShard(emu);
    const prompt = `happy ukulele ${run}`;
    expect(footer(await ask(emu, zero, prompt))).toMatch(/· fresh$/);
    expect(footer(await ask(emu, one, prompt))).toMatch(/· from cache$/);
    const recommended = (bot: BotProcess) => bot.waitForLogs((l) => l.msg === 'recommend' && l.prompt === prompt, 1, 20_000);
    expect(await recommended(bots[0]!)).toEqual([expect.objectContaining({ cached: false })]);
    expect(await recommended(bots[1]!)).toEqual([expect.objectContaining({ cached: true })]);
  });

  it('pages made by a process turn after that process is stopped and started again (state in Redis)', async () => {
    const [zero] = serverPerShard(emu);
    const reply = await ask(emu, zero, `dark cinematic strings ${run}`);
    expect(footer(reply)).toMatch(/^Page 1\/3/);

    expect(await bots[0]!.stop()).toBe(0);
    await expect(emu.sendCommand({ name: 'recommend', options: { prompt: 'anyone?' }, guild: zero })).rejects.toThrow(/no gateway session for shard 0/);
    const restarted = await startShard(0);
    await emu.waitForShards([0, 1]);

    const click = await emu.clickButton({ messageId: reply.id, customId: 'rec:page:next', user: emu.users.alice });
    await click.waitForResponse({ timeoutMs: 20_000 });
    expect(footer(emu.message(reply.id))).toMatch(/^Page 2\/3/);
    await emu.addReaction({ messageId: reply.id, emoji: '▶️', user: emu.users.alice });
    await emu.waitFor(() => footer(emu.message(reply.id)).startsWith('Page 3/3'), { what: 'page 3', timeoutMs: 20_000 });
    const turns = (await restarted.waitForLogs((l) => l.msg === 'page turned', 2, 20_000)).map((l) => [l.messageId, l.page, l.via]);
    expect(turns).toEqual([[reply.id, 1, 'button'], [reply.id, 2, 'reaction']]);
    expect(bots[1]!.logs().filter((l) => l.msg === 'page turned')).toEqual([]);
    for (const bot of bots) expect(bot.logs().filter((l) => l.level >= 50)).toEqual([]);
  });

  it("a process started with discord.js's own SHARD_COUNT exits 2 naming the bot's variables (discord.js would throw on 'auto')", async () => {
    const bot = BotProcess.start({ ...env(0), SHARD_COUNT: 'auto' });
    expect(await bot.exit).toBe(2);
    expect(bot.stderr()).toMatch(/^cratedigger: Invalid configuration: SHARD_COUNT is set, which discord.js reads .* use DISCORD_SHARD_COUNT and DISCORD_SHARD_IDS\.\n$/);
  });

  it('a process with fewer shards than Discord requires exits 1 with what to set', async () => {
    const bot = BotProcess.start({ ...env(0), DISCORD_SHARD_COUNT: '1', DISCORD_SHARD_IDS: '' });
    expect(await bot.exit).toBe(1);
    const fatal = bot.logs().find((l) => l.level === 60);
    expect(fatal?.msg).toBe(
      'Discord refused the gateway session: the bot is in too many servers for DISCORD_SHARD_COUNT=1 (close code 4011). Set DISCORD_SHARD_COUNT=auto, or a larger DISCORD_SHARD_COUNT with DISCORD_SHARD_IDS giving every shard to one process.',
    );
  });
});
