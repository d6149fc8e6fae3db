import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCatalog } from '../../src/catalog/catalog-file.ts';
import { runCatalogCommand } from '../../src/cli/catalog-command.ts';
import { JAMENDO_FILES } from '../../src/catalog/jamendo/download.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCatalogCommand(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

const HEADER = 'TRACK_ID\tARTIST_ID\tALBUM_ID\tPATH\tDURATION\tTAGS';
/** What a mirror of the MTG-Jamendo repository serves, at the repository's own paths. */
const MIRROR: Record<string, string> = {
  [`/${JAMENDO_FILES.metadata[0]}`]: `${HEADER}\ntrack_0000948\tartist_000087\talbum_000149\t48/948.mp3\t212.7\tmood/theme---background\n`,
  [`/${JAMENDO_FILES.metadata[1]}`]: `${HEADER}\ntrack_0000948\tartist_000087\talbum_000149\t48/948.mp3\t212.7\tgenre---chillout\n`,
  [`/${JAMENDO_FILES.metadata[2]}`]: `${HEADER}\ntrack_0000950\tartist_000087\talbum_000149\t50/950.mp3\t248.0\tinstrument---synthesizer\n`,
  [`/${JAMENDO_FILES.meta}`]:
    'TRACK_ID\tARTIST_ID\tALBUM_ID\tTRACK_NAME\tARTIST_NAME\tALBUM_NAME\tRELEASEDATE\tURL\n' +
    'track_0000948\tartist_000087\talbum_000149\tLights\tSomeone\tAlbum\t2004-12-28\thttps://www.jamendo.com/track/948\n',
  [`/${JAMENDO_FILES.licenses}`]:
    '48/948.mp3\n"Lights" by Someone from Jamendo: https://www.jamendo.com/track/948\n' +
    'Available under CC BY-NC-SA: https://creativecommons.org/licenses/by-nc-sa/3.0/\n',
};

const dir = await fileTempDir('catalog-download');
let server: Server;
let base: string;
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = MIRROR[req.url ?? ''];
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'text/plain' });
    res.end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('catalog jamendo --download', () => {
  it('fetches the subsets, credits and licences, then imports them', async () => {
    const r = await run(['jamendo', '--download', '--dir', join(dir, 'cache'), '--mirror', base, '--out', join(dir, 'c.csv')]);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(requests).toHaveLength(5);
    const tracks = await readCatalog(join(dir, 'c.csv'));
    expect(tracks.map((t) => t.id)).toEqual(['track_0000948', 'track_0000950']);
    expect(tracks[0]).toMatchObject({
      tags: { mood: ['background'], genre: ['chillout'], instrument: [] },
      title: 'Lights',
      license: 'CC BY-NC-SA 3.0',
    });
    expect((await readdir(join(dir, 'cache'))).sort()).toEqual([
      'audio_licenses.txt',
      'autotagging_genre.tsv',
      'autotagging_instrument.tsv',
      'autotagging_moodtheme.tsv',
      'raw.meta.tsv',
    ]);
  });

  it('reuses the cached files on the next run (no request)', async () => {
    const before = requests.length;
    const r = await run(['jamendo', '--download', '--dir', join(dir, 'cache'), '--mirror', base, '--out', join(dir, 'c2.csv')]);
    expect(r.code).toBe(0);
    expect(requests.length).toBe(before);
    expect(r.out.filter((l) => l.startsWith('cached '))).toHaveLength(5);
  });

  it('fails fast with exit 1 and says how to import local copies when the host does not resolve', async () => {
    const started = Date.now();
    // `.invalid` never resolves (RFC 2606): what an offline machine sees for any host.
    const r = await run(['jamendo', '--download', '--dir', join(dir, 'offline'), '--mirror', 'http://mtg-jamendo.invalid/', '--out', join(dir, 'x.csv')]);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/Cannot download http:\/\/mtg-jamendo\.invalid\/data\/autotagging_moodtheme\.tsv: .*(ENOTFOUND|EAI_AGAIN)/);
    expect(r.err[0]).toMatch(/--metadata <tsv>/);
    expect(await readdir(join(dir, 'offline'))).toEqual([]); // nothing half-written
  });

  it('fails with exit 1 when the connection is refused or the server answers 404', async () => {
    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const closedPort = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const refused = await run(['jamendo', '--download', '--dir', join(dir, 'refused'), '--mirror', `http://127.0.0.1:${closedPort}/`, '--out', join(dir, 'x.csv')]);
    expect(refused.code).toBe(1);
    expect(refused.err[0]).toMatch(/cannot connect \(ECONNREFUSED\)/);
    const missing = await run(['jamendo', '--download', '--dir', join(dir, 'missing'), '--mirror', `${base}nowhere/`, '--out', join(dir, 'x.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.err[0]).toMatch(/HTTP 404/);
  });
});
