import { describe, expect, it } from 'vitest';
import type { Track } from '../../src/catalog/track.ts';
import { ndcgAt, precisionAt, recallAt, reciprocalRank } from '../../src/eval/metrics.ts';
import { buildQuerySet } from '../../src/eval/query-set.ts';
import { parseTagMap } from '../../src/catalog/tags.ts';
import { mulberry32 } from '../../src/util/prng.ts';

/** 600 tracks with random tags from small vocabularies: many pairs shared by enough tracks. */
function catalog(): Track[] {
  const r = mulberry32(5);
  const pick = (xs: string[]) => xs.filter(() => r() < 0.35);
  return Array.from({ length: 600 }, (_, i) => ({
    id: `t${i}`,
    tags: { mood: pick(['happy', 'sad', 'calm', 'horror']), genre: pick(['rock', 'jazz', 'hiphop']), instrument: pick(['piano', 'violin', 'drums']) },
    caption: '',
    keywords: [],
  }));
}

describe('evaluation metrics', () => {
  const rel = new Set([1, 3, 5]);
  it('P@k, nDCG@k, MRR and recall@N by their definitions', () => {
    expect(precisionAt([1, 2, 3, 4], rel, 4)).toBe(0.5);
    expect(ndcgAt([1, 3, 5], rel, 3)).toBe(1);
    expect(ndcgAt([2, 1], rel, 2)).toBeCloseTo((1 / Math.log2(3)) / (1 + 1 / Math.log2(3)), 10);
    expect(reciprocalRank([9, 8, 3], rel)).toBeCloseTo(1 / 3, 10);
    expect(reciprocalRank([9], rel)).toBe(0);
    expect(recallAt([1, 2, 3], rel, 2)).toBe(0.5); // at most N relevant can fit in N candidates
    expect(recallAt([1, 3, 5, 7], rel, 10)).toBe(1);
  });
});

describe('evaluation query set', () => {
  const tracks = catalog();
  const tagMap = parseTagMap(JSON.stringify({ 'mood/theme': { scary: 'horror' } }));
  const paraphrases = { mood: { happy: ['cheerful'], horror: ['scary', 'spooky'] }, instrument: { violin: ['fiddle'] }, genre: { hiphop: ['boom bap'] } };
  const queries = buildQuerySet(tracks, { minRelevant: 10, pairsPerKind: 50, paraphrases, aliases: tagMap });

  it('is the same on every run', () => {
    expect(buildQuerySet(tracks, { minRelevant: 10, pairsPerKind: 50, paraphrases, aliases: tagMap }).map((q) => q.prompt)).toEqual(queries.map((q) => q.prompt));
  });

  it('asks about pairs enough tracks share, relevant = exactly the tracks carrying both tags', () => {
    for (const q of queries) {
      const both = tracks.flatMap((t, i) => (q.tags.every((x) => t.tags[x.category].includes(x.tag)) ? [i] : []));
      expect([...q.relevant].sort((a, b) => a - b)).toEqual(both);
      expect(both.length).toBeGreaterThanOrEqual(10);
    }
  });

  it('puts each tag pair in one half only, and has both halves', () => {
    const halves = new Map<string, Set<string>>();
    for (const q of queries) {
      const key = q.tags.map((t) => `${t.category}=${t.tag}`).join('+');
      (halves.get(key) ?? halves.set(key, new Set()).get(key)!).add(q.half);
    }
    expect([...halves.values()].every((s) => s.size === 1)).toBe(true);
    expect(new Set(queries.map((q) => q.half))).toEqual(new Set(['dev', 'test']));
  });

  it('phrases literal queries with the tags’ words and paraphrases without them or their aliases', () => {
    const literal = queries.filter((q) => q.split === 'literal');
    const para = queries.filter((q) => q.split === 'paraphrase');
    expect(literal.length).toBeGreaterThan(10);
    expect(para.length).toBeGreaterThan(3);
    for (const q of para) {
      expect(q.tags.every((t) => !q.prompt.includes(t.tag === 'hiphop' ? 'hip hop' : t.tag))).toBe(true);
      expect(q.prompt).not.toContain('scary'); // an alias of horror: literal, so never used
    }
    expect(literal.some((q) => q.prompt.includes('hip hop'))).toBe(true);
  });
});
