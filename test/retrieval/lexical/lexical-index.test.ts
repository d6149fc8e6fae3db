import { describe, expect, it } from 'vitest';
import { singular, terms } from '../../../src/retrieval/lexical/analyzer.ts';
import { type LexicalDocument, LexicalIndex, LexicalIndexError, tagTerm } from '../../../src/retrieval/lexical/lexical-index.ts';
import { mulberry32 } from '../../../src/util/prng.ts';

const WORDS = ['calm', 'piano', 'guitar', 'drum', 'dark', 'ambient', 'rock', 'violin', 'happy', 'synth', 'bass', 'voice'];

/** Random documents over a small vocabulary, so terms repeat within and across documents. */
function randomDocs(n: number, seed: number): LexicalDocument[] {
  const rnd = mulberry32(seed);
  const pick = (k: number) => Array.from({ length: k }, () => WORDS[Math.floor(rnd() * WORDS.length)]!);
  return Array.from({ length: n }, () => ({
    fields: { caption: pick(3 + Math.floor(rnd() * 12)), tags: pick(Math.floor(rnd() * 4)) },
    tags: pick(Math.floor(rnd() * 3)).map((t) => tagTerm('mood', t)),
  }));
}

const WEIGHTS = { caption: 1, tags: 2 };

/** BM25F written out the textbook way, document by document: what the index must equal. */
function referenceScores(docs: readonly LexicalDocument[], query: { term: string; weight: number }[], k1 = 1.2, b = 0.75): number[] {
  const n = docs.length;
  const fields = Object.keys(WEIGHTS) as (keyof typeof WEIGHTS)[];
  const avg = Object.fromEntries(fields.map((f) => [f, docs.reduce((s, d) => s + (d.fields[f]?.length ?? 0), 0) / n]));
  const df = (term: string) => docs.filter((d) => d.tags.includes(term) || fields.some((f) => d.fields[f]?.includes(term))).length;
  return docs.map((d) => {
    let score = 0;
    for (const { term, weight } of query) {
      const idf = Math.log(1 + (n - df(term) + 0.5) / (df(term) + 0.5));
      if (d.tags.includes(term)) {
        score += weight * idf;
        continue;
      }
      let tf = 0;
      for (const f of fields) {
        const list = d.fields[f] ?? [];
        const count = list.filter((t) => t === term).length;
        if (count) tf += (WEIGHTS[f] * count) / (1 - b + (b * list.length) / avg[f]!);
      }
      if (tf > 0) score += (weight * idf * tf * (k1 + 1)) / (k1 + tf);
    }
    return score;
  });
}

describe('analyzer', () => {
  it('folds plurals without merging different words', () => {
    expect(['guitars', 'melodies', 'drums', 'bass', 'chorus', 'strings', 'beats', 'vibes'].map(singular)).toEqual([
      'guitar', 'melody', 'drum', 'bass', 'chorus', 'string', 'beat', 'vibe',
    ]);
    expect(terms('The guitars, and the DRUMS of a calm evening!')).toEqual(['guitar', 'drum', 'calm', 'evening']);
  });
});

describe('LexicalIndex', () => {
  const docs = randomDocs(300, 7);
  const index = LexicalIndex.build(docs, { fieldWeights: WEIGHTS });

  it.each([
    [[{ term: 'calm', weight: 1 }]],
    [[{ term: 'piano', weight: 1 }, { term: 'dark', weight: 2 }, { term: tagTerm('mood', 'happy'), weight: 3 }]],
    [[{ term: 'voice', weight: 1 }, { term: 'unknown', weight: 5 }]],
  ])('scores every document as a brute-force BM25F reference: %j', (query) => {
    const ref = referenceScores(docs, query);
    const allRows = docs.map((_, row) => row);
    const hits = index.search(query, docs.length, undefined, allRows);
    for (const row of allRows) expect(hits.also[row]).toBeCloseTo(ref[row]!, 4);
    // The top list is the reference order (ties by row), all positive scores.
    const order = ref.map((s, row) => ({ s, row })).filter((x) => x.s > 0).sort((a, b) => b.s - a.s || a.row - b.row);
    expect(hits.ids.slice(0, 20)).toEqual(order.slice(0, 20).map((x) => x.row));
    expect(hits.maxScore).toBeCloseTo(order[0]!.s, 4);
  });

  it('tests whether a row contains a term from its postings, as the documents say', () => {
    for (const term of ['calm', tagTerm('mood', 'happy'), 'nowhere']) {
      const has = index.containsTest(term);
      docs.forEach((d, row) => expect(has(row)).toBe(d.tags.includes(term) || Object.values(d.fields).some((f) => f.includes(term))));
    }
  });

  it('keeps the top n that accept passes, best first', () => {
    const query = [{ term: 'guitar', weight: 1 }];
    const all = index.search(query, 1000);
    const even = index.search(query, 10, (row) => row % 2 === 0);
    expect(even.ids).toEqual(all.ids.filter((r) => r % 2 === 0).slice(0, 10));
    expect(even.scores).toEqual([...even.scores].sort((a, b) => b - a));
  });

  it('round-trips through bytes, scoring identically', () => {
    const again = LexicalIndex.fromBytes(index.toBytes());
    expect([again.docCount, again.termCount, again.postingCount]).toEqual([index.docCount, index.termCount, index.postingCount]);
    expect(again.fieldWeights).toEqual(WEIGHTS);
    const q = [{ term: 'rock', weight: 1 }, { term: tagTerm('mood', 'calm'), weight: 2 }];
    expect(again.search(q, 50)).toMatchObject({ ids: index.search(q, 50).ids, scores: index.search(q, 50).scores });
  });

  it('refuses truncated, corrupt or foreign bytes with what is wrong', () => {
    const bytes = index.toBytes();
    expect(() => LexicalIndex.fromBytes(bytes.subarray(0, bytes.length - 4))).toThrow(/bytes, expected .* \(truncated or corrupt\)/);
    expect(() => LexicalIndex.fromBytes(Buffer.from('not an index at all'))).toThrow(LexicalIndexError);
    // A posting that names a document beyond the index.
    const bad = Buffer.from(bytes);
    const docsStart = bad.length - 8 * index.postingCount;
    bad.writeUInt32LE(1_000_000, docsStart);
    expect(() => LexicalIndex.fromBytes(bad)).toThrow(/names document 1000000, beyond the 300 documents/);
  });
});
