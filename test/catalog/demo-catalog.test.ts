import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoAudioPath } from '../../src/audio/demo-audio.ts';
import { demoDurationSec } from '../../src/audio/synth.ts';
import { parseCatalog, serializeCatalog } from '../../src/catalog/catalog-file.ts';
import { runCatalogCommand } from '../../src/cli/catalog-command.ts';
import { DEMO_DEFAULT_TRACKS, STYLE_FAMILIES, generateDemoCatalog } from '../../src/catalog/demo-catalog.ts';
import { JAMENDO_GENRES, JAMENDO_INSTRUMENTS, JAMENDO_MOODS } from '../../src/catalog/jamendo-vocabulary.ts';
import { moodRole, tagPhrase } from '../../src/catalog/tag-words.ts';
import { forbidsDerivatives, jamendoNumber, trackUrl } from '../../src/catalog/track.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const VOCAB = {
  mood: new Set<string>(JAMENDO_MOODS),
  genre: new Set<string>(JAMENDO_GENRES),
  instrument: new Set<string>(JAMENDO_INSTRUMENTS),
};

describe('generateDemoCatalog', () => {
  const tracks = generateDemoCatalog();

  it('is deterministic: the same seed gives identical tracks, another seed different ones', () => {
    expect(generateDemoCatalog()).toEqual(tracks);
    expect(generateDemoCatalog({ tracks: DEMO_DEFAULT_TRACKS, seed: 1 })).toEqual(tracks);
    expect(generateDemoCatalog({ seed: '1' })).toEqual(tracks);
    const other = generateDemoCatalog({ seed: 2 });
    expect(other.map((t) => t.caption)).not.toEqual(tracks.map((t) => t.caption));
    // A smaller catalog is a prefix of the larger one with the same seed: ids are stable.
    expect(generateDemoCatalog({ tracks: 50 }).map((t) => t.id)).toEqual(tracks.slice(0, 50).map((t) => t.id));
  });

  it('has ≥500 tracks by default with unique, clearly synthetic ids and the paths of their demo audio', () => {
    expect(tracks.length).toBe(600);
    expect(new Set(tracks.map((t) => t.id)).size).toBe(tracks.length);
    expect(tracks[11]!.id).toBe('demo_9000012');
    expect(tracks[11]!.path).toBe('b5/demo_9000012.ogg');
    const formats = new Set(tracks.map((t) => t.path!.split('.').pop()));
    expect([...formats].sort()).toEqual(['flac', 'm4a', 'mp3', 'ogg', 'wav']);
    for (const t of tracks) {
      expect(t.id).toMatch(/^demo_9\d{6}$/);
      // The file writeDemoAudio synthesizes for it, at the length it synthesizes.
      expect(t.path).toBe(demoAudioPath(t.id));
      expect(t.durationSec).toBe(demoDurationSec({ id: t.id }));
      // Not mistaken for a Jamendo track: no Jamendo page is made up for it.
      expect(jamendoNumber(t.id)).toBeUndefined();
      expect(trackUrl(t)).toBeUndefined();
    }
  });

  it('uses only MTG-Jamendo vocabulary tags, at least one mood and genre per track', () => {
    for (const t of tracks) {
      expect(t.tags.mood.length).toBeGreaterThan(0);
      expect(t.tags.genre.length).toBeGreaterThan(0);
      for (const c of ['mood', 'genre', 'instrument'] as const) {
        for (const tag of t.tags[c]) expect(VOCAB[c].has(tag), `${c} ${tag}`).toBe(true);
        expect(new Set(t.tags[c]).size).toBe(t.tags[c].length);
      }
    }
    for (const f of STYLE_FAMILIES) {
      for (const tag of f.genres) expect(VOCAB.genre.has(tag), tag).toBe(true);
      for (const tag of f.moods) expect(VOCAB.mood.has(tag), tag).toBe(true);
      for (const tag of f.instruments) expect(VOCAB.instrument.has(tag), tag).toBe(true);
    }
    // Wide coverage of the vocabulary, not a handful of tags.
    const used = (c: 'mood' | 'genre' | 'instrument') => new Set(tracks.flatMap((t) => t.tags[c])).size;
    expect(used('mood')).toBeGreaterThan(40);
    expect(used('genre')).toBeGreaterThan(60);
    expect(used('instrument')).toBeGreaterThan(30);
  });

  it('keeps tags that belong together: moods, instruments and the main genre of one style', () => {
    for (const t of tracks) {
      const fits = STYLE_FAMILIES.some(
        (f) =>
          f.genres.includes(t.tags.genre[0]!) &&
          t.tags.mood.every((m) => f.moods.includes(m)) &&
          t.tags.instrument.every((i) => f.instruments.includes(i)),
      );
      expect(fits, `${t.id} ${JSON.stringify(t.tags)}`).toBe(true);
    }
    // Orchestral tracks never come with a drum machine; techno never with a harp.
    const withGenre = (g: string) => tracks.filter((t) => t.tags.genre[0] === g);
    expect(withGenre('orchestral').length).toBeGreaterThan(0);
    expect(withGenre('orchestral').some((t) => t.tags.instrument.includes('drummachine'))).toBe(false);
    expect(withGenre('techno').some((t) => t.tags.instrument.includes('harp'))).toBe(false);
  });

  it('writes varied captions that contain every tag as words', () => {
    for (const t of tracks) {
      const caption = t.caption.toLowerCase();
      const words = [
        ...t.tags.mood.map((m) => {
          const role = moodRole(m);
          return role.kind === 'adjective' ? role.word : m;
        }),
        ...t.tags.genre.map(tagPhrase),
        ...t.tags.instrument.map(tagPhrase),
      ];
      for (const w of words) expect(caption, `${t.id}: ${w}`).toContain(w.toLowerCase());
      expect(t.caption).toMatch(/^[A-Z0-9].*[.]$/);
    }
    const openings = new Set(tracks.map((t) => t.caption.split(' ').slice(0, 1).join(' ')));
    expect(openings.size).toBeGreaterThan(10);
    expect(new Set(tracks.map((t) => t.caption)).size).toBeGreaterThan(500);
  });

  it('gives every track a duration, credits, keywords and a licence, some of them no-derivatives', () => {
    for (const t of tracks) {
      expect(t.durationSec).toBeGreaterThanOrEqual(12);
      expect(t.durationSec).toBeLessThanOrEqual(20);
      expect(t.title && t.artist && t.album && t.artistId && t.albumId).toBeTruthy();
      expect(t.releaseDate).toMatch(/^20(0[5-9]|1\d)-\d\d-\d\d$/);
      expect(t.keywords.length).toBeGreaterThan(0);
      expect(t.license).toMatch(/^CC BY/);
      expect(t.licenseUrl).toMatch(/^https:\/\/creativecommons\.org\/licenses\//);
    }
    const nd = tracks.filter((t) => forbidsDerivatives(t.license));
    expect(nd.some((t) => t.license === 'CC BY-NC-ND 3.0')).toBe(true);
    expect(nd.length).toBeGreaterThan(30);
    expect(nd.length).toBeLessThan(tracks.length / 2);
  });

  it('survives the catalog file round trip unchanged', () => {
    expect(parseCatalog(serializeCatalog(tracks))).toEqual(tracks);
  });

  it('rejects impossible sizes', () => {
    expect(() => generateDemoCatalog({ tracks: 0 })).toThrow(RangeError);
    expect(() => generateDemoCatalog({ tracks: 1.5 })).toThrow(RangeError);
  });
});

describe('catalog demo command', () => {
  it('writes the demo catalog, and checks its options', async () => {
    const { dir, cleanup } = await tempDir('catalog-demo');
    try {
      const out: string[] = [];
      const err: string[] = [];
      const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
      const file = join(dir, 'sub', 'demo.csv');
      expect(await runCatalogCommand(['demo', '--out', file, '--tracks', '40', '--seed', '7'], io)).toBe(0);
      expect(parseCatalog(await readFile(file, 'utf8'))).toEqual(generateDemoCatalog({ tracks: 40, seed: 7 }));
      expect(out).toEqual([`demo catalog: 40 tracks (seed 7) → ${file}`]);
      expect(await runCatalogCommand(['demo', '--out', file, '--tracks', 'many'], io)).toBe(2);
      expect(err.at(-1)).toMatch(/--tracks must be a whole number/);
    } finally {
      await cleanup();
    }
  });
});
