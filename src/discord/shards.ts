import type { ClientOptions } from 'discord.js';
import { UserError } from '../errors.ts';

/**
 * Which gateway shards this process runs. `auto`: as many as Discord recommends, all here.
 * Otherwise `ids` of `count` shards in total: all of them (one process), or a subset when several
 * processes or hosts share the bot, each with its own SHARD_IDS and the same SHARD_COUNT.
 */
export type ShardPlan = { kind: 'auto' } | { kind: 'fixed'; ids: number[]; count: number };

const EXAMPLE = 'e.g. SHARD_COUNT=2 with SHARD_IDS=0 in one process and SHARD_IDS=1 in the other';

/** "0,2,4-6" → [0, 2, 4, 5, 6]; what is not an id or a range is named in the error. */
function parseShardIds(raw: string): number[] {
  const ids: number[] = [];
  for (const part of raw.split(',').map((p) => p.trim())) {
    const m = /^(\d{1,6})(?:\s*-\s*(\d{1,6}))?$/.exec(part);
    if (!m) {
      throw new UserError(
        `Invalid configuration: SHARD_IDS has "${part}", not a shard id or a range.`,
        'List ids and ranges separated by commas, e.g. SHARD_IDS=0,1 or SHARD_IDS=0-3.',
      );
    }
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw new UserError(`Invalid configuration: SHARD_IDS range "${part}" runs backwards.`, 'Write the smaller id first, e.g. 0-3.');
    for (let id = from; id <= to; id++) ids.push(id);
  }
  return ids;
}

/**
 * The plan SHARD_COUNT and SHARD_IDS describe, checked once at start: SHARD_IDS needs a numeric
 * SHARD_COUNT (each process must agree on the total), and every id lies in 0…SHARD_COUNT-1, once.
 */
export function shardPlan(count: number | 'auto', idsRaw: string | undefined): ShardPlan {
  if (idsRaw === undefined) return count === 'auto' ? { kind: 'auto' } : { kind: 'fixed', ids: range(count), count };
  if (count === 'auto') {
    throw new UserError(
      'Invalid configuration: SHARD_IDS is set but SHARD_COUNT is auto.',
      `Set SHARD_COUNT to the total number of shards across all processes (${EXAMPLE}).`,
    );
  }
  const ids = parseShardIds(idsRaw);
  const outside = ids.find((id) => id >= count);
  if (outside !== undefined) {
    throw new UserError(
      `Invalid configuration: SHARD_IDS has ${outside}, but with SHARD_COUNT=${count} shard ids run from 0 to ${count - 1}.`,
      `Give each process ids below SHARD_COUNT (${EXAMPLE}).`,
    );
  }
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice !== undefined) throw new UserError(`Invalid configuration: SHARD_IDS lists shard ${twice} twice.`, 'List each shard once.');
  return { kind: 'fixed', ids: [...ids].sort((a, b) => a - b), count };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** discord.js's options for the plan: `shards: 'auto'`, or the ids with the total count. */
export function shardClientOptions(plan: ShardPlan): Pick<ClientOptions, 'shards' | 'shardCount'> {
  return plan.kind === 'auto' ? { shards: 'auto' } : { shards: plan.ids, shardCount: plan.count };
}


/**
 * What to do when Discord refuses this process's shards at login (discord.js rejects with these
 * messages for close codes 4011 and 4010); undefined for any other error.
 */
export function shardLoginProblem(err: unknown, plan: ShardPlan): string | undefined {
  const message = err instanceof Error ? err.message : '';
  const count = plan.kind === 'auto' ? 'the shard count Discord recommended' : `SHARD_COUNT=${plan.count}`;
  if (/Sharding is required/i.test(message)) {
    return `Discord refused the gateway session: the bot is in too many servers for ${count} (close code 4011). Set SHARD_COUNT=auto, or a larger SHARD_COUNT with SHARD_IDS giving every shard to one process.`;
  }
  if (/Invalid shard/i.test(message)) {
    return `Discord refused the shard settings (close code 4010): SHARD_IDS must lie below SHARD_COUNT, and SHARD_COUNT must be the same in every process.`;
  }
  return undefined;
}
