import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importJamendoFiles } from '../../src/catalog/jamendo/import-files.ts';
import type { ImportSummary } from '../../src/catalog/jamendo/build-catalog.ts';
import type { Track } from '../../src/catalog/track.ts';
import { JAMENDO_GENRES, JAMENDO_INSTRUMENTS, JAMENDO_MOODS } from '../../src/catalog/jamendo-vocabulary.ts';
import { HAS_JAMENDO_DATA, JAMENDO_DATA_DIR, needsJamendoData } from '../helpers/paths.ts';

const data = (name: string) => join(JAMENDO_DATA_DIR, name);

describe.runIf(HAS_JAMENDO_DATA)(needsJamendoData('real MTG-Jamendo data'), () => {
  describe('metadata_base.csv + captions.csv + tag_map.json', () => {
    let tracks: Track[];
    let summary: ImportSummary;
    beforeAll(async () => {
      ({ tracks, summary } = await importJamendoFiles({
        metadata: [data('metadata_base.csv')],
        captions: data('captions.csv'),
        tagMap: data('tag_map.json'),
      }));
    });

    it('reports the dataset README figures', () => {
      expect(summary.tracks).toBe(18_486);
      expect(summary.tags.mood).toEqual({ distinct: 59, tracks: 18_486 });
      expect(summary.tags.genre).toEqual({ distinct: 95, tracks: 18_255 });
      expect(summary.tags.instrument).toEqual({ distinct: 41, tracks: 10_594 });
      expect(summary.captions).toMatchObject({ joined: 18_486, fromTags: 0, unmatched: 0 });
      expect(summary.problems).toEqual([]);
    });

    it('uses exactly the vocabulary the demo catalog and tokenizers assume', () => {
      const used = (c: 'mood' | 'genre' | 'instrument') => [...new Set(tracks.flatMap((t) => t.tags[c]))].sort();
      expect(used('mood')).toEqual([...JAMENDO_MOODS].sort());
      expect(used('genre')).toEqual([...JAMENDO_GENRES].sort());
      expect(used('instrument')).toEqual([...JAMENDO_INSTRUMENTS].sort());
    });

    it('keeps the prototype row order and splits keyword tails off every caption', () => {
      expect(tracks[0]).toMatchObject({
        id: 'track_0000948',
        path: '48/948.mp3',
        durationSec: 212.7,
        caption: 'A dreamy synthpop track with ethereal vocals and shimmering synthesizers.',
        tags: { mood: ['background'], genre: ['chillout', 'downtempo', 'easylistening', 'electronic', 'lounge'], instrument: ['synthesizer'] },
      });
      expect(tracks[0]!.keywords.slice(0, 4)).toEqual(['dreamy', 'synthpop', 'ethereal', 'shimmering']);
      const leftovers = tracks.filter((t) => /\||\bkeywords?\s*:|suggested tags/i.test(t.caption));
      expect(leftovers.map((t) => t.caption)).toEqual([]);
      expect(summary.captions!.withKeywordTail).toBeGreaterThan(17_000);
      expect(tracks.every((t) => t.caption.length > 10 && t.keywords.length > 0)).toBe(true);
    });
  });

  describe('autotagging_moodtheme.tsv + autotagging_instrument.tsv', () => {
    let tracks: Track[];
    let summary: ImportSummary;
    /** Track ids per file, counted by plain line splitting: an independent check of the merge. */
    let moodIds: Set<string>;
    let instrumentIds: Set<string>;
    beforeAll(async () => {
      ({ tracks, summary } = await importJamendoFiles({
        metadata: [data('autotagging_moodtheme.tsv'), data('autotagging_instrument.tsv')],
      }));
      const ids = async (f: string) =>
        new Set((await readFile(data(f), 'utf8')).split('\n').slice(1).filter(Boolean).map((l) => l.split('\t')[0]!));
      moodIds = await ids('autotagging_moodtheme.tsv');
      instrumentIds = await ids('autotagging_instrument.tsv');
    });

    it('merges the subsets by track id', () => {
      const union = new Set([...moodIds, ...instrumentIds]);
      const both = [...moodIds].filter((id) => instrumentIds.has(id));
      expect(moodIds.size).toBe(18_486);
      expect(instrumentIds.size).toBe(25_135);
      expect(union.size).toBe(33_027);
      expect(both.length).toBe(10_594);
      expect(summary.tracks).toBe(union.size);
      expect(new Set(tracks.map((t) => t.id))).toEqual(union);
      expect(summary.tags.mood).toEqual({ distinct: 59, tracks: moodIds.size });
      expect(summary.tags.instrument).toEqual({ distinct: 41, tracks: instrumentIds.size });
      expect(summary.tags.genre).toEqual({ distinct: 0, tracks: 0 });
      expect(tracks.filter((t) => t.tags.mood.length && t.tags.instrument.length)).toHaveLength(both.length);
      expect(summary.problems).toEqual([]);
    });

    it('keeps every tag of a track from both files', () => {
      const t = tracks.find((x) => x.id === 'track_0007391')!;
      expect(t.tags.instrument).toEqual([
        'bass', 'computer', 'drummachine', 'drums', 'electricguitar', 'guitar', 'keyboard', 'sampler', 'synthesizer', 'voice',
      ]);
      expect(t.tags.mood.length).toBeGreaterThan(0);
      expect(t.caption).toMatch(/^An? .* track with .*\.$/);
    });
  });
});
