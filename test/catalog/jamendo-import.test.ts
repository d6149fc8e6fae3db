import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCatalog } from '../../src/catalog/catalog-file.ts';
import { runCatalogCommand } from '../../src/cli/catalog-command.ts';
import { forbidsDerivatives } from '../../src/catalog/track.ts';
import type { Track } from '../../src/catalog/track.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';

/** Runs the command as the CLI would, capturing its output lines. */
async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCatalogCommand(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

const tsv = (rows: string[][]) => rows.map((r) => r.join('\t')).join('\n') + '\n';
const TSV_HEADER = ['TRACK_ID', 'ARTIST_ID', 'ALBUM_ID', 'PATH', 'DURATION', 'TAGS'];

const dir = await fileTempDir('catalog-import');
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  await writeFile(
    file('tag_map.json'),
    JSON.stringify({
      genre: { electronik: 'electronic' },
      'mood/theme': { relaxed: 'relaxing' },
      instrument: { synth: 'synthesizer' },
    }),
  );
  // Three MTG-Jamendo category subsets; tracks overlap between them.
  await writeFile(
    file('autotagging_moodtheme.tsv'),
    tsv([
      TSV_HEADER,
      ['track_0000001', 'artist_000001', 'album_000001', '01/1.mp3', '212.7', 'mood/theme---happy', 'mood/theme---Relaxed'],
      ['track_0000002', 'artist_000001', 'album_000001', '02/2.mp3', '100.0', 'mood/theme---dark'],
      ['track_0000003', 'artist_000002', 'album_000002', '03/3.mp3', 'not-a-number', 'mood/theme---sad'],
    ]),
  );
  await writeFile(
    file('autotagging_genre.tsv'),
    tsv([
      TSV_HEADER,
      ['track_0000001', 'artist_000001', 'album_000001', '01/1.mp3', '212.7', 'genre---Electronica', 'genre---electronik'],
      ['track_0000004', 'artist_000003', 'album_000004', '04/4.mp3', '61.5', 'genre---rock'],
    ]),
  );
  await writeFile(
    file('autotagging_instrument.tsv'),
    tsv([
      TSV_HEADER,
      ['track_0000002', 'artist_000001', 'album_000001', '02/2.mp3', '100.0', 'instrument---synth', 'instrument---piano', 'instrument---synth'],
      ['track_0000004', 'artist_000003', 'album_000004', '04/4.mp3', '61.5', 'instrument---drums', 'tempo---fast'],
      ['track_0000009', 'artist_000009'],
    ]),
  );

  // The prototype's merged table: Python lists, empty cells, a bad list, a broken quote.
  await writeFile(
    file('metadata_base.csv'),
    [
      'TRACK_ID,ARTIST_ID,ALBUM_ID,PATH,DURATION,Mood/Theme_TAG,Genre_TAG,Instrument_TAG',
      `track_0000948,artist_000087,album_000149,48/948.mp3,212.7,['background'],"['chillout', 'downtempo', 'Lounge']",['synthesizer']`,
      `track_0002165,artist_000326,album_000347,65/2165.mp3,229.0,['film'],"['chillout', ""rock'n'roll""]",`,
      `track_0000010,artist_000001,album_000001,10/10.mp3,100,['happy'],"['pop'",`,
      `track_0000011,artist_000001,album_000001,11/11.mp3,100,,,`,
      `track_0000012,artist_000001,album_000001,12/12.mp3,1,"['x']"oops,,`,
      `track_0000013,artist_000005,album_000005,13/13.mp3,50,['sad'],[],['piano']`,
      `track_0000014,artist_000005,album_000005,14/14.mp3,60,"['calm', 'relaxed']",['ambient'],"['piano', 'strings']"`,
      '',
    ].join('\n'),
  );
  // One caption per keyword-tail variant; one for a track the metadata does not have.
  await writeFile(
    file('captions.csv'),
    [
      'TRACK_ID,caption',
      'track_0000948,"A dreamy synthpop track with ethereal vocals. Keywords: dreamy, synthpop, ethereal, shimmering."',
      'track_0002165,"A psychedelic rock track with trippy guitar riffs. || psychedelic, rock, trippy, hypnotic"',
      'track_0000011,"A dynamic electronic dance track plays. | dance, Electronic, pulsing, upbeat"',
      'track_0000013,"A haunting bell melody. It sounds mystical. || keyword1: mystical, keyword2: haunting"',
      'track_9999999,"A caption for a track that is not in the metadata."',
      '',
    ].join('\n'),
  );
  // Credits: a title with a stray quote (CSV rules would swallow the next line), the
  // dataset's known 9-field quirk, a short row, a track the metadata lacks.
  await writeFile(
    file('raw.meta.tsv'),
    tsv([
      ['TRACK_ID', 'ARTIST_ID', 'ALBUM_ID', 'TRACK_NAME', 'ARTIST_NAME', 'ALBUM_NAME', 'RELEASEDATE', 'URL'],
      ['track_0000948', 'artist_000087', 'album_000149', '"Morning Light', 'John "JJ" Doe', 'Sunrise', '2004-12-28', 'https://www.jamendo.com/track/948'],
      ['track_0002165', 'artist_000326', 'album_000347', 'Film Theme', '', 'The Band', 'OST', '2005-01-01', 'https://www.jamendo.com/track/2165'],
      ['track_0000011', 'x', 'Only four fields'],
      ['track_0000013', 'artist_000005', 'album_000005', 'Title 13', 'Artist 13', 'Album 13', '2010-01-01', 'https://www.jamendo.com/track/13'],
      ['track_5555555', 'artist_1', 'album_1', 'Elsewhere', 'Someone', 'Else', '2011-01-01', 'https://www.jamendo.com/track/5555555'],
    ]),
  );
  // Licence blocks with uneven blank lines, one broken block, one matched by URL only.
  await writeFile(
    file('audio_licenses.txt'),
    [
      '48/948.mp3',
      '"Morning Light" by John "JJ" Doe from Jamendo: https://www.jamendo.com/track/948',
      'Available under CC BY-NC-SA: https://creativecommons.org/licenses/by-nc-sa/3.0/',
      '',
      '',
      '',
      '65/2165.mp3',
      '"Film Theme" by The Band from Jamendo: https://www.jamendo.com/track/2165',
      'Available under CC BY-NC-ND 3.0: https://creativecommons.org/licenses/by-nc-nd/3.0/',
      '11/11.mp3',
      'this line is not an attribution',
      '',
      'old/13.mp3',
      '"Title 13" by Artist 13 from Jamendo: https://www.jamendo.com/track/13',
      'Available under CC BY: https://creativecommons.org/licenses/by/3.0/',
      '',
    ].join('\n'),
  );
});

describe('catalog jamendo: MTG-Jamendo TSV subsets', () => {
  let result: Awaited<ReturnType<typeof run>>;
  let tracks: Track[];
  beforeAll(async () => {
    result = await run([
      'jamendo',
      '--metadata', file('autotagging_moodtheme.tsv'),
      '--metadata', file('autotagging_genre.tsv'),
      '--metadata', file('autotagging_instrument.tsv'),
      '--tag-map', file('tag_map.json'),
      '--out', file('tsv-catalog.csv'),
    ]);
    tracks = await readCatalog(file('tsv-catalog.csv'));
  });

  it('merges subsets by track id with the union of tags, normalized and aliased', () => {
    expect(result.code).toBe(0);
    expect(tracks.map((t) => t.id)).toEqual(['track_0000001', 'track_0000002', 'track_0000004']);
    const [t1, t2, t4] = tracks;
    expect(t1!.tags).toEqual({ mood: ['happy', 'relaxing'], genre: ['electronica', 'electronic'], instrument: [] });
    expect(t2!.tags).toEqual({ mood: ['dark'], genre: [], instrument: ['synthesizer', 'piano'] });
    expect(t4!.tags).toEqual({ mood: [], genre: ['rock'], instrument: ['drums'] });
    expect(t1).toMatchObject({ artistId: 'artist_000001', albumId: 'album_000001', path: '01/1.mp3', durationSec: 212.7 });
  });

  it('writes captions from tags when there is no captions file', () => {
    expect(tracks[1]!.caption).toBe('A dark track with synthesizer and piano.');
    expect(tracks[2]!.caption).toBe('A rock track with drums.');
    expect(tracks.every((t) => t.keywords.length > 0)).toBe(true);
  });

  it('lists bad rows with file and line, and keeps going', () => {
    expect(result.out).toContain('tracks: 3');
    expect(result.out).toContain('mood/theme: 3 tags, 2 tracks with one');
    expect(result.out).toContain('genre: 3 tags, 2 tracks with one');
    expect(result.out).toContain('instrument: 3 tags, 2 tracks with one');
    expect(result.out).toContain('rows skipped or with problems: 3');
    const problems = result.out.filter((l) => l.startsWith('  '));
    expect(problems).toEqual([
      expect.stringMatching(/^ {2}autotagging_moodtheme\.tsv:4: DURATION "not-a-number"/),
      expect.stringMatching(/^ {2}autotagging_instrument\.tsv:3: tag "tempo---fast"/),
      expect.stringMatching(/^ {2}autotagging_instrument\.tsv:4: expected at least 5 tab-separated fields, found 2/),
    ]);
  });
});

describe('catalog jamendo: metadata_base.csv with captions, credits and licences', () => {
  let result: Awaited<ReturnType<typeof run>>;
  let byId: Map<string, Track>;
  beforeAll(async () => {
    result = await run([
      'jamendo',
      '--metadata', file('metadata_base.csv'),
      '--captions', file('captions.csv'),
      '--tag-map', file('tag_map.json'),
      '--meta', file('raw.meta.tsv'),
      '--licenses', file('audio_licenses.txt'),
      '--out', file('base-catalog.csv'),
    ]);
    byId = new Map((await readCatalog(file('base-catalog.csv'))).map((t) => [t.id, t]));
  });

  it('reads Python-list tag cells and empty cells', () => {
    expect(result.code).toBe(0);
    expect([...byId.keys()]).toEqual(['track_0000948', 'track_0002165', 'track_0000011', 'track_0000013', 'track_0000014']);
    expect(byId.get('track_0000948')!.tags).toEqual({ mood: ['background'], genre: ['chillout', 'downtempo', 'lounge'], instrument: ['synthesizer'] });
    expect(byId.get('track_0002165')!.tags).toEqual({ mood: ['film'], genre: ['chillout', "rock'n'roll"], instrument: [] });
    expect(byId.get('track_0000011')!.tags).toEqual({ mood: [], genre: [], instrument: [] });
    expect(byId.get('track_0000014')!.tags.mood).toEqual(['calm', 'relaxing']);
  });

  it('joins captions, splits every keyword-tail variant off, and adds TF-IDF keywords after them', () => {
    const t948 = byId.get('track_0000948')!;
    expect(t948.caption).toBe('A dreamy synthpop track with ethereal vocals.');
    expect(t948.keywords.slice(0, 4)).toEqual(['dreamy', 'synthpop', 'ethereal', 'shimmering']);
    expect(new Set(t948.keywords).size).toBe(t948.keywords.length);
    expect(byId.get('track_0002165')!.caption).toBe('A psychedelic rock track with trippy guitar riffs.');
    expect(byId.get('track_0002165')!.keywords.slice(0, 4)).toEqual(['psychedelic', 'rock', 'trippy', 'hypnotic']);
    expect(byId.get('track_0000011')!.keywords.slice(0, 4)).toEqual(['dance', 'electronic', 'pulsing', 'upbeat']);
    expect(byId.get('track_0000013')!.caption).toBe('A haunting bell melody. It sounds mystical.');
    expect(byId.get('track_0000013')!.keywords.slice(0, 2)).toEqual(['mystical', 'haunting']);
    // TF-IDF adds a term the tail lacked ("bell" is in this caption only).
    expect(byId.get('track_0000013')!.keywords).toContain('bell');
  });

  it('writes a readable caption from tags for a track without one', () => {
    expect(byId.get('track_0000014')!.caption).toBe('A calm, relaxing ambient track with piano and strings.');
  });

  it('joins credits split on tabs only: a stray quote does not swallow the next row', () => {
    expect(byId.get('track_0000948')).toMatchObject({
      title: '"Morning Light',
      artist: 'John "JJ" Doe',
      album: 'Sunrise',
      releaseDate: '2004-12-28',
      url: 'https://www.jamendo.com/track/948',
    });
    expect(byId.get('track_0002165')).toMatchObject({ title: 'Film Theme', artist: 'The Band', album: 'OST' });
    expect(byId.get('track_0000013')!.title).toBe('Title 13');
    expect(byId.get('track_0000011')!.title).toBeUndefined();
  });

  it('joins licences by path, or by the Jamendo URL when the path differs', () => {
    expect(byId.get('track_0000948')).toMatchObject({
      license: 'CC BY-NC-SA 3.0',
      licenseUrl: 'https://creativecommons.org/licenses/by-nc-sa/3.0/',
    });
    expect(byId.get('track_0002165')!.license).toBe('CC BY-NC-ND 3.0');
    expect(forbidsDerivatives(byId.get('track_0002165')!.license)).toBe(true);
    expect(byId.get('track_0000013')!.license).toBe('CC BY 3.0');
    expect(byId.get('track_0000011')!.license).toBeUndefined(); // its block is broken
  });

  it('summarizes counts and lists every bad row with its file and line', () => {
    expect(result.out).toEqual(
      expect.arrayContaining([
        'tracks: 5',
        'mood/theme: 5 tags, 4 tracks with one',
        'genre: 5 tags, 3 tracks with one',
        'instrument: 3 tags, 3 tracks with one',
        'captions: 5 (4 joined, 1 written from tags); 4 with a keyword tail; 1 for unknown tracks',
        'titles: 3 (1 credit rows for other tracks)',
        'licences: 3',
        'rows skipped or with problems: 4',
      ]),
    );
    const problems = result.out.filter((l) => l.startsWith('  '));
    expect(problems).toEqual([
      expect.stringMatching(/^ {2}metadata_base\.csv:4: tag cell "\['pop'" is not a list/),
      expect.stringMatching(/^ {2}metadata_base\.csv:6: not valid CSV: unexpected character "o" after a closing quote/),
      expect.stringMatching(/^ {2}raw\.meta\.tsv:4: expected 8 tab-separated fields, found 3/),
      expect.stringMatching(/^ {2}audio_licenses\.txt:10: licence block for 11\/11\.mp3 lacks a "… by … from Jamendo: <url>" line/),
    ]);
  });

  it('writes the file atomically: no temp files left behind', async () => {
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(dir)).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect((await readFile(file('base-catalog.csv'), 'utf8')).split('\n')[0]).toMatch(/^track_id,artist_id,/);
  });
});

describe('catalog jamendo: usage and input errors', () => {
  it('exits 2 with one line on stderr for a missing file', async () => {
    const r = await run(['jamendo', '--metadata', file('nope.tsv'), '--out', file('x.csv')]);
    expect(r.code).toBe(2);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/metadata file .*nope\.tsv does not exist/);
  });

  it('exits 2 for an unrecognized metadata header, a bad tag map, missing options', async () => {
    await writeFile(file('weird.csv'), 'a,b,c\n1,2,3\n');
    await writeFile(file('bad-map.json'), '{"tempo": {}}');
    const cases = [
      [['jamendo', '--metadata', file('weird.csv'), '--out', file('x.csv')], /unrecognized metadata header/],
      [['jamendo', '--metadata', file('metadata_base.csv'), '--tag-map', file('bad-map.json'), '--out', file('x.csv')], /unknown category "tempo"/],
      [['jamendo', '--out', file('x.csv')], /Missing --metadata/],
      [['jamendo', '--metadata', file('metadata_base.csv')], /Missing --out/],
      [['jamendo', '--metadatas', 'x'], /Unknown option '--metadatas'/],
      [['shuffle'], /Unknown catalog command "shuffle"/],
    ] as const;
    for (const [argv, message] of cases) {
      const r = await run([...argv]);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err.join('\n')).toMatch(message);
      expect(r.err.join('\n')).not.toMatch(/\n\s+at /); // no stack trace
    }
  });
});
