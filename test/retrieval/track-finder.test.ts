import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateDemoCatalog } from '../../src/catalog/demo-catalog.ts';
import { importJamendoFiles } from '../../src/catalog/jamendo/import-files.ts';
import { jamendoNumber, type Track } from '../../src/catalog/track.ts';
import { buildLexicalStage } from '../../src/indexing/lexical/build-lexical-stage.ts';
import { isContentWord, singular, words } from '../../src/retrieval/lexical/analyzer.ts';
import type { LexicalIndex } from '../../src/retrieval/lexical/lexical-index.ts';
import { nameWords, TrackFinder } from '../../src/retrieval/track-finder.ts';
import { randomFromSeed } from '../../src/util/prng.ts';
import { HAS_JAMENDO_DATA, JAMENDO_DATA_DIR, needsJamendoData } from '../helpers/paths.ts';
import { bareTrack } from '../helpers/fixture-tracks.ts';

const track = bareTrack;

/** A hand-made catalog: names that overlap on purpose, so the ranking shows. */
const CATALOG: Track[] = [
  track('track_0000948', { caption: 'A dreamy synthpop track with ethereal vocals and shimmering synthesizers.', tags: { mood: ['dream'], genre: ['synthpop'], instrument: [] } }),
  track('track_0000950', { caption: 'A soaring arpeggiated synth line over repetitive drums.' }),
  track('track_0094825', { caption: 'A fast techno dance instrumental with heavy drums.' }),
  track('track_0948210', { caption: 'A male vocalist sings an electronic dance tune.' }),
  track('demo_1', { title: 'Sonata in Moonlight', artist: 'Clara Weiss', album: 'Night Pieces', caption: 'A calm piano piece.' }),
  track('demo_2', { title: 'Moonlight Sonata', artist: 'Ludwig Trio', album: 'Classics', caption: 'A slow solo piano piece.' }),
  track('demo_3', { title: 'Halo', artist: 'Beyoncé', album: 'I Am… Sasha Fierce', caption: 'A pop ballad with strings.' }),
  track('demo_4', { title: 'Harbor Lights', artist: 'Moonlight Orchestra', album: 'Coastline', caption: 'Brass and strings, warm and slow.' }),
  track('demo_5', { title: 'Rain', artist: 'Öresund Collective', album: 'Moonlight Archive', caption: 'Ambient rain sounds with soft pads.' }),
  track('demo_6', { title: 'Static', artist: 'Nobody', album: 'Noise', caption: 'A piano under moonlight, gentle and sparse.' }),
  track('Demo_UPPER', { title: 'Shouting Ids', caption: 'Loud guitars.' }),
];

const lexicalOf = (tracks: readonly Track[]): LexicalIndex => buildLexicalStage(tracks, { synonyms: [] }).index;
const ids = (matches: { track: Track }[]) => matches.map((m) => m.track.id);

describe('TrackFinder', () => {
  const finder = TrackFinder.build(CATALOG, lexicalOf(CATALOG));

  it('finds an exact id first, case-insensitively, and gives its row', () => {
    expect(finder.rowOfId('track_0000950')).toBe(1);
    expect(finder.rowOfId('TRACK_0000950')).toBe(1);
    expect(finder.rowOfId('demo_upper')).toBe(10);
    expect(finder.rowOfId('  demo_2 ')).toBe(5);
    expect(finder.rowOfId('track_0000949')).toBeUndefined();
    expect(finder.rowOfId('')).toBeUndefined();
    const [first] = finder.find('Demo_2');
    expect(first).toMatchObject({ row: 5, score: 1000 });
    expect(first!.track.title).toBe('Moonlight Sonata');
  });

  it('takes a Jamendo number for its id, and completes numbers as they are typed', () => {
    expect(finder.rowOfId('948')).toBe(0);
    expect(finder.rowOfId('0000948')).toBe(0);
    expect(finder.rowOfId('track_948')).toBe(0);
    expect(ids(finder.find('948'))[0]).toBe('track_0000948');
    // 948 itself, then the longer numbers starting 948…, shortest first.
    expect(ids(finder.find('948'))).toEqual(['track_0000948', 'track_0094825', 'track_0948210']);
    expect(ids(finder.find('9482'))).toEqual(['track_0094825', 'track_0948210']);
    expect(ids(finder.find('94'))).toEqual(['track_0000948', 'track_0094825', 'track_0948210']);
  });

  it('completes an id prefix in id order', () => {
    expect(ids(finder.find('track_00009'))).toEqual(['track_0000948', 'track_0000950']);
    expect(ids(finder.find('TRACK_0'))).toEqual(['track_0000948', 'track_0000950', 'track_0094825', 'track_0948210']);
  });

  it('matches the last word as a prefix while it is typed, the others whole', () => {
    expect(ids(finder.find('moonl'))[0]).toBe('demo_2');
    expect(ids(finder.find('moonlight so'))[0]).toBe('demo_2');
    expect(ids(finder.find('moonlight sonata'))).toContain('demo_1');
    // "moon" is not a whole word of any name or caption: finished with a space, it finds nothing.
    expect(finder.find('moon ')).toEqual([]);
    expect(ids(finder.find('moon'))).toContain('demo_2');
  });

  it('ranks title start over title words over artist over album over caption', () => {
    const order = ids(finder.find('moonlight'));
    expect(order.slice(0, 5)).toEqual(['demo_2', 'demo_1', 'demo_4', 'demo_5', 'demo_6']);
    const scores = finder.find('moonlight').map((m) => m.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    // The title exactly as typed beats a title that merely starts with the words.
    expect(ids(finder.find('moonlight sonata'))[0]).toBe('demo_2');
  });

  it('finds artists and albums, folding case and accents both ways', () => {
    expect(ids(finder.find('beyonce'))[0]).toBe('demo_3');
    expect(ids(finder.find('BEYONCÉ'))[0]).toBe('demo_3');
    expect(ids(finder.find('oresund'))[0]).toBe('demo_5');
    expect(ids(finder.find('sasha fierce'))[0]).toBe('demo_3');
    expect(ids(finder.find('night piec'))[0]).toBe('demo_1');
    expect(ids(finder.find('ludwig'))).toEqual(['demo_2']);
  });

  it('finds caption words through the lexical index, the last one completed', () => {
    expect(ids(finder.find('ethereal vocals'))[0]).toBe('track_0000948');
    expect(ids(finder.find('ethereal voc'))[0]).toBe('track_0000948');
    expect(ids(finder.find('arpeggiated'))[0]).toBe('track_0000950');
    expect(ids(finder.find('techno'))).toEqual(['track_0094825']);
    // A name word plus a caption word: the track holding both comes first.
    expect(ids(finder.find('harbor brass'))[0]).toBe('demo_4');
  });

  it('returns nothing for blank queries and unknown words', () => {
    expect(finder.find('')).toEqual([]);
    expect(finder.find('   \t')).toEqual([]);
    expect(finder.find('zzyzx qwv')).toEqual([]);
    expect(finder.find('moonlight', 0)).toEqual([]);
  });

  it('returns at most 25 by default, or the limit asked, ties by row', () => {
    const demo = generateDemoCatalog();
    const big = TrackFinder.build(demo, lexicalOf(demo));
    const all = big.find('demo_9');
    expect(all).toHaveLength(25);
    expect(all.map((m) => m.row)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(big.find('demo_9', 7)).toHaveLength(7);
    const piano = big.find('piano');
    expect(piano).toHaveLength(25);
    for (let i = 1; i < piano.length; i++) {
      const [a, b] = [piano[i - 1]!, piano[i]!];
      expect(a.score > b.score || (a.score === b.score && a.row < b.row)).toBe(true);
    }
    // Every demo title is found by its own words, typed with the last one cut short.
    for (const t of demo.slice(0, 60)) {
      const w = nameWords(t.title!);
      const typed = [...w.slice(0, -1), w.at(-1)!.slice(0, 3)].join(' ');
      expect(ids(big.find(typed)), typed).toContain(t.id);
    }
  });

  it('works without a lexical index (captions scanned) and refuses one of another catalog', () => {
    const plain = TrackFinder.build(CATALOG);
    expect(ids(plain.find('arpeggiated'))).toEqual(['track_0000950']);
    expect(ids(plain.find('ethereal voc'))[0]).toBe('track_0000948');
    expect(ids(plain.find('moonl'))[0]).toBe('demo_2');
    expect(() => TrackFinder.build(CATALOG.slice(1), lexicalOf(CATALOG))).toThrow(/documents for/);
  });

  it('handles an empty catalog', () => {
    const empty = TrackFinder.build([]);
    expect(empty.find('anything')).toEqual([]);
    expect(empty.rowOfId('948')).toBeUndefined();
  });
});

describe.runIf(HAS_JAMENDO_DATA)(needsJamendoData('TrackFinder on real MTG-Jamendo tracks'), () => {
  let tracks: Track[];
  let lexical: LexicalIndex;
  let finder: TrackFinder;
  beforeAll(async () => {
    const all = await importJamendoFiles({
      metadata: [path.join(JAMENDO_DATA_DIR, 'metadata_base.csv')],
      captions: path.join(JAMENDO_DATA_DIR, 'captions.csv'),
    });
    tracks = all.tracks.slice(0, 5000);
    lexical = lexicalOf(tracks);
    finder = TrackFinder.build(tracks, lexical);
  }, 60_000);

  /** The three rarest content words of a caption: what someone remembering the track would type. */
  const rareWords = (t: Track) =>
    [...new Set(words(t.caption).filter(isContentWord))]
      .filter((w) => lexical.has(singular(w)))
      .sort((a, b) => lexical.docFrequency(singular(a)) - lexical.docFrequency(singular(b)) || (a < b ? -1 : 1))
      .slice(0, 3);

  it('finds a track by its id, its Jamendo number and words of its caption, in the top 25', () => {
    const random = randomFromSeed(11);
    const sample = random.sample(tracks, 100);
    let byWords = 0;
    let byTyping = 0;
    for (const t of sample) {
      expect(ids(finder.find(t.id))[0]).toBe(t.id);
      expect(ids(finder.find(jamendoNumber(t.id)!))[0]).toBe(t.id);
      expect(finder.rowOfId(t.id.toUpperCase())).toBe(tracks.indexOf(t));
      const w = rareWords(t);
      if (ids(finder.find(w.join(' '))).includes(t.id)) byWords++;
      // As typed: the last word cut to its first four letters.
      const typed = [...w.slice(0, -1), w.at(-1)!.slice(0, 4)].join(' ');
      if (ids(finder.find(typed)).includes(t.id)) byTyping++;
    }
    expect(byWords).toBeGreaterThanOrEqual(95);
    expect(byTyping).toBeGreaterThanOrEqual(85);
  });

  it('lists the ids an id prefix covers in id order, 25 of them', () => {
    const first = finder.find('track_00');
    expect(first).toHaveLength(25);
    expect(ids(first)).toEqual(ids(first).slice().sort());
    expect(first[0]!.track.id).toBe(tracks[0]!.id);
  });
});
