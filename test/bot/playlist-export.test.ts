/** The pure playlist export (app/playlist-export.ts) and the Save reply text: files people keep and open elsewhere. */
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, creditLine, csvField, exportPlaylist, filenameBase, guardFormula, withLicenses } from '../../src/app/playlist-export.ts';
import type { ResultView, TrackEntry } from '../../src/app/result-view.ts';
import { pageComponents } from '../../src/discord/paged-results/page-model.ts';
import { creditMarkdown, licenseSummary, saveReplyText } from '../../src/discord/paged-results/save-button.ts';
import { csvObjects, parseCsv } from '../helpers/csv.ts';
import { resultEntry } from '../helpers/fixture-tracks.ts';

/** An entry with a licence (the export's subject) and no audio score. */
const entry = (i: number, over: Partial<TrackEntry> = {}): TrackEntry =>
  resultEntry(i, { audioScore: null, license: 'CC BY-NC-SA 3.0', licenseUrl: 'http://creativecommons.org/licenses/by-nc-sa/3.0/', ...over });

function view(entries: TrackEntry[], over: Partial<ResultView> = {}): ResultView {
  return { prompt: 'calm piano for a rainy evening', filter: null, perPage: 3, entries, mode: 'text-only', indexName: 'x', latencyMs: 1, cached: false, preview: null, ...over };
}

/** The playlist's items: each `#EXTINF` with the location after it, and the comment lines. */
function m3uItems(text: string): { extinf: string; location: string }[] {
  const lines = text.split('\n');
  const items: { extinf: string; location: string }[] = [];
  lines.forEach((l, k) => {
    if (l.startsWith('#EXTINF:')) items.push({ extinf: l, location: lines[k + 1]! });
  });
  return items;
}

describe('CSV cells', () => {
  it('quotes commas, quotes and line breaks (RFC 4180), and nothing else', () => {
    expect(csvField('plain text')).toBe('plain text');
    expect(csvField('a, b')).toBe('"a, b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
  });

  it('guards cells a spreadsheet would run as formulas', () => {
    for (const bad of ['=1+1', '+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1', '=HYPERLINK("http://evil","x")']) expect(guardFormula(bad)).toBe(`'${bad}`);
    for (const ok of ['1+1', 'a=b', 'Song - Remix', '', ' =1']) expect(guardFormula(ok)).toBe(ok);
  });
});

describe('exportPlaylist', () => {
  it('lists every entry of every page in rank order, in both files', () => {
    // Seven entries on three pages of three, stored out of order.
    const entries = [4, 0, 6, 2, 1, 5, 3].map((i) => entry(i));
    const out = exportPlaylist(view(entries));
    const rows = csvObjects(out.csv);
    expect(rows.map((r) => r.rank)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(rows.map((r) => r.id)).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => entry(i).trackId));
    expect(m3uItems(out.m3u8).map((it) => it.location)).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => entry(i).url));
    expect(out.credits.map((c) => c.rank)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(out.unlinked).toBe(0);
  });

  it('writes the CSV header, tags, licence, deed and duration, with CRLF line ends', () => {
    const out = exportPlaylist(view([entry(0, { mood: ['calm', 'dreamy'], instrument: [] })]));
    expect(out.csv.split('\r\n')[0]).toBe(CSV_COLUMNS.join(','));
    expect(CSV_COLUMNS.slice(0, 7)).toEqual(['rank', 'id', 'title', 'artist', 'tags', 'link', 'licence']);
    expect(out.csv.endsWith('\r\n')).toBe(true);
    expect(out.csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(csvObjects(out.csv)).toEqual([
      {
        rank: '1',
        id: 'track_0001000',
        title: 'Title 1',
        artist: 'Someone',
        tags: 'calm; dreamy; ambient',
        link: 'https://www.jamendo.com/track/1000',
        licence: 'CC BY-NC-SA 3.0',
        licence_url: 'http://creativecommons.org/licenses/by-nc-sa/3.0/',
        duration_sec: '200',
      },
    ]);
  });

  it('keeps hostile catalog text intact but inert: quoted, formula-guarded, one record per track', () => {
    const nasty = entry(0, { title: '=cmd|" /C calc"!A0', artist: 'Doe, "J"\r\nDROP', mood: ['@mood'], genre: ['-1'], instrument: [], license: '+CC' });
    const out = exportPlaylist(view([nasty, entry(1)]));
    const records = parseCsv(out.csv);
    expect(records).toHaveLength(3);
    const [row] = csvObjects(out.csv);
    expect(row).toMatchObject({ title: '\'=cmd|" /C calc"!A0', artist: 'Doe, "J"\r\nDROP', tags: '\'@mood; -1', licence: '\'+CC' });
    // No cell starts a formula.
    for (const r of records.slice(1)) for (const cell of r.slice(1, 8)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('writes extended M3U: header, #PLAYLIST naming the prompt, a credit comment and #EXTINF + link per track', () => {
    const out = exportPlaylist(view([entry(0), entry(1, { durationSec: undefined })], { filter: 'mood: calm' }));
    const lines = out.m3u8.split('\n');
    expect(lines[0]).toBe('#EXTM3U');
    expect(lines[1]).toBe('#PLAYLIST:cratedigger: calm piano for a rainy evening (mood: calm)');
    expect(out.m3u8.endsWith('\n')).toBe(true);
    expect(out.m3u8).not.toContain('\r');
    expect(m3uItems(out.m3u8)).toEqual([
      { extinf: '#EXTINF:200,Someone - Title 1', location: 'https://www.jamendo.com/track/1000' },
      { extinf: '#EXTINF:-1,Someone - Title 2', location: 'https://www.jamendo.com/track/1001' },
    ]);
    // The credit comment sits right above its #EXTINF.
    const at = lines.indexOf('#EXTINF:200,Someone - Title 1');
    expect(lines[at - 1]).toBe('# 1. "Title 1" by Someone — CC BY-NC-SA 3.0 <http://creativecommons.org/licenses/by-nc-sa/3.0/> — https://www.jamendo.com/track/1000');
    // Every line is a directive, a comment, blank, or a location.
    for (const l of lines) expect(l === '' || l.startsWith('#') || l.startsWith('https://')).toBe(true);
  });

  it('falls back to the track id without title or artist, says "licence unknown", and lists link-less tracks as comments only', () => {
    const bare = entry(0, { title: undefined, artist: undefined, license: undefined, licenseUrl: undefined, durationSec: undefined });
    const noLink = entry(1, { url: undefined, title: '  ', artist: undefined });
    const out = exportPlaylist(view([bare, noLink]));
    expect(m3uItems(out.m3u8)).toEqual([{ extinf: '#EXTINF:-1,track_0001000', location: 'https://www.jamendo.com/track/1000' }]);
    expect(out.m3u8).toContain('# 1. "track_0001000" — licence unknown — https://www.jamendo.com/track/1000');
    expect(out.m3u8).toContain('# 2. "track_0001001" — CC BY-NC-SA 3.0 <http://creativecommons.org/licenses/by-nc-sa/3.0/>\n# (track_0001001 has no public link, so it is not a playlist item)');
    expect(out.unlinked).toBe(1);
    // The sheet keeps both, with empty cells for what the catalog lacks.
    expect(csvObjects(out.csv).map((r) => [r.id, r.title, r.artist, r.link, r.licence, r.duration_sec])).toEqual([
      ['track_0001000', '', '', 'https://www.jamendo.com/track/1000', '', ''],
      ['track_0001001', '', '', '', 'CC BY-NC-SA 3.0', '201'],
    ]);
    expect(creditLine(out.credits[1]!)).toBe('"track_0001001" — CC BY-NC-SA 3.0 <http://creativecommons.org/licenses/by-nc-sa/3.0/>');
  });

  it('keeps catalog line breaks and bad links from adding playlist lines', () => {
    const sneaky = entry(0, { title: 'Nice\nhttp://evil.example/x.mp3', artist: 'A\r\n#EXTINF:1,fake', url: 'https://ok.example/a\nhttp://evil', licenseUrl: 'javascript:alert(1)' });
    const out = exportPlaylist(view([sneaky], { prompt: 'x\n#EXTINF:1,y' }));
    const lines = out.m3u8.split('\n');
    expect(lines.filter((l) => l.startsWith('#EXTINF:'))).toEqual([]);
    expect(lines.filter((l) => /^https?:/.test(l))).toEqual([]);
    expect(lines[1]).toBe('#PLAYLIST:cratedigger: x #EXTINF:1,y');
    expect(out.credits[0]).toMatchObject({ label: '"Nice http://evil.example/x.mp3" by A #EXTINF:1,fake' });
    expect(out.credits[0]).not.toHaveProperty('licenseUrl');
    expect(out.unlinked).toBe(1);
  });

  it('names the files after the prompt: safe characters only, bounded length', () => {
    expect(filenameBase('Calm piano for a rainy evening')).toBe('cratedigger-calm-piano-for-a-rainy-evening');
    expect(filenameBase('Café "déjà vu" / ../../etc/passwd')).toBe('cratedigger-cafe-deja-vu-etc-passwd');
    expect(filenameBase('🎹🎶')).toBe('cratedigger-results');
    expect(filenameBase('')).toBe('cratedigger-results');
    const long = filenameBase('word '.repeat(100));
    expect(long.length).toBeLessThanOrEqual('cratedigger-'.length + 60);
    expect(long).toMatch(/^cratedigger-(word-)*word$/);
    expect(filenameBase('x'.repeat(200))).toBe(`cratedigger-${'x'.repeat(60)}`);
    expect(exportPlaylist(view([entry(0)])).filenameBase).toBe('cratedigger-calm-piano-for-a-rainy-evening');
  });
});

describe('withLicenses (page state saved before entries had licences)', () => {
  it('fills missing licences from the catalog by id, leaves present ones, and skips the scan when nothing is missing', () => {
    const old = entry(0, { license: undefined, licenseUrl: undefined });
    const v = view([old, entry(1, { license: 'Own' })]);
    const catalog = [
      { id: old.trackId, license: 'CC BY 4.0', licenseUrl: 'https://creativecommons.org/licenses/by/4.0/' },
      { id: entry(1).trackId, license: 'Other' },
    ];
    const filled = withLicenses(v, () => catalog);
    expect(filled.entries.map((e) => [e.license, e.licenseUrl])).toEqual([
      ['CC BY 4.0', 'https://creativecommons.org/licenses/by/4.0/'],
      ['Own', 'http://creativecommons.org/licenses/by-nc-sa/3.0/'],
    ]);
    expect(v.entries[0]!.license).toBeUndefined();
    let scanned = false;
    const complete = view([entry(0)]);
    expect(withLicenses(complete, () => ((scanned = true), catalog))).toBe(complete);
    expect(scanned).toBe(false);
  });
});

describe('the Save reply and button', () => {
  it('says what is attached, summarises licences and credits tracks, escaped, within 2,000 characters', () => {
    const out = exportPlaylist(view([entry(0, { title: '**Bold** <@123>' }), entry(1, { license: 'CC BY 4.0', licenseUrl: undefined, url: undefined }), entry(2)]));
    const text = saveReplyText(out);
    const lines = text.split('\n');
    expect(lines[0]).toBe('💾 Your copy of all 3 results: a playlist (`cratedigger-calm-piano-for-a-rainy-evening.m3u8`) and a sheet (`cratedigger-calm-piano-for-a-rainy-evening.csv`).');
    expect(lines[1]).toBe('1 track has no link, so it is in the sheet only.');
    expect(lines[2]).toBe('Licences: CC BY-NC-SA 3.0 ×2, CC BY 4.0 ×1. Credit the artists when you use a track:');
    expect(lines[3]).toBe('1. "\\*\\*Bold\\*\\* \\<@123>" by Someone — CC BY-NC-SA 3.0 <http://creativecommons.org/licenses/by-nc-sa/3.0/> — <https://www.jamendo.com/track/1000>');
    expect(lines[4]).toBe('2. "Title 2" by Someone — CC BY 4.0');
    expect(lines).toHaveLength(6);
    expect(licenseSummary([{ rank: 1, trackId: 'a', label: '"a"' }])).toBe('licence unknown ×1');
  });

  it('stops at Discord\'s limit and says how many credits are in the files only', () => {
    const many = Array.from({ length: 50 }, (_, i) => entry(i, { title: `A long title number ${i} `.repeat(4), artist: 'An artist with a long name'.repeat(2) }));
    const text = saveReplyText(exportPlaylist(view(many)));
    expect(text.length).toBeLessThanOrEqual(2000);
    const last = text.split('\n').at(-1)!;
    const shown = text.split('\n').filter((l) => /^\d+\. /.test(l)).length;
    expect(shown).toBeGreaterThan(3);
    expect(last).toBe(`… and ${50 - shown} more credits in the files.`);
    expect(creditMarkdown({ rank: 9, trackId: 't', label: '"t"', link: 'https://x.example/a b' })).toBe('9. "t" — licence unknown');
  });

  it('is in the results row: ◀️ i/n ▶️ 💾 ▶ with several pages, 💾 ▶ with one, none without results', () => {
    const ids = (v: ResultView) => pageComponents(v, 0).map((row) => row.components.map((b) => ('custom_id' in b ? b.custom_id : '')));
    expect(ids(view(Array.from({ length: 7 }, (_, i) => entry(i))))).toEqual([['rec:page:prev', 'rec:page:at', 'rec:page:next', 'rec:save', 'voice:play']]);
    expect(ids(view([entry(0)]))).toEqual([['rec:save', 'voice:play']]);
    expect(pageComponents(view([entry(0)]), 0)[0]!.components[0]).toMatchObject({ label: 'Save', emoji: { name: '💾' }, disabled: false });
    expect(ids(view([]))).toEqual([]);
  });
});
