import { describe, expect, it } from 'vitest';
import { randomFromName, randomFromSeed } from '../../src/util/prng.ts';

describe('Random', () => {
  it('is the same sequence for the same seed; a name and its number seed alike', () => {
    const a = randomFromSeed(9);
    const b = randomFromSeed(9);
    expect(Array.from({ length: 5 }, () => a.next())).toEqual(Array.from({ length: 5 }, () => b.next()));
    expect(randomFromName(1).next()).toBe(randomFromName('1').next());
    expect(randomFromName(1).next()).not.toBe(randomFromSeed(1).next());
  });

  it('int includes both ends and nothing outside them', () => {
    const r = randomFromSeed(3);
    const seen = new Set(Array.from({ length: 500 }, () => r.int(2, 5)));
    expect([...seen].sort()).toEqual([2, 3, 4, 5]);
  });

  it('pick, sample and shuffle keep to the items given', () => {
    const r = randomFromSeed(4);
    const items = ['a', 'b', 'c', 'd', 'e'];
    expect(items).toContain(r.pick(items));
    expect(() => r.pick([])).toThrow(RangeError);
    const sample = r.sample(items, 3);
    expect(new Set(sample).size).toBe(3);
    expect(r.sample(items, 9).sort()).toEqual(items);
    const shuffled = [...items];
    r.shuffle(shuffled);
    expect([...shuffled].sort()).toEqual(items);
  });

  it('weighted never picks an item of weight 0', () => {
    const r = randomFromSeed(5);
    const picks = new Set(Array.from({ length: 300 }, () => r.weighted([['never', 0], ['x', 1], ['y', 3]] as const)));
    expect([...picks].sort()).toEqual(['x', 'y']);
  });
});
