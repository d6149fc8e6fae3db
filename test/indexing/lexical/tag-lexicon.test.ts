import { describe, expect, it } from 'vitest';
import { parseTagMap } from '../../../src/catalog/tags.ts';
import type { Track } from '../../../src/catalog/track.ts';
import { buildTagLexicon } from '../../../src/indexing/lexical/build-tag-lexicon.ts';
import { captionAssociations } from '../../../src/indexing/lexical/caption-associations.ts';
import { lexicalDocuments, splitCompound } from '../../../src/indexing/lexical/lexical-documents.ts';
import { WordNet } from '../../../src/indexing/lexical/wordnet.ts';
import { wordnetSynonyms } from '../../../src/indexing/lexical/wordnet-synonyms.ts';
import { TagLexicon, tagLexiconSchema } from '../../../src/retrieval/query/tag-lexicon.ts';
import { understandQuery } from '../../../src/retrieval/query/understand.ts';

const track = (id: string, tags: Partial<Track['tags']>, caption = ''): Track => ({
  id,
  tags: { mood: [], genre: [], instrument: [], ...tags },
  caption,
  keywords: [],
});

describe('lexical documents', () => {
  it('splits compound tags into the catalog’s own words, "n" joining like "and"', () => {
    const known = new Set(['acoustic', 'guitar', 'easy', 'listening', 'drum', 'bass', 'techno', 'tech']);
    expect(splitCompound('acousticguitar', known)).toEqual(['acoustic', 'guitar']);
    expect(splitCompound('easylistening', known)).toEqual(['easy', 'listening']);
    expect(splitCompound('drumnbass', known)).toEqual(['drum', 'bass']);
    expect(splitCompound('techno', known)).toBeNull(); // a word of its own
    expect(splitCompound('rnb', known)).toBeNull();
  });

  it('indexes caption, keywords and tags as words, and each tag as an exact term', () => {
    const [doc] = lexicalDocuments([{ ...track('a', { instrument: ['acousticguitar'], mood: ['calm'] }, 'An acoustic guitar, softly.'), keywords: ['soft guitars'] }]);
    expect(doc!.fields).toEqual({ caption: ['acoustic', 'guitar', 'softly'], keywords: ['soft', 'guitar'], tags: ['calm', 'acousticguitar', 'acoustic', 'guitar'] });
    expect(doc!.tags).toEqual(['mood=calm', 'instrument=acousticguitar']);
  });
});

describe('tag lexicon', () => {
  const tracks = [track('a', { instrument: ['voice', 'synthesizer'] }), track('b', { mood: ['happy'], genre: ['pop'] })];

  it('holds the tags with their counts, aliases of present tags only, and the vocal rule; valid by its own schema', () => {
    const tagMap = parseTagMap(JSON.stringify({ instrument: { synth: 'synthesizer', theremins: 'theremin' }, genre: { 'pop music': 'pop' } }));
    const data = buildTagLexicon(tracks, { aliases: tagMap });
    expect(tagLexiconSchema.parse(data)).toEqual(data);
    expect(data.tags.instrument).toEqual({ synthesizer: 1, voice: 1 });
    expect(data.forms.synth).toEqual([{ category: 'instrument', tag: 'synthesizer', source: 'alias', confidence: 1 }]);
    expect(data.forms.popmusic).toEqual([{ category: 'genre', tag: 'pop', source: 'alias', confidence: 1 }]);
    expect(data.forms.theremins).toBeUndefined(); // its tag is not in this catalog
    expect(data.vocalTags).toEqual([{ category: 'instrument', tag: 'voice' }]);
    expect(data.forms.vocals?.[0]).toMatchObject({ tag: 'voice', source: 'rule' });
    expect(data.resources).toMatchObject({ tags: 4, aliases: 2 });
  });

  it('learns caption words that go with a tag far more than chance', () => {
    const many = [
      ...Array.from({ length: 30 }, (_, i) => track(`h${i}`, { mood: ['horror'] }, 'An eerie drone with strings.')),
      ...Array.from({ length: 70 }, (_, i) => track(`c${i}`, { mood: ['calm'] }, 'Soft strings for an evening.')),
    ];
    const src = captionAssociations(many);
    expect(src.forms.get('eerie')).toEqual([{ category: 'mood', tag: 'horror', source: 'caption', confidence: 0.5 }]);
    expect(src.forms.get('strings')).toBeUndefined(); // on every track: no lift
  });
});

// WordNet comes from Debian's wordnet-base, which set-up installs; elsewhere this part cannot run.
describe.skipIf(!WordNet.open())('WordNet synonyms (Debian wordnet-base in /usr/share/wordnet)', () => {
  const tracks = [
    // The caption gives the words a compound tag is split into ("double bass" → WordNet's double_bass).
    track('a', { instrument: ['violin', 'cello', 'doublebass'], mood: ['happy', 'calm'], genre: ['jazz', 'country'] }, 'A double bass solo.'),
    track('b', { instrument: ['flute', 'bass'], mood: ['sad'] }),
  ];
  const source = wordnetSynonyms(tracks);
  const lexicon = new TagLexicon(buildTagLexicon(tracks, { extra: [source] }));
  const names = (prompt: string) => understandQuery(prompt, lexicon).concepts.flatMap((c) => c.tags.map((t) => t.tag));

  it.each([
    ['fiddle', 'violin'],
    ['violoncello', 'cello'],
    ['contrabass', 'doublebass'],
    ['flautist', 'flute'],
    ['joyful', 'happy'],
    ['tranquil', 'calm'],
    ['sorrowful', 'sad'],
    ['bebop', 'jazz'],
    ['bluegrass', 'country'],
  ])('"%s" names %s', (word, tag) => {
    expect(names(word)).toContain(tag);
  });

  it('keeps the senses a category can have: a bass guitar, not a fish; a genre, not a nation', () => {
    expect(source.forms.get('seabass')).toBeUndefined(); // a kind of bass (the fish) in WordNet
    expect(source.forms.get('nation')).toBeUndefined(); // a synonym of country (the state)
    expect(source.forms.get('bassguitar')).toEqual(expect.arrayContaining([expect.objectContaining({ tag: 'bass' })]));
    expect([...source.forms.values()].flat().every((t) => t.source === 'wordnet' && t.confidence < 1)).toBe(true);
  });
});
