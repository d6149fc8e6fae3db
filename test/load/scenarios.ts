import type { APIUser } from 'discord.js';
import type { DiscordEmulator, InteractionHandle } from '../discord-emulator/index.ts';
import type { LogLine } from '../bot/helpers/bot-process.ts';
import type { RedisServer } from '../bot/helpers/redis.ts';
import { botSide, settle, type BotSide } from './bot-side.ts';
import type { BotUnderLoad } from './bot-under-load.ts';
import { burst, runCallers, type Fault } from './callers.ts';
import { allAnswered, outcomeOf, tally, type Ask, type Tally } from './outcomes.ts';

const MB = 1024 * 1024;
const mb = (bytes: number) => Math.round((bytes / MB) * 10) / 10;

export interface Stage {
  emu: DiscordEmulator;
  bot: BotUnderLoad;
  /** Longest wait for one answer; past it the interaction counts as unanswered. */
  timeoutMs: number;
}

/** A scenario's interactions as people saw them, and the bot's side of it. */
export interface Observed {
  queries: Tally;
  bot: BotSide;
}

/**
 * Runs `act`, then waits until the bot has finished every command it sent (`extraCommands` beyond
 * the queries, e.g. a /reload), so figures and memory are read with nothing left in flight.
 */
async function observe<T extends { handles: InteractionHandle[] }>(stage: Stage, act: () => Promise<T>, extraCommands = 0): Promise<T & Observed & { lines: LogLine[] }> {
  const from = stage.bot.logs().length;
  const result = await act();
  await settle(stage.bot, from, result.handles.length + extraCommands, stage.timeoutMs);
  const lines = stage.bot.logs().slice(from);
  const first = Math.min(...result.handles.map((h) => h.record.createdAt));
  return { ...result, lines, queries: tally(result.handles), bot: botSide(lines, first) };
}

/**
 * The bot's memory at one moment (MB): RSS as the OS sees it, which depends on when garbage was last
 * collected; then RSS and the JS heap in use right after a full collection, comparable between readings.
 */
export interface MemoryReading {
  rssMb: number;
  rssAfterGcMb: number;
  heapMb: number;
}

export interface BurstsFigures {
  /** Each burst in order: the first on an empty cache, the others the same prompts again. */
  runs: Observed[];
  /** Once ready, then after each burst once the bot had finished every command. */
  memory: { ready: MemoryReading; after: MemoryReading[] };
  /** Growth of RSS after collection between the first burst and the second, in % of the first (null with one burst). */
  rssGrowthPct: number | null;
  /** The same for the JS heap after collection (live objects: caches, anything leaking). */
  heapGrowthPct: number | null;
}

async function memoryOf(bot: BotUnderLoad): Promise<MemoryReading> {
  const m = await bot.memory();
  return { rssMb: mb(m.rssBytes), rssAfterGcMb: mb(m.rssAfterGcBytes), heapMb: mb(m.heapUsedBytes) };
}

const growthPct = (from: number, to: number) => Math.round(((to - from) / from) * 1000) / 10;

/** The same burst `count` times (from the second on, the results are in the cache), with the bot's memory after each. */
export async function bursts(stage: Stage, asks: readonly Ask[], count: number): Promise<BurstsFigures> {
  const ready = await memoryOf(stage.bot);
  const runs: Observed[] = [];
  const after: MemoryReading[] = [];
  for (let i = 0; i < count; i++) {
    const { queries, bot } = await observe(stage, async () => ({ handles: await burst(stage.emu, asks, stage.timeoutMs) }));
    runs.push({ queries, bot });
    after.push(await memoryOf(stage.bot));
  }
  const [first, second] = after;
  return {
    runs,
    memory: { ready, after },
    rssGrowthPct: first && second ? growthPct(first.rssAfterGcMb, second.rssAfterGcMb) : null,
    heapGrowthPct: first && second ? growthPct(first.heapMb, second.heapMb) : null,
  };
}

/** Callers asking through `faults`, observed. */
function callersWith(stage: Stage, asks: readonly Ask[], callers: number, faults: readonly Fault[], extraCommands = 0) {
  return observe(stage, () => runCallers(stage.emu, asks, callers, stage.timeoutMs, faults), extraCommands);
}

export interface ReloadFigures extends Observed {
  /** The operator's /reload: answered with the ✅ summary, and how long it took. */
  reload: { ok: boolean; answerMs: number | null; reply: string };
  /** Queries in flight at some moment while the reload ran (dispatched before its answer, answered after its dispatch). */
  queriesDuringReload: number;
}

/** An operator runs /reload once a quarter of the queries are answered. */
export async function reloadDuringCallers(stage: Stage, asks: readonly Ask[], callers: number, operator: APIUser, guild: string): Promise<ReloadFigures> {
  let reload: InteractionHandle | undefined;
  const fault: Fault = {
    afterAnswered: Math.ceil(asks.length / 4),
    act: async () => {
      reload = await stage.emu.sendCommand({ name: 'reload', user: operator, guild });
      await allAnswered(stage.emu, [reload], stage.timeoutMs);
    },
  };
  const run = await callersWith(stage, asks, callers, [fault], 1);
  const r = reload!.record;
  const outcome = outcomeOf(reload!);
  const reply = outcome.kind === 'failed' ? outcome.text : outcome.kind;
  const end = r.answeredAt ?? Infinity;
  return {
    queries: run.queries,
    bot: run.bot,
    reload: { ok: reply.startsWith('✅'), answerMs: r.answeredAt === undefined ? null : r.answeredAt - r.createdAt, reply },
    queriesDuringReload: run.handles.filter((h) => h.record.createdAt <= end && (h.record.answeredAt ?? Infinity) >= r.createdAt).length,
  };
}

export interface RedisFigures extends Observed {
  /** How long redis-server was down, and how many queries were dispatched meanwhile. */
  outageMs: number;
  queriesDuringOutage: number;
}

/** redis-server is killed once a quarter of the queries are answered, and started again at half. */
export async function redisOutageDuringCallers(stage: Stage, asks: readonly Ask[], callers: number, redis: RedisServer): Promise<RedisFigures> {
  const run = await callersWith(stage, asks, callers, [
    { afterAnswered: Math.ceil(asks.length / 4), act: () => redis.stop() },
    { afterAnswered: Math.ceil(asks.length / 2), act: () => redis.restart() },
  ]);
  const [down, up] = run.faultAt as [number, number];
  return {
    queries: run.queries,
    bot: run.bot,
    outageMs: up - down,
    queriesDuringOutage: run.handles.filter((h) => h.record.createdAt >= down && h.record.createdAt < up).length,
  };
}

export interface WorkerCrashFigures extends Observed {
  /** "encoder worker stopped; restarting it" lines in the bot's log. */
  restarts: number;
  /** From the crash to the first answer with results to a query dispatched after it. */
  recoveryMs: number | null;
  /** Queries dispatched after the crash, and how many of them got results. */
  afterCrash: { sent: number; results: number };
}

/** The encoder worker thread exits for real once a quarter of the queries are answered. */
export async function workerCrashDuringCallers(stage: Stage, asks: readonly Ask[], callers: number): Promise<WorkerCrashFigures> {
  const run = await callersWith(stage, asks, callers, [{ afterAnswered: Math.ceil(asks.length / 4), act: () => stage.bot.crashWorker() }]);
  const [crash] = run.faultAt as [number];
  const after = run.handles.filter((h) => h.record.createdAt > crash);
  const recovered = after.filter((h) => outcomeOf(h).kind === 'results').map((h) => h.record.answeredAt! - crash);
  return {
    queries: run.queries,
    bot: run.bot,
    restarts: run.lines.filter((l) => l.msg === 'encoder worker stopped; restarting it').length,
    recoveryMs: recovered.length ? Math.min(...recovered) : null,
    afterCrash: { sent: after.length, results: recovered.length },
  };
}
