import { summarize, type Summary } from '../../src/bench/stats.ts';
import type { LogLine } from '../bot/helpers/bot-process.ts';
import type { BotUnderLoad } from './bot-under-load.ts';

/** What the bot's own log says about a scenario: where its time went, and how often Discord's limits held it back. */
export interface BotSide {
  /** The query itself (result cache, then the pipeline on a miss), per /recommend ("recommend" lines). */
  queryMs: Summary;
  /** From the first dispatch to the last command the bot finished (reply, page state and ◀️ ▶️ reactions included). */
  handledWallMs: number;
  /** "rate limited; waiting" lines: requests discord.js held back, and how many of them for the global 50 requests/s. */
  rateLimitWaits: number;
  globalRateLimitWaits: number;
  /** Why the cache was found unavailable ("cache unavailable" warnings: down, or slower than CACHE_TIMEOUT_MS), and how often it came back. */
  cacheUnavailable: string[];
  cacheBack: number;
}

/** A command the bot finished: done, refused as the person's mistake, or failed with a reference. */
const isHandled = (l: LogLine) => l.msg === 'command done' || l.msg === 'user error' || /^\/\w+ failed \(ref [0-9a-f]{6}\)$/.test(l.msg);

/** Waits (bounded) until the bot has finished `count` commands logged after line `from`; how many it had. */
export async function settle(bot: BotUnderLoad, from: number, count: number, timeoutMs: number): Promise<number> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const handled = bot.logs().slice(from).filter(isHandled).length;
    if (handled >= count || Date.now() > end) return handled;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function botSide(lines: readonly LogLine[], firstDispatchAt: number): BotSide {
  const handled = lines.filter(isHandled).map((l) => Number(l.time));
  const waits = lines.filter((l) => l.msg === 'rate limited; waiting');
  return {
    queryMs: summarize(lines.filter((l) => l.msg === 'recommend').map((l) => Number(l.ms))),
    handledWallMs: handled.length ? Math.max(...handled) - firstDispatchAt : 0,
    rateLimitWaits: waits.length,
    globalRateLimitWaits: waits.filter((l) => l.global === true).length,
    cacheUnavailable: lines.filter((l) => l.msg.startsWith('cache unavailable')).map((l) => String(l.reason)),
    cacheBack: lines.filter((l) => l.msg === 'cache reachable again').length,
  };
}
