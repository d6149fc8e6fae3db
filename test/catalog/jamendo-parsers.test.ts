import { describe, expect, it } from 'vitest';
import { csvRecords } from '../../src/catalog/jamendo/csv-records.ts';
import { jamendoTrackId, parseAudioLicenses } from '../../src/catalog/jamendo/credits-files.ts';
import { detectMetadataFormat } from '../../src/catalog/jamendo/metadata-files.ts';
import { parsePythonStringList } from '../../src/catalog/jamendo/python-list.ts';
import { parseTagMap } from '../../src/catalog/tags.ts';
import { UserError } from '../../src/errors.ts';

describe('parsePythonStringList', () => {
  it.each([
    ['[]', []],
    ["['chillout', 'lounge']", ['chillout', 'lounge']],
    [`["rock'n'roll", 'pop']`, ["rock'n'roll", 'pop']],
    [String.raw`['it\'s', "say \"hi\""]`, ["it's", 'say "hi"']],
    ["[ 'a' , ]", ['a']],
  ])('parses %s', (text, expected) => {
    expect(parsePythonStringList(text)).toEqual(expected);
  });

  it.each(["['pop'", "['pop' 'rock']", '[pop]', "'pop'", "['pop', 3]", "['unterminated]"])('rejects %s', (text) => {
    expect(parsePythonStringList(text)).toBeUndefined();
  });
});

describe('csvRecords', () => {
  it('reads quoted fields with commas, escaped quotes and line breaks, with each record\'s first line', () => {
    const text = '\ufeffid,caption\r\n1,"a, ""b""\nc"\n\n2,plain\n3,"x"\n';
    expect([...csvRecords(text)]).toEqual([
      { line: 1, fields: ['id', 'caption'] },
      { line: 2, fields: ['1', 'a, "b"\nc'] },
      { line: 5, fields: ['2', 'plain'] },
      { line: 6, fields: ['3', 'x'] },
    ]);
  });

  it('reports a broken record and resumes at the next line', () => {
    const text = 'id,v\n1,"x"oops\n2,ok\n3,"never closed\n4,ok\n';
    expect([...csvRecords(text)]).toEqual([
      { line: 1, fields: ['id', 'v'] },
      { line: 2, error: 'unexpected character "o" after a closing quote' },
      { line: 3, fields: ['2', 'ok'] },
      { line: 4, error: 'a quoted field is never closed' },
      { line: 5, fields: ['4', 'ok'] },
    ]);
  });
});

describe('format detection, ids, licences, tag maps', () => {
  it('detects the metadata format from the header', () => {
    expect(detectMetadataFormat('TRACK_ID\tARTIST_ID\tALBUM_ID\tPATH\tDURATION\tTAGS\n', 'f')).toBe('autotagging-tsv');
    expect(detectMetadataFormat('TRACK_ID,ARTIST_ID,ALBUM_ID,PATH,DURATION,Mood/Theme_TAG,Genre_TAG\n', 'f')).toBe('metadata-base-csv');
    expect(() => detectMetadataFormat('id;name\n', 'f')).toThrow(UserError);
  });

  it('maps Jamendo numbers to catalog ids', () => {
    expect(jamendoTrackId('948')).toBe('track_0000948');
    expect(jamendoTrackId('track_0000948')).toBe('track_0000948');
  });

  it('reads licence names with their version and keeps going after a bad block', () => {
    const { licenses, problems } = parseAudioLicenses(
      [
        'some header text',
        '01/1.mp3',
        '"A" by B from Jamendo: https://www.jamendo.com/track/1',
        'Available under CC BY-SA: https://creativecommons.org/licenses/by-sa/3.0/',
        '02/2.mp3',
        '"C" by D from Jamendo: https://www.jamendo.com/track/2',
        'Available under Art Libre: http://artlibre.org/licence/lal/en',
      ].join('\r\n'),
      'lic.txt',
    );
    expect(licenses).toEqual([
      { path: '01/1.mp3', jamendoNumber: '1', license: 'CC BY-SA 3.0', licenseUrl: 'https://creativecommons.org/licenses/by-sa/3.0/' },
      { path: '02/2.mp3', jamendoNumber: '2', license: 'Art Libre', licenseUrl: 'http://artlibre.org/licence/lal/en' },
    ]);
    expect(problems).toEqual([{ file: 'lic.txt', line: 1, message: 'expected an audio path, found "some header text"' }]);
  });

  it('validates tag maps', () => {
    const map = parseTagMap('{"genre": {"Punk": "punkrock"}, "mood/theme": {}, "instrument": {"synth": "synthesizer"}}');
    expect(map.genre.get('punk')).toBe('punkrock');
    expect(map.instrument.get('synth')).toBe('synthesizer');
    expect(() => parseTagMap('[]')).toThrow(/JSON object keyed by category/);
    expect(() => parseTagMap('{"genre": {"a": 3}}')).toThrow(/alias "a" must map to a non-empty tag/);
    expect(() => parseTagMap('{oops')).toThrow(/not valid JSON/);
  });
});
