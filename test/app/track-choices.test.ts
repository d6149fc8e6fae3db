import { describe, expect, it } from 'vitest';
import { MAX_CHOICE_CHARS, resolveTrack, trackChoiceLabel, trackChoices } from '../../src/app/track-choices.ts';
import { UserError } from '../../src/errors.ts';
import { TrackFinder } from '../../src/retrieval/track-finder.ts';
import { bareTrack } from '../helpers/fixture-tracks.ts';

const track = bareTrack;

const JAMENDO = track('track_0000948', {
  caption: 'A dreamy synthpop track with ethereal vocals and shimmering synthesizers over a steady beat.',
  tags: { mood: ['dream'], genre: ['synthpop'], instrument: ['synthesizer'] },
});
const TITLED = track('demo_9000001', { title: 'Dust of the Shadow', artist: 'Leo Ferreira', caption: 'A world track.' });

describe('trackChoiceLabel', () => {
  it('names a titled track "Title — Artist (id)" and an untitled one by id and caption', () => {
    expect(trackChoiceLabel(TITLED)).toBe('Dust of the Shadow — Leo Ferreira (demo_9000001)');
    expect(trackChoiceLabel({ ...TITLED, artist: undefined })).toBe('Dust of the Shadow (demo_9000001)');
    expect(trackChoiceLabel(JAMENDO)).toBe('track_0000948 · A dreamy synthpop track with ethereal vocals and…');
    expect(trackChoiceLabel({ ...JAMENDO, caption: '' })).toBe('track_0000948 · synthpop, dream, synthesizer');
    expect(trackChoiceLabel(track('bare'))).toBe('bare');
  });

  it('keeps to 100 characters with the id whole, and drops invisible and bidi characters', () => {
    const long = { ...TITLED, title: 'Very long title '.repeat(12), artist: 'An artist with a long name '.repeat(3) };
    const label = trackChoiceLabel(long);
    expect([...label].length).toBeLessThanOrEqual(MAX_CHOICE_CHARS);
    expect(label).toMatch(/… \(demo_9000001\)$/);
    const sneaky = { ...TITLED, title: 'Dust\u202E of\u200B the\u2066 Shadow\u0000', artist: 'Leo\nFerreira\u200F' };
    expect(trackChoiceLabel(sneaky)).toBe('Dust of the Shadow — Leo Ferreira (demo_9000001)');
    const untitled = { ...JAMENDO, caption: `\u202Ewide${'x'.repeat(300)}` };
    const u = trackChoiceLabel(untitled);
    expect([...u].length).toBeLessThanOrEqual(MAX_CHOICE_CHARS);
    expect(u).not.toMatch(/[\p{Cc}\p{Cf}]/u);
    const hugeId = trackChoiceLabel(track('i'.repeat(150)));
    expect([...hugeId].length).toBe(MAX_CHOICE_CHARS);
  });
});

describe('trackChoices', () => {
  const finder = TrackFinder.build(
    Array.from({ length: 40 }, (_, i) => track(`demo_${String(i).padStart(3, '0')}`, { title: `Song ${i}` })),
  );

  it('gives at most 25 choices whose value is the track id', () => {
    const choices = trackChoices(finder.find('song', 40));
    expect(choices).toHaveLength(25);
    expect(choices[0]).toEqual({ name: 'Song 0 (demo_000)', value: 'demo_000' });
    for (const c of choices) expect(c.value.length).toBeLessThanOrEqual(MAX_CHOICE_CHARS);
  });

  it('leaves out tracks whose id Discord could not send back', () => {
    const long = track('x'.repeat(101), { title: 'Too long' });
    expect(trackChoices([{ row: 0, track: long, score: 1 }, { row: 1, track: TITLED, score: 1 }])).toEqual([
      { name: 'Dust of the Shadow — Leo Ferreira (demo_9000001)', value: 'demo_9000001' },
    ]);
  });
});

describe('resolveTrack', () => {
  const finder = TrackFinder.build([JAMENDO, TITLED]);

  it('takes an exact id (what autocomplete sends) or a Jamendo number, else the best match', () => {
    expect(resolveTrack(finder, 'demo_9000001').track).toBe(TITLED);
    expect(resolveTrack(finder, ' TRACK_0000948 ').track).toBe(JAMENDO);
    expect(resolveTrack(finder, '948').row).toBe(0);
    expect(resolveTrack(finder, 'dust of the shad').track).toBe(TITLED);
    expect(resolveTrack(finder, 'ethereal vocals').track).toBe(JAMENDO);
  });

  it('says what to type when nothing matches or nothing was typed', () => {
    const none = (() => {
      try {
        resolveTrack(finder, 'zzyzx\u202E');
      } catch (err) {
        return err;
      }
    })();
    expect(none).toBeInstanceOf(UserError);
    expect((none as UserError).message).toBe('No track matches "zzyzx".');
    expect((none as UserError).hint).toBe('Type words of its title or caption, or an id like track_0000948.');
    expect(() => resolveTrack(finder, '   ')).toThrow(UserError);
    expect(() => resolveTrack(TrackFinder.build([]), 'x')).toThrow(/No track matches "x"/);
  });
});
