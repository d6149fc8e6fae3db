import type { ClientOptions } from 'discord.js';
import type { ShardPlan } from '../shard-plan.ts';

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
  const count = plan.kind === 'auto' ? 'the shard count Discord recommended' : `DISCORD_SHARD_COUNT=${plan.count}`;
  if (/Sharding is required/i.test(message)) {
    return `Discord refused the gateway session: the bot is in too many servers for ${count} (close code 4011). Set DISCORD_SHARD_COUNT=auto, or a larger DISCORD_SHARD_COUNT with DISCORD_SHARD_IDS giving every shard to one process.`;
  }
  if (/Invalid shard/i.test(message)) {
    return `Discord refused the shard settings (close code 4010): DISCORD_SHARD_IDS must lie below DISCORD_SHARD_COUNT, and DISCORD_SHARD_COUNT must be the same in every process.`;
  }
  return undefined;
}
