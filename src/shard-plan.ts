import { UserError } from './errors.ts';

/**
 * Which gateway shards this process runs. `auto`: as many as Discord recommends, all here.
 * Otherwise `ids` of `count` shards in total: all of them (one process), or a subset when several
 * processes or hosts share the bot, each with its own DISCORD_SHARD_IDS and the same DISCORD_SHARD_COUNT.
 */
export type ShardPlan = { kind: 'auto' } | { kind: 'fixed'; ids: number[]; count: number };

const EXAMPLE = 'e.g. DISCORD_SHARD_COUNT=2 with DISCORD_SHARD_IDS=0 in one process and DISCORD_SHARD_IDS=1 in the other';

/**
 * "0,2,4-6" → [0, 2, 4, 5, 6], each below `count` (checked before a range is expanded) and listed
 * once; what is wrong is named in the error.
 */
function parseShardIds(raw: string, count: number): number[] {
  const ids = new Set<number>();
  for (const part of raw.split(',').map((p) => p.trim())) {
    const m = /^(\d{1,6})(?:\s*-\s*(\d{1,6}))?$/.exec(part);
    if (!m) {
      throw new UserError(
        `Invalid configuration: DISCORD_SHARD_IDS has "${part}", not a shard id or a range.`,
        'List ids and ranges separated by commas, e.g. DISCORD_SHARD_IDS=0,1 or DISCORD_SHARD_IDS=0-3.',
      );
    }
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw new UserError(`Invalid configuration: DISCORD_SHARD_IDS range "${part}" runs backwards.`, 'Write the smaller id first, e.g. 0-3.');
    if (to >= count) {
      throw new UserError(
        `Invalid configuration: DISCORD_SHARD_IDS has ${to}, but with DISCORD_SHARD_COUNT=${count} shard ids run from 0 to ${count - 1}.`,
        `Give each process ids below DISCORD_SHARD_COUNT (${EXAMPLE}).`,
      );
    }
    for (let id = from; id <= to; id++) {
      if (ids.has(id)) throw new UserError(`Invalid configuration: DISCORD_SHARD_IDS lists shard ${id} twice.`, 'List each shard once.');
      ids.add(id);
    }
  }
  return [...ids].sort((a, b) => a - b);
}

/**
 * The plan DISCORD_SHARD_COUNT and DISCORD_SHARD_IDS describe, checked once at start:
 * DISCORD_SHARD_IDS needs a numeric DISCORD_SHARD_COUNT (every process must agree on the total),
 * and every id lies in 0…DISCORD_SHARD_COUNT-1, once.
 */
export function shardPlan(count: number | 'auto', idsRaw: string | undefined): ShardPlan {
  if (idsRaw === undefined) return count === 'auto' ? { kind: 'auto' } : { kind: 'fixed', ids: range(count), count };
  if (count === 'auto') {
    throw new UserError(
      'Invalid configuration: DISCORD_SHARD_IDS is set but DISCORD_SHARD_COUNT is auto.',
      `Set DISCORD_SHARD_COUNT to the total number of shards across all processes (${EXAMPLE}).`,
    );
  }
  return { kind: 'fixed', ids: parseShardIds(idsRaw, count), count };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * discord.js's Client reads SHARD_COUNT and SHARDS from the environment itself (its ShardingManager
 * hands them to child processes) whenever shardCount is left at 1: a stray SHARD_COUNT=auto makes
 * the Client throw, SHARD_COUNT=2 quietly halves the bot. Refused at start, naming ours instead.
 */
export function refuseDiscordJsShardVariables(env: NodeJS.ProcessEnv): void {
  const set = ['SHARD_COUNT', 'SHARDS'].filter((name) => env[name] !== undefined);
  if (set.length === 0) return;
  throw new UserError(
    `Invalid configuration: ${set.join(' and ')} ${set.length > 1 ? 'are' : 'is'} set, which discord.js reads for its own sharding manager and would override the bot's shard settings.`,
    `Unset ${set.length > 1 ? 'them' : 'it'} and use DISCORD_SHARD_COUNT and DISCORD_SHARD_IDS.`,
  );
}
