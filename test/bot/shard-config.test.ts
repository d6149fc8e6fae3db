/** SHARD_COUNT and SHARD_IDS: parsed and checked once by loadConfig, then handed to discord.js as is. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { clientOptions } from '../../src/discord/client.ts';
import { REPO } from './helpers/fixtures.ts';

const shards = (env: Record<string, string>) => loadConfig(env, REPO).discord.shards;
const problem = (env: Record<string, string>) => {
  try {
    loadConfig(env, REPO);
  } catch (err) {
    return (err as { full?: string }).full;
  }
  return 'no error';
};

describe('shard settings', () => {
  it('default: auto, which discord.js resolves from GET /gateway/bot', () => {
    expect(shards({})).toEqual({ kind: 'auto' });
    expect(shards({ SHARD_COUNT: '', SHARD_IDS: '' })).toEqual({ kind: 'auto' });
    const options = clientOptions(loadConfig({}, REPO));
    expect(options.shards).toBe('auto');
    expect(options.shardCount).toBeUndefined();
  });

  it('SHARD_COUNT alone: every shard in this process', () => {
    expect(shards({ SHARD_COUNT: '3' })).toEqual({ kind: 'fixed', ids: [0, 1, 2], count: 3 });
    const options = clientOptions(loadConfig({ SHARD_COUNT: '3' }, REPO));
    expect([options.shards, options.shardCount]).toEqual([[0, 1, 2], 3]);
  });

  it('SHARD_IDS with SHARD_COUNT: this process owns a subset (ids and ranges, sorted)', () => {
    expect(shards({ SHARD_COUNT: '8', SHARD_IDS: '6, 0-2 ,4' })).toEqual({ kind: 'fixed', ids: [0, 1, 2, 4, 6], count: 8 });
    const options = clientOptions(loadConfig({ SHARD_COUNT: '2', SHARD_IDS: '1' }, REPO));
    expect([options.shards, options.shardCount]).toEqual([[1], 2]);
  });

  it('refuses what cannot work, naming the variable and what to do', () => {
    expect(problem({ SHARD_IDS: '1' })).toBe(
      'Invalid configuration: SHARD_IDS is set but SHARD_COUNT is auto. Set SHARD_COUNT to the total number of shards across all processes (e.g. SHARD_COUNT=2 with SHARD_IDS=0 in one process and SHARD_IDS=1 in the other).',
    );
    expect(problem({ SHARD_COUNT: '2', SHARD_IDS: '0,2' })).toMatch(/^Invalid configuration: SHARD_IDS has 2, but with SHARD_COUNT=2 shard ids run from 0 to 1\. Give each process ids below SHARD_COUNT/);
    expect(problem({ SHARD_COUNT: '4', SHARD_IDS: '1,x' })).toBe(
      'Invalid configuration: SHARD_IDS has "x", not a shard id or a range. List ids and ranges separated by commas, e.g. SHARD_IDS=0,1 or SHARD_IDS=0-3.',
    );
    expect(problem({ SHARD_COUNT: '4', SHARD_IDS: '3-1' })).toMatch(/^Invalid configuration: SHARD_IDS range "3-1" runs backwards\./);
    expect(problem({ SHARD_COUNT: '4', SHARD_IDS: '0-2,2' })).toBe('Invalid configuration: SHARD_IDS lists shard 2 twice. List each shard once.');
    expect(problem({ SHARD_COUNT: 'many' })).toMatch(/^Invalid configuration: SHARD_COUNT: must be auto or a whole number of shards/);
    expect(problem({ SHARD_COUNT: '0' })).toMatch(/^Invalid configuration: SHARD_COUNT: /);
    expect(problem({ SHARD_COUNT: '1.5' })).toMatch(/^Invalid configuration: SHARD_COUNT: /);
  });
});
