import { describe, expect, it } from 'vitest';
import { keywordTokens, mergeKeywords, tfidfKeywords } from '../../src/catalog/tfidf-keywords.ts';

describe('TF-IDF keywords', () => {
  const captions = [
    'A calm ambient track with a soft piano melody and gentle strings.',
    'An energetic rock track with distorted electric guitar and loud drums.',
    'A calm piano piece with a melancholic melody, played slowly.',
    'An energetic electronic dance track with a pulsing synthesizer bassline and a driving beat.',
    'A gentle acoustic guitar melody with a warm, calm feel and a harmonica solo in 1999.',
  ];

  it('keeps words that describe the music: no stop words, filler, short tokens or numbers', () => {
    const tokens = keywordTokens('The track features a DJ set at 120 bpm, with the 80s vibe and an oboe.');
    expect(tokens).toEqual(['bpm', '80s', 'oboe']);
  });

  it('ranks terms rare in the catalog above common ones', () => {
    const kws = tfidfKeywords(captions);
    expect(kws).toHaveLength(captions.length);
    for (const k of kws) expect(k.length).toBeLessThanOrEqual(3);
    // "calm" is in three captions, "ambient" only in the first: the rarer term wins.
    expect(kws[0]!.slice(0, 1)).toEqual(['ambient']);
    expect(kws[0]).not.toContain('calm');
    expect(kws[1]).toEqual(['rock', 'distorted', 'electric']);
    expect(kws[4]).toEqual(expect.arrayContaining(['acoustic', 'harmonica']));
    expect(kws.flat()).not.toContain('1999');
    expect(kws.flat().every((w) => w.length >= 3)).toBe(true);
  });

  it('is deterministic and honours topK', () => {
    expect(tfidfKeywords(captions, { topK: 1 })).toEqual(tfidfKeywords(captions, { topK: 1 }));
    expect(tfidfKeywords(captions, { topK: 1 }).every((k) => k.length === 1)).toBe(true);
  });

  it('merges after explicit keywords without repeating them or their words', () => {
    expect(mergeKeywords(['electric guitar', 'rock'], ['guitar', 'distorted', 'rock', 'loud'])).toEqual([
      'electric guitar',
      'rock',
      'distorted',
      'loud',
    ]);
  });
});
