/**
 * 💾 Save on a results message, through the real bot and the emulator: whoever presses it gets a
 * private reply with the whole list (every cached page) as .m3u8 and .csv; it works on a single
 * page, after a bot restart (page state in the SQLite cache), and says so when the state is gone.
 */
import path from 'node:path';
import { InteractionResponseType, MessageFlags, type APIEmbed } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackEntry } from '../../src/app/result-view.ts';
import { jamendoNumber, type Track } from '../../src/catalog/track.ts';
import { PAGES_NAMESPACE } from '../../src/discord/bot-context.ts';
import type { PageState } from '../../src/discord/paged-results/page-model.ts';
import type { InteractionHandle, StoredMessage } from '../discord-emulator/index.ts';
import { csvObjects } from '../helpers/csv.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { botEnv, buildTestIndex, catalogTracks, startBotSession, startTestBot, type BotSession, type TestBot } from './helpers/fixtures.ts';

const EPHEMERAL = MessageFlags.Ephemeral as number;
const COUNT = 3;
const PROMPT = 'calm piano for a rainy evening';
const BASE = 'cratedigger-calm-piano-for-a-rainy-evening';

let tmp: { dir: string; cleanup: () => Promise<void> };
let tracks: Track[];
let session: BotSession;
let env: Record<string, string>;
/** The bot serving now (the session's, then the restarted one). */
let bot: TestBot;
let results: StoredMessage;

const embedOf = (m: StoredMessage): APIEmbed => m.data.embeds[0]!;
const buttonIds = (m: StoredMessage) =>
  (m.data.components ?? []).map((row) => ((row as unknown as { components: { custom_id: string }[] }).components ?? []).map((b) => b.custom_id));

/** /recommend, once its reply shows and its page state is saved (just after the reply: no person clicks that fast, a test does). */
async function recommend(options: Record<string, string | number>, user = session.emu.users.alice): Promise<StoredMessage> {
  const ix = await session.emu.sendCommand({ name: 'recommend', options, user });
  const reply = await ix.waitForOriginal(undefined, { timeoutMs: 20_000 });
  await waitFor(() => bot.bot.ctx.pages.get(reply.id), { what: `the page state of ${reply.id}` });
  return reply;
}

async function pressSave(messageId: string, user = session.emu.users.alice): Promise<{ press: InteractionHandle; reply: StoredMessage }> {
  const press = await session.emu.clickButton({ messageId, customId: 'rec:save', user });
  await press.waitForResponse();
  return { press, reply: press.original()! };
}

async function pageState(messageId: string): Promise<PageState> {
  const state = await bot.bot.ctx.pages.get(messageId);
  expect(state).toBeDefined();
  return state!;
}

/** The two files of a Save reply, decoded; checks their names and that the reply is private. */
function savedFiles(press: InteractionHandle, reply: StoredMessage): { m3u8: string; csv: string; content: string } {
  const cb = press.callback!;
  expect(cb.type).toBe(InteractionResponseType.ChannelMessageWithSource);
  const data = cb.data as { flags?: number; allowed_mentions?: unknown };
  expect(Number(data.flags) & EPHEMERAL).toBe(EPHEMERAL);
  expect(data.allowed_mentions).toEqual({ parse: [] });
  expect(reply.ephemeral).toBe(true);
  expect(reply.attachments.map((a) => a.filename)).toEqual([`${BASE}.m3u8`, `${BASE}.csv`]);
  const [m3u8, csv] = reply.attachments.map((a) => a.bytes.toString('utf8'));
  return { m3u8: m3u8!, csv: csv!, content: reply.data.content };
}

/** The export holds exactly the cached entries, in rank order, with what the catalog says about each. */
function expectAllEntries(files: { m3u8: string; csv: string }, entries: TrackEntry[]): void {
  const rows = csvObjects(files.csv);
  expect(rows.map((r) => r.rank)).toEqual(entries.map((_, i) => String(i + 1)));
  expect(rows.map((r) => r.id)).toEqual(entries.map((e) => e.trackId));
  const byId = new Map(tracks.map((t) => [t.id, t]));
  for (const r of rows) {
    const t = byId.get(r.id!)!;
    expect(r.licence).toBe(t.license);
    expect(r.licence_url).toBe(t.licenseUrl ?? '');
    expect(r.link).toBe(`https://www.jamendo.com/track/${jamendoNumber(t.id)}`);
    expect(r.duration_sec).toBe(String(t.durationSec));
    for (const cell of Object.values(r)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  }
  const lines = files.m3u8.split('\n');
  expect(lines.slice(0, 2)).toEqual(['#EXTM3U', `#PLAYLIST:cratedigger: ${PROMPT}`]);
  const extinf = lines.flatMap((l, k) => (l.startsWith('#EXTINF:') ? [[l, lines[k + 1]]] : []));
  expect(extinf.map(([, link]) => link)).toEqual(rows.map((r) => r.link));
  expect(extinf.map(([l]) => l!.split(',')[0])).toEqual(rows.map((r) => `#EXTINF:${r.duration_sec}`));
}

beforeAll(async () => {
  tmp = await tempDir('bot-save');
  // Fifteen tracks: count 3 × 5 pages (RESULT_PAGES' default) lists all of them.
  tracks = catalogTracks(15);
  for (const t of tracks.slice(0, 5)) Object.assign(t, { license: 'CC BY-NC-SA 3.0', licenseUrl: 'http://creativecommons.org/licenses/by-nc-sa/3.0/' });
  // As many MTG-Jamendo tracks are: an id, no title or artist.
  Object.assign(tracks[6]!, { title: undefined, artist: undefined });
  // Catalog text a spreadsheet would run, with a comma and quotes.
  Object.assign(tracks[7]!, { title: '=HYPERLINK("http://evil.example","click"), really' });
  await buildTestIndex(path.join(tmp.dir, 'embeddings', 'main'), { name: 'main', tracks });
  env = { KEYV_URL: `sqlite://${path.join(tmp.dir, 'cache', 'bot.sqlite')}` };
  session = await startBotSession({ dir: tmp.dir, index: 'main', env });
  bot = session.t;
});

afterAll(async () => {
  if (bot !== session?.t) await bot?.bot.stop();
  await session?.stop();
  await tmp?.cleanup();
});

describe('Save', () => {
  it('sends the requester a private .m3u8 and .csv with every cached entry of every page', async () => {
    results = await recommend({ prompt: PROMPT, count: COUNT });
    expect(embedOf(results).footer?.text).toMatch(/^Page 1\/5 /);
    expect(buttonIds(results)).toEqual([['rec:page:prev', 'rec:page:at', 'rec:page:next', 'rec:save', 'voice:play'], ['rec:more']]);
    const state = await pageState(results.id);
    expect(state.view.entries).toHaveLength(COUNT * 5);

    const { press, reply } = await pressSave(results.id);
    const files = savedFiles(press, reply);
    expectAllEntries(files, state.view.entries);
    // Page 1 of the message is ranks 1..3 of the files.
    const pageOneIds = embedOf(results).fields!.map((f) => `track_${/jamendo\.com\/track\/(\d+)/.exec(f.value)![1]!.padStart(7, '0')}`);
    expect(csvObjects(files.csv).slice(0, COUNT).map((r) => r.id)).toEqual(pageOneIds);
    // The id-only track and the formula-looking title.
    const rows = csvObjects(files.csv);
    expect(rows.find((r) => r.id === tracks[6]!.id)).toMatchObject({ title: '', artist: '' });
    expect(files.m3u8).toContain(`#EXTINF:${tracks[6]!.durationSec},${tracks[6]!.id}\n`);
    expect(rows.find((r) => r.id === tracks[7]!.id)!.title).toBe(`'${tracks[7]!.title}`);
    expect(files.m3u8).toContain(`"${tracks[7]!.title}" by ${tracks[7]!.artist} — CC BY 4.0`);
    // The reply: what is attached, the licences, credits.
    expect(files.content.split('\n').slice(0, 2)).toEqual([
      `💾 Your copy of all 15 results: a playlist (\`${BASE}.m3u8\`) and a sheet (\`${BASE}.csv\`).`,
      'Licences: CC BY 4.0 ×10, CC BY-NC-SA 3.0 ×5. Credit the artists when you use a track:',
    ]);
    expect(files.content.length).toBeLessThanOrEqual(2000);
    // Nothing changed on the public message.
    expect(session.emu.message(results.id)!.versions).toHaveLength(results.versions.length);
  });

  it('gives anyone else who presses it their own private copy', async () => {
    const mine = await pressSave(results.id);
    const theirs = await pressSave(results.id, session.emu.users.bob);
    expect(theirs.reply.id).not.toBe(mine.reply.id);
    expect(theirs.reply.data.interaction_metadata?.user.id).toBe(session.emu.users.bob.id);
    const files = savedFiles(theirs.press, theirs.reply);
    expect(files.csv).toBe(savedFiles(mine.press, mine.reply).csv);
    expectAllEntries(files, (await pageState(results.id)).view.entries);
  });

  it('is there on a single page (state saved although there is nothing to turn)', async () => {
    // Only the first track is under 1:40.
    const single = await recommend({ prompt: PROMPT, count: COUNT, max_duration: '1:40' });
    expect(embedOf(single).footer?.text).toMatch(/^Page 1\/1 /);
    expect(buttonIds(single)).toEqual([['rec:save', 'voice:play'], ['rec:more']]);
    expect(session.emu.reactionsOn(single.id)).toEqual({});
    const { press, reply } = await pressSave(single.id, session.emu.users.bob);
    const files = savedFiles(press, reply);
    expect(csvObjects(files.csv).map((r) => r.id)).toEqual([tracks[0]!.id]);
    expect(files.content).toContain('all 1 result:');
  });

  it('works after a restart, from the cache; with the state gone it says the results expired and leaves the buttons', async () => {
    const doomed = await recommend({ prompt: 'bright brass fanfare', count: COUNT });
    await session.t.bot.stop();
    bot = await startTestBot(botEnv(session.emu, { EMBEDDINGS_DIR: path.join(tmp.dir, 'embeddings'), INDEX_NAME: 'main', PREVIEW_CACHE_DIR: path.join(tmp.dir, 'previews'), ...env }));

    const { press, reply } = await pressSave(results.id, session.emu.users.bob);
    expectAllEntries(savedFiles(press, reply), (await pageState(results.id)).view.entries);

    // The shared cache loses the other message's state (evicted, or expired).
    expect(await bot.bot.ctx.cache.namespace<PageState>(PAGES_NAMESPACE).delete(doomed.id)).toBe(true);
    const late = await session.emu.clickButton({ messageId: doomed.id, customId: 'rec:save', user: session.emu.users.bob });
    const cb = await late.waitForResponse();
    expect(cb.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(late.original()!.ephemeral).toBe(true);
    expect(late.original()!.data.content).toBe('⚠️ These results have expired. Run /recommend again for a fresh list.');
    expect(late.original()!.attachments).toEqual([]);
    expect(buttonIds(session.emu.message(doomed.id)!)).toEqual([['rec:page:prev', 'rec:page:at', 'rec:page:next', 'rec:save', 'voice:play'], ['rec:more']]);
    expect(bot.logs.find('failed (ref')).toEqual([]);
  });
});
