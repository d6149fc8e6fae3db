/**
 * "More like this" end to end: the real bot on the Discord emulator — /similar with its track
 * autocomplete (type 4 → callback 8), the answer's embed and pages, and the "More like this" menu
 * on every results page (type 3 string select), also after a restart of the bot.
 */
import path from 'node:path';
import { MessageFlags, type APIEmbed } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Track } from '../../src/catalog/track.ts';
import { MORE_LIKE_THIS_ID } from '../../src/discord/paged-results/more-like-this-menu.ts';
import type { StoredMessage } from '../discord-emulator/index.ts';
import { mp3, writeTone } from '../helpers/audio-files.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { botEnv, buildTestIndex, catalogTracks, startBotSession, startTestBot, type BotSession } from './helpers/fixtures.ts';

const EPHEMERAL = MessageFlags.Ephemeral as number;
let tmp: { dir: string; cleanup: () => Promise<void> };
let session: BotSession;
let tracks: Track[];
/** The environment startBotSession gave the bot, for starting it again. */
let env: NodeJS.ProcessEnv;

type Choice = { name: string; value: string };
type Select = { type: number; custom_id: string; options: { label: string; value: string; description?: string }[] };
const embedOf = (m: StoredMessage): APIEmbed => m.data.embeds[0]!;
const menuOf = (m: StoredMessage): Select | undefined =>
  (m.data.components ?? []).flatMap((row) => (row as unknown as { components: Select[] }).components).find((c) => c.custom_id === MORE_LIKE_THIS_ID);
/** Track ids of a results message's page, in order (the menu lists exactly them). */
const pageIds = (m: StoredMessage) => menuOf(m)?.options.map((o) => o.value) ?? [];
const byId = (id: string) => tracks.find((t) => t.id === id)!;

async function suggestions(value: string): Promise<Choice[]> {
  const ix = await session.emu.sendAutocomplete({ name: 'similar', option: 'track', value });
  const response = await ix.waitForResponse();
  expect(response.type).toBe(8);
  return (response.data as { choices: Choice[] }).choices;
}

beforeAll(async () => {
  tmp = await tempDir('bot-similar');
  const audioRoot = path.join(tmp.dir, 'audio');
  // 5 artists (A–E) over 15 tracks, each with a short audio file so the top result's clip can be attached.
  tracks = catalogTracks(15);
  await Promise.all(
    tracks.map((t, i) => {
      t.path = `s/${t.id}.mp3`;
      return writeTone(path.join(audioRoot, t.path), { seconds: 3, freq: 220 + 40 * i, codecArgs: mp3(64) });
    }),
  );
  await buildTestIndex(path.join(tmp.dir, 'embeddings', 'sim'), { name: 'sim', tracks, audio: true, audioRoot });
  session = await startBotSession({ dir: tmp.dir, index: 'sim' });
  env = botEnv(session.emu, { EMBEDDINGS_DIR: path.join(tmp.dir, 'embeddings'), INDEX_NAME: 'sim', PREVIEW_CACHE_DIR: path.join(tmp.dir, 'previews') });
});

afterAll(async () => {
  await session?.stop();
  await tmp?.cleanup();
});

describe('/similar track autocomplete', () => {
  it('finds a track by title, by id and by caption words; values are track ids', async () => {
    const byTitle = await suggestions('Song 1');
    expect(byTitle.length).toBeGreaterThan(0);
    expect(byTitle.length).toBeLessThanOrEqual(25);
    expect(byTitle[0]!.value).toBe(tracks[0]!.id);
    for (const c of byTitle) {
      expect(c.name.length).toBeLessThanOrEqual(100);
      expect(tracks.map((t) => t.id)).toContain(c.value);
    }
    expect((await suggestions(tracks[7]!.id))[0]!.value).toBe(tracks[7]!.id);
    const word = tracks[4]!.tags.instrument[0]!;
    const byCaption = await suggestions(word);
    expect(byCaption.map((c) => c.value)).toContain(tracks[4]!.id);
    expect(byCaption.every((c) => byId(c.value).caption.toLowerCase().includes(word.toLowerCase()))).toBe(true);
  });
});

describe('/similar', () => {
  it('answers with the seed at the head, its neighbours (never itself, ≤ 2 per artist a page), pages and the top clip', async () => {
    const seed = tracks[2]!;
    const ix = await session.emu.sendCommand({ name: 'similar', options: { track: seed.id, count: 3 } });
    const reply = await ix.waitForOriginal(undefined, { timeoutMs: 20_000 });
    const embed = embedOf(reply);
    expect(embed.title).toMatch(/More like this/);
    expect(embed.description).toContain(`More like **${seed.title} — ${seed.artist}**`);
    const ids = pageIds(reply);
    expect(ids).toHaveLength(3);
    expect(ids).not.toContain(seed.id);
    expect(embed.fields?.map((f) => f.name)).toEqual(ids.map((id, i) => `${i + 1}. ${byId(id).title} — ${byId(id).artist}`));
    const artists = ids.map((id) => byId(id).artist);
    for (const a of artists) expect(artists.filter((x) => x === a).length).toBeLessThanOrEqual(2);
    // The top result's clip, as /recommend attaches it.
    expect(reply.attachments).toHaveLength(1);
    expect(reply.attachments[0]!.filename).toMatch(/\.(mp3|ogg|opus|m4a)$/);
    // Several pages: the arrows are there, and every page keeps the cap.
    await session.emu.waitFor(() => session.emu.reactionsOn(reply.id)['▶️']?.includes(session.emu.botUser.id), { what: 'the bot\'s ▶️' });
    const next = await session.emu.clickButton({ messageId: reply.id, customId: 'rec:page:next', user: session.emu.users.alice });
    await next.waitForResponse();
    const page2 = session.emu.message(reply.id)!;
    const ids2 = pageIds(page2);
    expect(ids2.length).toBeGreaterThan(0);
    expect(ids2.some((id) => ids.includes(id) || id === seed.id)).toBe(false);
  });

  it('finds the seed from words when no suggestion was picked', async () => {
    const ix = await session.emu.sendCommand({ name: 'similar', options: { track: 'Song 12' } });
    const reply = await ix.waitForOriginal(undefined, { timeoutMs: 20_000 });
    expect(embedOf(reply).description).toContain(`More like **${tracks[11]!.title}`);
  });

  it('an unknown track gets a private answer saying what to type', async () => {
    const ix = await session.emu.sendCommand({ name: 'similar', options: { track: 'zzzqqq nothing like it' } });
    const cb = await ix.waitForResponse();
    const data = cb.data as { content?: string; flags?: number };
    expect(Number(data.flags) & EPHEMERAL).toBe(EPHEMERAL);
    expect(data.content).toMatch(/zzzqqq/);
    expect(data.content).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('"More like this" on result pages', () => {
  let results: StoredMessage;

  it('every /recommend page lists its tracks in a menu; choosing one answers /similar in a new reply owned by the chooser', async () => {
    const ix = await session.emu.sendCommand({ name: 'recommend', options: { prompt: 'calm piano', count: 4 }, user: session.emu.users.alice });
    results = await ix.waitForOriginal(undefined, { timeoutMs: 20_000 });
    const menu = menuOf(results)!;
    expect(menu.type).toBe(3);
    expect(menu.options).toHaveLength(4);
    expect(menu.options.map((o) => o.label)).toEqual(embedOf(results).fields!.map((f) => f.name));

    const chosen = menu.options[1]!.value;
    const pick = await session.emu.selectMenu({ messageId: results.id, customId: MORE_LIKE_THIS_ID, values: [chosen], user: session.emu.users.bob });
    const answer = await pick.waitForOriginal(undefined, { timeoutMs: 20_000 });
    expect(answer.id).not.toBe(results.id);
    expect(embedOf(answer).description).toContain(`More like **${byId(chosen).title}`);
    expect(pageIds(answer)).not.toContain(chosen);
    // Its pages have the results message's page size, and belong to bob.
    expect(pageIds(answer)).toHaveLength(4);
    const stranger = await session.emu.clickButton({ messageId: answer.id, customId: 'rec:page:next', user: session.emu.users.alice });
    const cb = await stranger.waitForResponse();
    expect((cb.data as { content?: string }).content).toMatch(/Only <@\d+> can turn these pages/);
    // The message the menu was on is unchanged.
    expect(embedOf(session.emu.message(results.id)!).title).toBe(embedOf(results).title);
  });

  it('works after the bot restarts (the track id travels in the choice)', async () => {
    await session.t.bot.stop();
    const again = await startTestBot(env);
    try {
      await session.emu.waitForGateway();
      const chosen = menuOf(results)!.options[0]!.value;
      const pick = await session.emu.selectMenu({ messageId: results.id, customId: MORE_LIKE_THIS_ID, values: [chosen] });
      const answer = await pick.waitForOriginal(undefined, { timeoutMs: 20_000 });
      expect(embedOf(answer).description).toContain(`More like **${byId(chosen).title}`);
    } finally {
      session.t = again;
    }
  });
});
