import { loadavg } from 'node:os';
import path from 'node:path';
import { benchmarkPrompts } from '../../src/bench/prompts.ts';
import { describeMachine, type Machine } from '../../src/bench/machine.ts';
import { loadConfig } from '../../src/config.ts';
import { deployCommands } from '../../src/discord/deploy-commands.ts';
import { DiscordEmulator } from '../discord-emulator/index.ts';
import { RedisServer } from '../bot/helpers/redis.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { BotUnderLoad } from './bot-under-load.ts';
import { loadGoals, type Goal } from './goals.ts';
import type { Ask } from './outcomes.ts';
import {
  bursts,
  redisOutageDuringCallers,
  reloadDuringCallers,
  workerCrashDuringCallers,
  type BurstsFigures,
  type RedisFigures,
  type ReloadFigures,
  type Stage,
  type WorkerCrashFigures,
} from './scenarios.ts';

export const SCENARIOS = ['bursts', 'reload', 'redis', 'worker'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** How big a run is. */
export interface LoadSize {
  /** /recommend per burst (distinct prompts). */
  interactions: number;
  /** How many times the burst runs (2: once on an empty cache, then the same again). */
  bursts: number;
  members: number;
  servers: number;
  /** People asking at once in the fault scenarios. */
  callers: number;
  /** /recommend per fault scenario (distinct prompts, none cached before). */
  faultQueries: number;
}

export interface BotLoadOptions extends LoadSize {
  scenarios: readonly Scenario[];
  /** Longest wait for one answer before it counts as unanswered. */
  answerTimeoutMs: number;
  /** The bot's environment (models, index, …); Discord, cache and preview settings are set here. */
  env: NodeJS.ProcessEnv;
  onProgress: (line: string) => void;
}

/** Everything `npm run bench:bot` reports (its `--json` object). */
export interface BotLoadReport {
  startedAt: string;
  durationSec: number;
  machine: Machine;
  /** The machine's 1-minute load average when the run started and ended: other work on it slows every figure. */
  loadAverage: { start: number; end: number };
  setup: LoadSize & {
    index: { name: string; tracks: number; mode: string };
    models: { text: string; clap: string | null };
    /** Milliseconds from the bot process's start to ready (first bot). */
    readyMs: number;
  };
  bursts: BurstsFigures | null;
  reload: ReloadFigures | null;
  redis: RedisFigures | null;
  worker: WorkerCrashFigures | null;
  goals: Goal[];
}

const oneMinuteLoad = () => Math.round(loadavg()[0]! * 100) / 100;

/** The prompts as /recommend calls: prompt i asked by member i % members in server (i % members) % servers. */
function asksFor(emu: DiscordEmulator, prompts: readonly string[]): Ask[] {
  return prompts.map((prompt, i) => {
    const who = i % emu.members.length;
    return { prompt, user: emu.members[who]!, guild: emu.guilds[who % emu.guilds.length]!.guild.id };
  });
}

/**
 * The bot (its own process, the real startBot) behind the Discord emulator, under bursts and
 * faults. Bursts run on an in-memory cache (the default); the fault scenarios on a fresh Redis.
 */
export async function runBotLoad(o: BotLoadOptions): Promise<BotLoadReport> {
  const started = new Date();
  const config = loadConfig(o.env);
  const emu = await DiscordEmulator.start({ guilds: o.servers, members: o.members });
  const { dir: work, cleanup } = await tempDir('bot-load');
  const prompts = benchmarkPrompts(o.interactions + 3 * o.faultQueries);
  const faultAsks = (k: number) => asksFor(emu, prompts.slice(o.interactions + k * o.faultQueries, o.interactions + (k + 1) * o.faultQueries));
  const botEnv = (cache: string, previews: string): NodeJS.ProcessEnv => ({
    ...o.env,
    DISCORD_TOKEN: emu.token,
    DISCORD_API_URL: emu.apiUrl,
    DISCORD_APPLICATION_ID: emu.applicationId,
    DISCORD_GUILD_ID: '',
    DISCORD_ADMIN_GUILD_ID: '',
    DISCORD_SHARD_COUNT: 'auto',
    DISCORD_SHARD_IDS: '',
    KEYV_URL: cache,
    PREVIEW_CACHE_DIR: path.join(work, previews),
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
  });
  const report: BotLoadReport = {
    startedAt: started.toISOString(),
    durationSec: 0,
    machine: describeMachine(),
    loadAverage: { start: oneMinuteLoad(), end: 0 },
    setup: {
      index: { name: config.index.name, tracks: 0, mode: '' },
      models: { text: '', clap: null },
      interactions: o.interactions,
      bursts: o.bursts,
      members: o.members,
      servers: o.servers,
      callers: o.callers,
      faultQueries: o.faultQueries,
      readyMs: 0,
    },
    bursts: null,
    reload: null,
    redis: null,
    worker: null,
    goals: [],
  };
  let redis: RedisServer | undefined;
  const bots: BotUnderLoad[] = [];
  const startBot = async (env: NodeJS.ProcessEnv): Promise<Stage> => {
    const bot = await BotUnderLoad.start(env);
    bots.push(bot);
    if (!report.setup.readyMs) {
      report.setup.readyMs = bot.readyMs;
      const ready = bot.logs().find((l) => l.msg === 'recommender ready');
      report.setup.index = { name: String(ready?.index), tracks: Number(ready?.tracks), mode: String(ready?.mode) };
      report.setup.models = (ready?.models as BotLoadReport['setup']['models']) ?? report.setup.models;
    }
    return { emu, bot, timeoutMs: o.answerTimeoutMs };
  };
  try {
    // Registered globally, as `npm run deploy-commands` does without DISCORD_GUILD_ID.
    await deployCommands({ discord: { token: emu.token, applicationId: emu.applicationId, apiUrl: emu.apiUrl, guildId: undefined, adminGuildId: undefined }, retrieval: config.retrieval });
    if (o.scenarios.includes('bursts')) {
      o.onProgress(`bursts: ${o.interactions} /recommend from ${o.members} members in ${o.servers} servers, ${o.bursts} time(s)`);
      const stage = await startBot(botEnv('', 'previews-bursts'));
      report.bursts = await bursts(stage, asksFor(emu, prompts.slice(0, o.interactions)), o.bursts);
      await stage.bot.stop();
    }
    const faults = o.scenarios.filter((s) => s !== 'bursts');
    if (faults.length) {
      redis = await RedisServer.start();
      const stage = await startBot(botEnv(redis.url, 'previews-faults'));
      if (faults.includes('reload')) {
        o.onProgress(`reload: /reload by an operator during ${o.faultQueries} queries from ${o.callers} callers`);
        report.reload = await reloadDuringCallers(stage, faultAsks(0), o.callers, emu.users.owner, emu.guild.id);
      }
      if (faults.includes('worker')) {
        o.onProgress(`worker: the encoder worker killed during ${o.faultQueries} queries from ${o.callers} callers`);
        report.worker = await workerCrashDuringCallers(stage, faultAsks(1), o.callers);
      }
      if (faults.includes('redis')) {
        o.onProgress(`redis: redis-server killed and restarted during ${o.faultQueries} queries from ${o.callers} callers`);
        report.redis = await redisOutageDuringCallers(stage, faultAsks(2), o.callers, redis);
      }
      await stage.bot.stop();
    }
  } finally {
    await Promise.allSettled(bots.map((b) => b.stop()));
    await redis?.stop();
    await emu.close();
    await cleanup();
  }
  report.loadAverage.end = oneMinuteLoad();
  report.goals = loadGoals(report);
  report.durationSec = Math.round((Date.now() - started.getTime()) / 100) / 10;
  return report;
}
