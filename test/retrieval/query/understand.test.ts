import { describe, expect, it } from 'vitest';
import { parseTagMap } from '../../../src/catalog/tags.ts';
import type { Track } from '../../../src/catalog/track.ts';
import { buildTagLexicon } from '../../../src/indexing/lexical/build-tag-lexicon.ts';
import { TagLexicon } from '../../../src/retrieval/query/tag-lexicon.ts';
import { type QueryUnderstanding, understandQuery } from '../../../src/retrieval/query/understand.ts';

/** A catalog whose tags have compound, plural and vocal forms, like MTG-Jamendo's. */
const TAGS = {
  mood: ['calm', 'dream', 'happy', 'dark'],
  genre: ['drumnbass', 'hiphop', 'rock', 'instrumentalpop', 'rocknroll', 'rnb', 'pop'],
  instrument: ['acousticguitar', 'guitar', 'drums', 'piano', 'cello', 'voice', 'synthesizer', 'bass', 'strings'],
};
const tracks: Track[] = Object.entries(TAGS).flatMap(([category, tags]) =>
  tags.map((tag, i) => ({
    id: `t_${category}_${i}`,
    tags: { mood: [], genre: [], instrument: [], [category]: [tag] },
    caption: 'A track with an acoustic guitar and a drum.',
    keywords: [],
  })),
);
const tagMap = parseTagMap(JSON.stringify({ instrument: { synth: 'synthesizer', vocals: 'voice' }, 'mood/theme': { dreamy: 'dream' } }));
const lexicon = new TagLexicon(buildTagLexicon(tracks, { aliases: tagMap }));

const named = (u: QueryUnderstanding) => u.concepts.filter((c) => !c.negated).flatMap((c) => c.tags.map((t) => `${t.category}=${t.tag}`));
const ruledOut = (u: QueryUnderstanding) => u.concepts.filter((c) => c.negated).flatMap((c) => c.tags.map((t) => `${t.category}=${t.tag}`));

describe('query understanding', () => {
  it.each([
    ['acoustic guitar ballad', ['instrument=acousticguitar']],
    ['an acoustic-guitar piece', ['instrument=acousticguitar']],
    ['drum and bass', ['genre=drumnbass']],
    ['Drum n Bass', ['genre=drumnbass']],
    ['drum & bass', ['genre=drumnbass']],
    ["drum'n'bass", ['genre=drumnbass']],
    ['hip hop', ['genre=hiphop']],
    ['hip-hop beats', ['genre=hiphop']],
    ["rock 'n' roll", ['genre=rocknroll']],
    ['R&B', ['genre=rnb']],
    ['guitars and drum', ['instrument=guitar', 'instrument=drums']],
    ['string quartet', ['instrument=strings']],
    ['synth pop', ['instrument=synthesizer', 'genre=pop']],
    ['dreamy', ['mood=dream']],
    ['a cellist and a drummer', ['instrument=cello', 'instrument=drums']],
    ['female singer', ['instrument=voice']],
    ['calm piano for a rainy evening', ['mood=calm', 'instrument=piano']],
  ])('%j names %j', (prompt, tags) => {
    expect(named(understandQuery(prompt, lexicon))).toEqual(tags);
  });

  it('prefers the longest phrase: "acoustic guitar" is not also "guitar"', () => {
    const u = understandQuery('acoustic guitar', lexicon);
    expect(u.concepts).toHaveLength(1);
    expect(u.concepts[0]).toMatchObject({ phrase: 'acoustic guitar', source: 'tag', confidence: 1 });
  });

  it('says how each tag was recognised, with a lower confidence for derivations and rules', () => {
    const u = understandQuery('synth, cellist, vocals, singer', lexicon);
    expect(u.concepts.map((c) => [c.phrase, c.source])).toEqual([
      ['synth', 'alias'],
      ['cellist', 'derived'],
      ['vocals', 'alias'],
      ['singer', 'rule'],
    ]);
    expect(u.concepts[1]!.confidence).toBeLessThan(1);
  });

  it.each([
    ['calm piano, no vocals', ['mood=calm', 'instrument=piano'], ['instrument=voice'], 'calm piano'],
    ['happy rock without drums or bass', ['mood=happy', 'genre=rock'], ['instrument=drums', 'instrument=bass'], 'happy rock'],
    ['no drums and calm piano', ['mood=calm', 'instrument=piano'], ['instrument=drums'], 'calm piano'],
    ['dark cello, not too much piano', ['mood=dark', 'instrument=cello'], ['instrument=piano'], 'dark cello'],
    ['instrumental hip hop', ['genre=hiphop'], ['instrument=voice'], 'hip hop'],
    ['vocal-free calm music', ['mood=calm'], ['instrument=voice'], 'calm music'],
    ['drumless rock', ['genre=rock'], ['instrument=drums'], 'rock'],
  ])('%j: names %j, rules out %j, embeds %j', (prompt, tags, excluded, searchText) => {
    const u = understandQuery(prompt, lexicon);
    expect(named(u)).toEqual(tags);
    expect(ruledOut(u)).toEqual(excluded);
    expect(u.searchText).toBe(searchText);
  });

  it('"instrumental pop" is a genre, not a negation', () => {
    const u = understandQuery('instrumental pop', lexicon);
    expect(named(u)).toEqual(['genre=instrumentalpop']);
    expect(ruledOut(u)).toEqual([]);
  });

  it('leaves a prompt that names no tag alone, and keeps a prompt that is only a negation', () => {
    expect(understandQuery('morning coffee by the sea', lexicon)).toEqual({ concepts: [], searchText: 'morning coffee by the sea' });
    expect(understandQuery('no vocals', lexicon).searchText).toBe('no vocals');
  });

  it('works the same for any catalog: tags it lacks are never recognised', () => {
    const other = new TagLexicon(buildTagLexicon([{ id: 'x', tags: { mood: ['spooky'], genre: ['zydeco'], instrument: ['theremin'] }, caption: '', keywords: [] }]));
    expect(named(understandQuery('spooky zydeco with a theremin and piano', other))).toEqual(['mood=spooky', 'genre=zydeco', 'instrument=theremin']);
    expect(understandQuery('instrumental', other).concepts).toEqual([]); // no vocal tag in that catalog
  });
});
