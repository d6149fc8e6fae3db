/** The console stand-in (no token): the same query path and pages as the bot, typed in a terminal. */
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { type AppServices, closeAppServices, openAppServices } from '../../src/app/services.ts';
import { runConsole, setupHelp } from '../../src/console/console-mode.ts';
import { createLogger } from '../../src/logger.ts';
import { MODELS_DIR, REPO_ROOT } from '../helpers/paths.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { buildTestIndex, catalogTracks, LogCapture } from './helpers/fixtures.ts';

let tmp: { dir: string; cleanup: () => Promise<void> };
let ctx: AppServices;

beforeAll(async () => {
  tmp = await tempDir('bot-console');
  await buildTestIndex(path.join(tmp.dir, 'embeddings', 'main'), { name: 'main', tracks: catalogTracks(12) });
  const config = loadConfig({ MODELS_DIR, EMBEDDINGS_DIR: path.join(tmp.dir, 'embeddings'), INDEX_NAME: 'main', ORT_THREADS: '1' }, REPO_ROOT);
  ctx = await openAppServices(config, createLogger({ level: 'warn', format: 'json', destination: new LogCapture() }));
});

afterAll(async () => {
  if (ctx) await closeAppServices(ctx);
  await tmp?.cleanup();
});

async function session(lines: string[], end = true): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let out = '';
  output.on('data', (d: Buffer) => (out += d.toString()));
  const done = runConsole(ctx, { input, output });
  for (const line of lines) input.write(`${line}\n`);
  if (end) input.end();
  await done;
  return out;
}

describe('console mode', () => {
  it('renders result pages as text; n and p turn them, within bounds; q quits', async () => {
    const out = await session(['calm piano', 'n', 'n', 'n', 'p', 'q', 'never read']);
    expect(out).toMatch(/^Index "main": 12 tracks, text-only, first stage hybrid .*\. Try it here/);
    const statuses = [...out.matchAll(/^Page (\d)\/3 · text-only · index main · \d+ ms · (fresh|from cache)$/gm)].map((m) => m[1]);
    expect(statuses).toEqual(['1', '2', '3', '2']);
    expect(out).toContain('(this is the last page)');
    expect(out).toMatch(/^11\. Song \d+ — Artist [A-E] {2}\[\d:\d\d\] {2}score \d\.\d{3}$/m);
    expect(out).not.toContain('never read');
  });

  it('a repeated prompt comes from the cache; an empty line ends the session', async () => {
    const out = await session(['Calm  PIANO', '', 'calm piano']);
    expect(out).toMatch(/^Page 1\/3 .* · from cache$/m);
    expect(out.match(/^Page /gm)).toHaveLength(1);
  });

  it('explains a bad prompt and keeps going; ends at end of input', async () => {
    const out = await session(['x'.repeat(600), 'n', 'rock']);
    expect(out).toContain('⚠️ The prompt is 600 characters long; the limit is 500.');
    expect(out).toContain('(no results yet: type what you want to hear)');
    expect(out.match(/^Page 1\/3 /gm)).toHaveLength(1);
  });

  it('the set-up paragraph names what to set and where to read more', () => {
    const text = setupHelp();
    for (const name of ['DISCORD_TOKEN', 'DISCORD_APPLICATION_ID', 'DISCORD_GUILD_ID', '.env.example', 'npm run deploy-commands', 'README']) expect(text).toContain(name);
  });
});
