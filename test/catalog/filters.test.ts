import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.ts';
import {
  catalogVocabulary,
  closeMatches,
  describeFilter,
  isEmptyFilter,
  matchesFilter,
  parseDuration,
  parseTrackFilter,
} from '../../src/catalog/filters.ts';
import type { Track } from '../../src/catalog/track.ts';

const track = (id: string, mood: string[], genre: string[], instrument: string[], durationSec?: number): Track => ({
  id,
  tags: { mood, genre, instrument },
  caption: '',
  keywords: [],
  ...(durationSec === undefined ? {} : { durationSec }),
});

const tracks = [
  track('a', ['happy', 'dream'], ['pop', 'hiphop'], ['electricguitar', 'drums'], 180),
  track('b', ['calm', 'ambiental'], ['ambient', 'rnb'], ['piano'], 300),
  track('c', ['sad', 'happy'], ['drumnbass'], ['beat'], 240),
  track('d', ['calm'], ['rock'], [], undefined),
];
const vocab = catalogVocabulary(tracks);

function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('expected a UserError');
}

describe('parseTrackFilter', () => {
  it('counts the catalog vocabulary', () => {
    expect(vocab.mood.get('happy')).toBe(2);
    expect([...vocab.genre.keys()].sort()).toEqual(['ambient', 'drumnbass', 'hiphop', 'pop', 'rnb', 'rock']);
  });

  it('accepts tags as catalogs write them and as people do', () => {
    expect(
      parseTrackFilter(
        { mood: 'Happy, calm', genre: ['Hip-Hop', 'R&B', 'drum and bass'], instrument: 'Electric Guitar | drum', maxDuration: '3:30' },
        vocab,
      ),
    ).toEqual({ mood: ['happy', 'calm'], genre: ['hiphop', 'rnb', 'drumnbass'], instrument: ['electricguitar', 'drums'], maxDurationSec: 210 });
    expect(parseTrackFilter({ mood: 'dreamy or ambient', instrument: 'beats' }, vocab)).toEqual({
      mood: ['dream', 'ambiental'],
      instrument: ['beat'],
    });
    expect(parseTrackFilter({ mood: null, genre: '', maxDuration: '' }, vocab)).toEqual({});
  });

  it('rejects unknown tags naming close matches from this catalog', () => {
    const e = userError(() => parseTrackFilter({ mood: 'hapy' }, vocab));
    expect(e.message).toBe('Unknown mood "hapy". Close matches: happy.');
    expect(e.hint).toMatch(/^Common mood tags here: happy, calm/);
    expect(parseTrackFilter({ genre: 'pops' }, vocab)).toEqual({ genre: ['pop'] }); // plural forgiven
    expect(userError(() => parseTrackFilter({ genre: 'polka' }, vocab)).message).toMatch(/^Unknown genre "polka"/);
    expect(userError(() => parseTrackFilter({ instrument: 'pianno' }, vocab)).message).toContain('Close matches: piano');
  });

  it('validates durations', () => {
    expect(parseDuration('210')).toBe(210);
    expect(parseDuration('210s')).toBe(210);
    expect(parseDuration('4m')).toBe(240);
    expect(parseDuration('3.5 min')).toBe(210);
    expect(parseDuration(95)).toBe(95);
    for (const bad of ['soon', '-3', '0', '3:75', '']) expect(() => parseDuration(bad), bad).toThrow(UserError);
    expect(() => parseTrackFilter({ maxDuration: 'long' }, vocab)).toThrow(/"long" is not a duration/);
  });
});

describe('matchesFilter', () => {
  const ids = (f: Parameters<typeof matchesFilter>[1]) => tracks.filter((t) => matchesFilter(t, f)).map((t) => t.id);

  it('ORs values within a category and ANDs categories', () => {
    expect(ids({})).toEqual(['a', 'b', 'c', 'd']);
    expect(ids({ mood: ['happy'] })).toEqual(['a', 'c']);
    expect(ids({ mood: ['sad', 'calm'] })).toEqual(['b', 'c', 'd']);
    expect(ids({ mood: ['happy'], genre: ['drumnbass'] })).toEqual(['c']);
    expect(ids({ mood: 'Happy', instrument: 'piano' })).toEqual([]);
  });

  it('keeps tracks up to the duration and drops those of unknown length', () => {
    expect(ids({ maxDurationSec: 240 })).toEqual(['a', 'c']);
    expect(ids({ mood: ['calm'], maxDurationSec: 1000 })).toEqual(['b']);
  });
});

describe('describeFilter and helpers', () => {
  it('describes filters for people', () => {
    expect(describeFilter({})).toBe('no filter');
    expect(describeFilter({ mood: ['happy', 'calm'], genre: 'rock', maxDurationSec: 210 })).toBe(
      'mood: happy or calm, genre: rock, up to 3:30',
    );
    expect(isEmptyFilter({})).toBe(true);
    expect(isEmptyFilter({ mood: [] })).toBe(true);
    expect(isEmptyFilter({ maxDurationSec: 60 })).toBe(false);
  });

  it('orders close matches by distance, then by how common the tag is', () => {
    const v = new Map([['rock', 10], ['pop', 50], ['punkrock', 3], ['poprock', 5]]);
    expect(closeMatches('rok', v)).toEqual(['rock']);
    expect(closeMatches('pop rok', v)).toEqual(['poprock']);
    expect(closeMatches('zzzzzz', v)).toEqual([]);
    expect(closeMatches('rock', new Map([['punkrock', 1], ['poprock', 2], ['jazz', 9]]))).toEqual(['poprock', 'punkrock']);
  });
});
