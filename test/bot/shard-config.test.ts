/** DISCORD_SHARD_COUNT and DISCORD_SHARD_IDS: parsed and checked once by loadConfig, then handed to discord.js as is. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { clientOptions } from '../../src/discord/client.ts';
import { REPO_ROOT } from '../helpers/paths.ts';

const shards = (env: Record<string, string>) => loadConfig(env, REPO_ROOT).discord.shards;
const problem = (env: Record<string, string>) => {
  try {
    loadConfig(env, REPO_ROOT);
  } catch (err) {
    return (err as { full?: string }).full;
  }
  return 'no error';
};

describe('shard settings', () => {
  it('default: auto, which discord.js resolves from GET /gateway/bot', () => {
    expect(shards({})).toEqual({ kind: 'auto' });
    expect(shards({ DISCORD_SHARD_COUNT: '', DISCORD_SHARD_IDS: '' })).toEqual({ kind: 'auto' });
    const options = clientOptions(loadConfig({}, REPO_ROOT));
    expect(options.shards).toBe('auto');
    expect(options.shardCount).toBeUndefined();
  });

  it('DISCORD_SHARD_COUNT alone: every shard in this process', () => {
    expect(shards({ DISCORD_SHARD_COUNT: '3' })).toEqual({ kind: 'fixed', ids: [0, 1, 2], count: 3 });
    const options = clientOptions(loadConfig({ DISCORD_SHARD_COUNT: '3' }, REPO_ROOT));
    expect([options.shards, options.shardCount]).toEqual([[0, 1, 2], 3]);
  });

  it('DISCORD_SHARD_IDS with DISCORD_SHARD_COUNT: this process owns a subset (ids and ranges, sorted)', () => {
    expect(shards({ DISCORD_SHARD_COUNT: '8', DISCORD_SHARD_IDS: '6, 0-2 ,4' })).toEqual({ kind: 'fixed', ids: [0, 1, 2, 4, 6], count: 8 });
    const options = clientOptions(loadConfig({ DISCORD_SHARD_COUNT: '2', DISCORD_SHARD_IDS: '1' }, REPO_ROOT));
    expect([options.shards, options.shardCount]).toEqual([[1], 2]);
  });

  it('refuses what cannot work, naming the variable and what to do', () => {
    expect(problem({ DISCORD_SHARD_IDS: '1' })).toBe(
      'Invalid configuration: DISCORD_SHARD_IDS is set but DISCORD_SHARD_COUNT is auto. Set DISCORD_SHARD_COUNT to the total number of shards across all processes (e.g. DISCORD_SHARD_COUNT=2 with DISCORD_SHARD_IDS=0 in one process and DISCORD_SHARD_IDS=1 in the other).',
    );
    expect(problem({ DISCORD_SHARD_COUNT: '2', DISCORD_SHARD_IDS: '0,2' })).toMatch(/^Invalid configuration: DISCORD_SHARD_IDS has 2, but with DISCORD_SHARD_COUNT=2 shard ids run from 0 to 1\. Give each process ids below DISCORD_SHARD_COUNT/);
    expect(problem({ DISCORD_SHARD_COUNT: '4', DISCORD_SHARD_IDS: '1,x' })).toBe(
      'Invalid configuration: DISCORD_SHARD_IDS has "x", not a shard id or a range. List ids and ranges separated by commas, e.g. DISCORD_SHARD_IDS=0,1 or DISCORD_SHARD_IDS=0-3.',
    );
    expect(problem({ DISCORD_SHARD_COUNT: '4', DISCORD_SHARD_IDS: '3-1' })).toMatch(/^Invalid configuration: DISCORD_SHARD_IDS range "3-1" runs backwards\./);
    expect(problem({ DISCORD_SHARD_COUNT: '4', DISCORD_SHARD_IDS: '0-2,2' })).toBe('Invalid configuration: DISCORD_SHARD_IDS lists shard 2 twice. List each shard once.');
    expect(problem({ DISCORD_SHARD_COUNT: 'many' })).toMatch(/^Invalid configuration: DISCORD_SHARD_COUNT: must be auto or a whole number of shards/);
    expect(problem({ DISCORD_SHARD_COUNT: '0' })).toMatch(/^Invalid configuration: DISCORD_SHARD_COUNT: /);
    expect(problem({ DISCORD_SHARD_COUNT: '1.5' })).toMatch(/^Invalid configuration: DISCORD_SHARD_COUNT: /);
  });

  it("refuses discord.js's own SHARD_COUNT and SHARDS, which its Client would read from the environment", () => {
    expect(problem({ SHARD_COUNT: 'auto' })).toBe(
      "Invalid configuration: SHARD_COUNT is set, which discord.js reads for its own sharding manager and would override the bot's shard settings. Unset it and use DISCORD_SHARD_COUNT and DISCORD_SHARD_IDS.",
    );
    expect(problem({ SHARD_COUNT: '', SHARDS: '[0]' })).toMatch(/^Invalid configuration: SHARD_COUNT and SHARDS are set, /);
  });
});
