import { describe, expect, it } from 'vitest';
import { splitKeywordTail } from '../../src/catalog/keyword-tail.ts';

describe('splitKeywordTail', () => {
  it.each([
    [
      'A dreamy synthpop track with ethereal vocals. Keywords: dreamy, synthpop, ethereal, shimmering.',
      'A dreamy synthpop track with ethereal vocals.',
      ['dreamy', 'synthpop', 'ethereal', 'shimmering'],
    ],
    [
      'A dynamic electronic dance track plays. | dance, Electronic, pulsing, upbeat',
      'A dynamic electronic dance track plays.',
      ['dance', 'electronic', 'pulsing', 'upbeat'],
    ],
    [
      'A psychedelic rock track with trippy guitar riffs. || psychedelic, rock, trippy, hypnotic',
      'A psychedelic rock track with trippy guitar riffs.',
      ['psychedelic', 'rock', 'trippy', 'hypnotic'],
    ],
    [
      'It sounds mystical and creepy. || keyword1: mystical, keyword2: haunting, keyword3: creepy',
      'It sounds mystical and creepy.',
      ['mystical', 'haunting', 'creepy'],
    ],
    [
      'It sounds suspenseful and intense. Suggested keywords: suspenseful, intense, muffled vocals, groovy synth bass.',
      'It sounds suspenseful and intense.',
      ['suspenseful', 'intense', 'muffled vocals', 'groovy synth bass'],
    ],
    [
      'A crescendo played on a synthesizer string sound; keywords: suspense, instrumental, slow, grim.',
      'A crescendo played on a synthesizer string sound.',
      ['suspense', 'instrumental', 'slow', 'grim'],
    ],
    [
      'It sounds suspenseful and weird. Suggested tags: suspense, intense, weird,',
      'It sounds suspenseful and weird.',
      ['suspense', 'intense', 'weird'],
    ],
    [
      'A crowd cheers loudly as a bell chimes. | crowd, cheering, bell, clapping |',
      'A crowd cheers loudly as a bell chimes.',
      ['crowd', 'cheering', 'bell', 'clapping'],
    ],
    [
      'It sounds harsh and loud. | harsh, loud, aggressive, energetic ||',
      'It sounds harsh and loud.',
      ['harsh', 'loud', 'aggressive', 'energetic'],
    ],
  ])('splits %j', (caption, text, keywords) => {
    expect(splitKeywordTail(caption)).toEqual({ text, keywords });
  });

  it('drops a marker or pipes with nothing after them (tails cut off by a length limit)', () => {
    expect(splitKeywordTail('It has a dance groove. Keywords')).toEqual({ text: 'It has a dance groove.', keywords: [] });
    expect(splitKeywordTail('It sounds easygoing and chill. ||')).toEqual({ text: 'It sounds easygoing and chill.', keywords: [] });
    expect(splitKeywordTail('It sounds weird and groovy. Keywords:')).toEqual({ text: 'It sounds weird and groovy.', keywords: [] });
  });

  it('leaves captions without a tail alone, and "keywords" inside prose', () => {
    const prose = 'A passionate male vocalist sings this emotional ballad. The song is emotional, sentimental and heartfelt.';
    expect(splitKeywordTail(prose)).toEqual({ text: prose, keywords: [] });
    const mention = 'The keywords of this song are love and loss, sung softly.';
    expect(splitKeywordTail(mention)).toEqual({ text: mention, keywords: [] });
  });

  it('returns empty prose for a caption that is only a keyword list', () => {
    expect(splitKeywordTail('Keywords: calm, piano')).toEqual({ text: '', keywords: ['calm', 'piano'] });
  });

  it('drops narrative fragments and duplicates from the list', () => {
    const r = splitKeywordTail('Calm. Keywords: calm, Calm, a very long fragment that is no keyword at all, piano.');
    expect(r.keywords).toEqual(['calm', 'piano']);
  });
});
