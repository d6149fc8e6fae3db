/**
 * The real bot (src/discord/start-bot.ts, discord.js Client, worker-thread encoders, in-memory cache) against
 * the Discord emulator: commands, embeds, preview clips, paging, cache, reload, errors, faults.
 */
import { DEFAULT_FIRST_STAGE } from '../../src/retrieval/scoring.ts';
import { readFile, rm, cp } from 'node:fs/promises';
import path from 'node:path';
import { InteractionResponseType, MessageFlags, type APIEmbed } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPreview } from '../../src/audio/preview.ts';
import { combinedText, type Track } from '../../src/catalog/track.ts';
import { deployCommands } from '../../src/discord/deploy-commands.ts';
import { INDEX_FILES } from '../../src/retrieval/artifacts/manifest.ts';
import { DiscordEmulator, type RecordedCallback, type StoredMessage } from '../discord-emulator/index.ts';
import { type RecordingTool, recordingTool } from '../helpers/recording-tool.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { addPreviewAudio, botEnv, buildTestIndex, catalogTracks, startTestBot, type PreviewTracks, type TestBot } from './helpers/fixtures.ts';

const LIMIT = 256 * 1024;
const EPHEMERAL = MessageFlags.Ephemeral as number;

let emu: DiscordEmulator;
let t: TestBot;
let tmp: { dir: string; cleanup: () => Promise<void> };
let audioRoot: string;
let previewDir: string;
let alpha: Track[];
let special: PreviewTracks;
let ffmpeg: RecordingTool;
let ffprobe: RecordingTool;
const interactionTokens: string[] = [];

const embedOf = (m: StoredMessage): APIEmbed => m.data.embeds[0]!;
/** What a callback carried (the emulator keeps it as raw JSON). */
const dataOf = (cb: RecordedCallback) => cb.data as { content?: string; flags?: number; allowed_mentions?: unknown };
type Button = { custom_id: string; disabled: boolean; label?: string };
const buttonsOf = (m: StoredMessage): Button[] => (m.data.components?.[0] as unknown as { components: Button[] } | undefined)?.components ?? [];
const footer = (m: StoredMessage | undefined) => (m ? (embedOf(m).footer?.text ?? '') : '');

async function recommend(prompt: string, opts: { count?: number; user?: keyof DiscordEmulator['users'] } = {}) {
  const ix = await emu.sendCommand({
    name: 'recommend',
    options: { prompt, ...(opts.count ? { count: opts.count } : {}) },
    user: emu.users[opts.user ?? 'alice'],
  });
  interactionTokens.push(ix.record.token);
  return ix;
}

/** Sends /recommend and waits for the filled-in reply. */
async function recommendReply(prompt: string, opts: { count?: number; user?: keyof DiscordEmulator['users'] } = {}) {
  const ix = await recommend(prompt, opts);
  const reply = await ix.waitForOriginal(undefined, { timeoutMs: 20_000 });
  return { ix, reply };
}

beforeAll(async () => {
  tmp = await tempDir('bot-e2e');
  audioRoot = path.join(tmp.dir, 'audio');
  previewDir = path.join(tmp.dir, 'previews');
  const embeddings = path.join(tmp.dir, 'embeddings');
  alpha = catalogTracks(24);
  special = await addPreviewAudio(alpha, audioRoot);
  // alpha: two-stage, audio root recorded in the index (AUDIO_ROOT stays unset); two rows without audio.
  await buildTestIndex(path.join(embeddings, 'alpha'), { name: 'alpha', tracks: alpha, audio: true, audioRoot, noAudioRows: [22, 23] });
  // beta: text-only, other tracks; broken: beta without its faiss file.
  await buildTestIndex(path.join(embeddings, 'beta'), { name: 'beta', tracks: catalogTracks(12, { idBase: 500, titlePrefix: 'Beta' }) });
  await cp(path.join(embeddings, 'beta'), path.join(embeddings, 'broken'), { recursive: true });
  await rm(path.join(embeddings, 'broken', INDEX_FILES.textIndex));

  ffmpeg = await recordingTool(tmp.dir, 'ffmpeg');
  ffprobe = await recordingTool(tmp.dir, 'ffprobe');
  emu = await DiscordEmulator.start({ heartbeatIntervalMs: 200, attachmentSizeLimit: LIMIT });
  const env = botEnv(emu, {
    EMBEDDINGS_DIR: embeddings,
    INDEX_NAME: 'alpha',
    PREVIEW_CACHE_DIR: previewDir,
    FFMPEG_PATH: ffmpeg.path,
    FFPROBE_PATH: ffprobe.path,
    // bob is a plain member, listed as a bot admin.
    BOT_ADMIN_IDS: emu.users.bob.id,
  });
  t = await startTestBot(env);
  await deployCommands(t.config);
});

afterAll(async () => {
  await t?.bot.stop();
  await emu?.close();
  await tmp?.cleanup();
});

describe('start-up and deployment', () => {
  it('is ready with warm models, identified with the reaction intents, and deployed its commands to the guild', () => {
    expect(t.bot.client.isReady()).toBe(true);
    expect(t.bot.ctx.recommender.status()).toMatchObject({ name: 'alpha', mode: 'two-stage', tracks: 24 });
    const messages = t.logs.entries.map((e) => e.msg);
    // Models were warm before the gateway login started.
    expect(messages.indexOf('recommender ready')).toBeGreaterThanOrEqual(0);
    expect(messages.indexOf('recommender ready')).toBeLessThan(messages.indexOf('bot ready'));
    const readyAt = Number(t.logs.find('recommender ready')[0]!.time);
    expect(emu.requests[0]).toMatchObject({ path: '/gateway/bot' });
    expect(emu.requests[0]!.at).toBeGreaterThanOrEqual(readyAt);
    // Guilds, GuildVoiceStates, GuildMessageReactions, DirectMessageReactions.
    expect(emu.gateway.identifies[0]?.intents).toBe((1 << 0) | (1 << 7) | (1 << 10) | (1 << 13));
    const byName = Object.fromEntries(emu.commands.map((c) => [c.name, c]));
    expect(Object.keys(byName).sort()).toEqual(['recommend', 'reload', 'similar', 'voice']);
    expect(byName.recommend?.guild_id).toBe(emu.guild.id);
    expect(byName.reload?.default_member_permissions).toBe('8');
    expect(byName.recommend?.options?.map((o) => o.name)).toEqual(['prompt', 'count', 'mood', 'genre', 'instrument', 'max_duration']);
    // Discord itself stops prompts over MAX_PROMPT_CHARS.
    expect(byName.recommend?.options?.[0]).toMatchObject({ name: 'prompt', max_length: 500 });
  });
});

describe('/recommend', () => {
  let first: StoredMessage;

  it('defers at once, then edits in the embed: prompt, tracks with links and tags, footer, and the top track\'s clip', async () => {
    const prompt = combinedText(special.derived);
    const { ix, reply } = await recommendReply(prompt);
    first = reply;
    expect(ix.callback?.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    expect(reply.versions[0]?.flags).toBe(MessageFlags.Loading);
    const embed = embedOf(reply);
    expect(embed.title).toBe('🎧 Tracks for your prompt');
    expect(embed.description).toContain('> A ');
    expect(embed.fields).toHaveLength(5);
    expect(embed.fields![0]!.name).toBe('1. Sine Garden — Test Artist');
    expect(embed.fields![0]!.value).toContain('[Track page](https://www.jamendo.com/track/101)');
    expect(embed.fields![0]!.value).toContain('1:35');
    expect(embed.fields![0]!.value).toMatch(/mood: \w+/);
    // Its own text: cosine 1 on both sides; every tag it names is its own, so the whole tag boost.
    expect(embed.fields![0]!.value).toContain(`score ${(1 + DEFAULT_FIRST_STAGE.tagBoost).toFixed(3)} · text 1.000 · audio 1.000`);
    expect(embed.fields![0]!.value).toMatch(/\nmatched: \w+/);
    expect(embed.description).toMatch(/\nUnderstood: \w+/);
    expect(embed.footer?.text).toMatch(/^Page 1\/5 · two-stage \(text \+ audio\) · index alpha · \d+ ms · fresh$/);
    // The clip: the preview module's cached file, byte for byte.
    expect(embed.description).toContain('🔊 Preview of #1 attached: the whole track (0:03).');
    // Made with the ffmpeg and ffprobe the configuration names.
    expect((await ffprobe.calls()).some((args) => args.includes('a/101.mp3'))).toBe(true);
    expect((await ffmpeg.calls()).some((args) => args.includes('a/101.mp3'))).toBe(true);
    const expected = await getPreview(special.derived, { audioRoot, cacheDir: previewDir, limitBytes: LIMIT });
    expect(expected).toMatchObject({ kind: 'clip', cached: true, derived: true });
    expect(reply.attachments).toHaveLength(1);
    expect(reply.attachments[0]!.filename).toBe('Test Artist - Sine Garden.mp3');
    expect(reply.attachments[0]!.bytes.equals(await readFile((expected as { file: string }).file))).toBe(true);
    // Page buttons, Save and Play in voice, and the bot's own ◀️ ▶️.
    const buttons = buttonsOf(reply);
    expect(buttons.map((b) => [b.custom_id, b.disabled])).toEqual([['rec:page:prev', true], ['rec:page:at', true], ['rec:page:next', false], ['rec:save', false], ['voice:play', false]]);
    await emu.waitFor(() => emu.reactionsOn(reply.id)['▶️']?.includes(emu.botUser.id), { what: 'the bot\'s ▶️' });
    expect(emu.reactionsOn(reply.id)['◀️']).toEqual([emu.botUser.id]);
    expect(reply.data.mentions).toEqual([]);
  });

  it('attaches the untouched original for a no-derivatives licence', async () => {
    const { reply } = await recommendReply(combinedText(special.ndSmall));
    expect(embedOf(reply).fields![0]!.name).toContain('Untouchable Tone');
    expect(embedOf(reply).description).toContain('the original file (its licence allows no excerpts)');
    expect(reply.attachments[0]!.bytes.equals(await readFile(path.join(audioRoot, 'a/102.mp3')))).toBe(true);
  });

  it('says why there is no clip: no-derivatives original over the upload limit', async () => {
    const { reply } = await recommendReply(combinedText(special.ndLarge));
    expect(embedOf(reply).fields![0]!.name).toContain('Heavy Original');
    expect(reply.attachments).toEqual([]);
    expect(embedOf(reply).description).toMatch(/🔇 No preview of #1: licence forbids derivatives and the original is [\d.]+ KiB \(limit 256 KiB\)\.$/);
  });

  it('says why there is no clip: missing audio file, without naming server folders', async () => {
    const { reply } = await recommendReply(combinedText(special.missing));
    expect(embedOf(reply).fields![0]!.name).toContain('Lost File');
    expect(reply.attachments).toEqual([]);
    expect(embedOf(reply).description).toContain('🔇 No preview of #1: Audio file not found: a/104.mp3');
    expect(embedOf(reply).description).not.toContain(tmp.dir);
  });

  it('ranks tracks without an audio embedding last, with a text score only', async () => {
    const { reply } = await recommendReply(combinedText(alpha[22]!), { count: 10 });
    expect(footer(reply)).toMatch(/^Page 1\/3 /);
    for (let i = 0; i < 2; i++) {
      await (await emu.clickButton({ messageId: reply.id, customId: 'rec:page:next', user: emu.users.alice })).waitForResponse();
    }
    const last = emu.message(reply.id)!;
    expect(footer(last)).toMatch(/^Page 3\/3 /);
    const fields = embedOf(last).fields!;
    expect(fields.map((f) => f.name.split('.')[0])).toEqual(['21', '22', '23', '24']);
    expect(fields.slice(2).map((f) => f.value.split('\n').at(-1))).toEqual([expect.stringMatching(/^score \d\.\d{3}$/), expect.stringMatching(/^score \d\.\d{3}$/)]);
    expect(fields[0]!.value).toMatch(/· audio -?\d\.\d{3}$/);
    expect(buttonsOf(last)[2]!.disabled).toBe(true);
  });

  it('turns to page 2 on the requester\'s ▶️, and takes the reaction back', async () => {
    const before = first.versions.length;
    await emu.addReaction({ messageId: first.id, emoji: '▶️', user: emu.users.alice });
    const turned = await emu.waitFor(() => (footer(emu.message(first.id)).startsWith('Page 2/5') ? emu.message(first.id) : undefined), { what: 'page 2' });
    expect(embedOf(turned).fields![0]!.name).toMatch(/^6\. /);
    expect(turned.versions.length).toBe(before + 1);
    // The clip stays attached to the message.
    expect(turned.attachments).toHaveLength(1);
    await emu.waitFor(() => !emu.reactionsOn(first.id)['▶️']?.includes(emu.users.alice.id), { what: 'alice\'s ▶️ removed' });
    expect(emu.reactionsOn(first.id)['▶️']).toEqual([emu.botUser.id]);
  });

  it('turns pages with the buttons (update in place)', async () => {
    const next = await emu.clickButton({ messageId: first.id, customId: 'rec:page:next', user: emu.users.alice });
    expect((await next.waitForResponse()).type).toBe(InteractionResponseType.UpdateMessage);
    expect(footer(emu.message(first.id))).toMatch(/^Page 3\/5/);
    expect(embedOf(emu.message(first.id)!).fields![0]!.name).toMatch(/^11\. /);
    const prev = await emu.clickButton({ messageId: first.id, customId: 'rec:page:prev', user: emu.users.alice });
    await prev.waitForResponse();
    expect(footer(emu.message(first.id))).toMatch(/^Page 2\/5/);
    expect(buttonsOf(emu.message(first.id)!)[1]!.label).toBe('2 / 5');
  });

  it('turns the page on a press that arrives before Discord has answered the edit showing the buttons', async () => {
    // Discord shows the edit to people before its answer reaches the bot: the state must already be saved.
    const hold = emu.holdAnswerNext({ method: 'PATCH', path: /\/messages\/@original$/ });
    let reply: StoredMessage;
    try {
      const ix = await recommend('rain on a tin roof, slow guitar');
      reply = await ix.waitForOriginal(undefined, { timeoutMs: 20_000 });
      expect(hold.hits).toBe(1);
      const early = await emu.clickButton({ messageId: reply.id, customId: 'rec:page:next', user: emu.users.alice });
      expect((await early.waitForResponse()).type).toBe(InteractionResponseType.UpdateMessage);
      expect(footer(emu.message(reply.id))).toMatch(/^Page 2\//);
    } finally {
      hold.release();
    }
    // The bot's own save, after the answer, must not put the list back on page 1.
    await emu.waitFor(() => emu.reactionsOn(reply.id)['▶️'], { what: 'the arrows added' });
    await (await emu.clickButton({ messageId: reply.id, customId: 'rec:page:next', user: emu.users.alice })).waitForResponse();
    expect(footer(emu.message(reply.id))).toMatch(/^Page 3\//);
  });

  it('ignores a stranger\'s reaction (and removes it); a stranger\'s button press gets a private no', async () => {
    const versions = emu.message(first.id)!.versions.length;
    await emu.addReaction({ messageId: first.id, emoji: '▶️', user: emu.users.bob });
    await emu.waitFor(() => !emu.reactionsOn(first.id)['▶️']?.includes(emu.users.bob.id), { what: 'bob\'s ▶️ removed' });
    const press = await emu.clickButton({ messageId: first.id, customId: 'rec:page:next', user: emu.users.bob });
    const cb = await press.waitForResponse();
    expect(cb.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(Number(dataOf(cb).flags) & EPHEMERAL).toBe(EPHEMERAL);
    expect(String(dataOf(cb).content)).toContain(`Only <@${emu.users.alice.id}> can turn these pages`);
    expect(dataOf(cb).allowed_mentions).toEqual({ parse: [] });
    expect(emu.message(first.id)!.versions.length).toBe(versions);
    expect(footer(emu.message(first.id))).toMatch(/^Page 2\/5/);
  });

  it('serves a second identical query (any case and spacing) from the cache', async () => {
    const prompt = 'Warm   PIANO for a rainy evening';
    const a = await recommendReply(prompt);
    expect(footer(a.reply)).toMatch(/· fresh$/);
    const b = await recommendReply('  warm piano FOR a rainy   evening ');
    expect(footer(b.reply)).toMatch(/· from cache$/);
    expect(embedOf(b.reply).fields).toEqual(embedOf(a.reply).fields);
    // Another count is another query.
    const c = await recommendReply(prompt, { count: 3 });
    expect(footer(c.reply)).toMatch(/^Page 1\/5 .*· fresh$/);
  });

  it('filters by tags and duration, says so in the embed, and explains an unknown tag privately', async () => {
    const mood = special.derived.tags.mood[0]!;
    const ix = await emu.sendCommand({ name: 'recommend', options: { prompt: 'something to listen to', mood, max_duration: '2:30' }, user: emu.users.alice });
    const reply = await ix.waitForOriginal(undefined, { timeoutMs: 20_000 });
    const embed = embedOf(reply);
    expect(embed.description).toContain(`Filters: mood: ${mood}, up to 2:30`);
    const allowed = alpha.filter((tr) => tr.tags.mood.includes(mood) && tr.durationSec! <= 150);
    expect(embed.fields!.length).toBe(Math.min(5, allowed.length));
    for (const f of embed.fields!) {
      expect(f.value).toContain(`mood: `);
      expect(f.value).toMatch(new RegExp(`mood: [^·]*${mood}`));
      const [m, s] = /(\d+):(\d\d)/.exec(f.value)!.slice(1).map(Number) as [number, number];
      expect(m * 60 + s).toBeLessThanOrEqual(150);
    }
    const bad = await emu.sendCommand({ name: 'recommend', options: { prompt: 'anything', genre: 'rok' }, user: emu.users.alice });
    const cb = await bad.waitForResponse();
    expect(Number(dataOf(cb).flags) & EPHEMERAL).toBe(EPHEMERAL);
    expect(dataOf(cb).content).toMatch(/^⚠️ Unknown genre "rok"\. .*Common genre tags here: /);
  });

  it('turns an unexpected failure into "Something went wrong (ref …)" in private, logged with that ref and the stack', async () => {
    // Discord keeps failing the edit (5xx): after discord.js's retries the command has failed.
    const fault = emu.failNext({ method: 'PATCH', path: /\/messages\/@original$/, status: 500, times: 10 });
    const ix = await recommend('an edit that cannot land');
    await emu.waitFor(() => ix.followups().length > 0, { what: 'the error follow-up', timeoutMs: 20_000 });
    fault.rule.times = fault.hits; // stop failing
    const [followup] = ix.followups();
    expect(followup!.ephemeral).toBe(true);
    const ref = /^Something went wrong \(ref ([0-9a-f]{6})\)\. Please try again in a moment\.$/.exec(followup!.data.content)?.[1];
    expect(ref).toBeDefined();
    // The public "thinking…" message was removed rather than left hanging.
    expect(ix.original()).toBeUndefined();
    const logged = t.logs.find(`(ref ${ref})`, 50);
    expect(logged).toHaveLength(1);
    expect(String((logged[0]!.err as { stack: string }).stack)).toMatch(/\n\s+at /);
    expect(logged[0]).toMatchObject({ ref, what: '/recommend' });
  });

  it('answers a blank or oversized prompt with a private explanation and no stack', async () => {
    const errorsBefore = t.logs.find('failed (ref', 50).length;
    const blank = await recommend('   ');
    const cb = await blank.waitForResponse();
    expect(cb.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(Number(dataOf(cb).flags) & EPHEMERAL).toBe(EPHEMERAL);
    expect(dataOf(cb).content).toBe('⚠️ The prompt is empty. Describe the music you want, e.g. "calm piano for a rainy evening".');
    // Discord refuses to send it; a registration from before MAX_PROMPT_CHARS was lowered would not.
    await expect(recommend('piano '.repeat(100))).rejects.toThrow(/must be ≤ 500 long/);
    const stale = emu.commands
      .filter((c) => c.guild_id === emu.guild.id)
      .map(({ id: _id, application_id: _a, version: _v, guild_id: _g, ...def }) =>
        def.name === 'recommend' ? { ...def, options: def.options?.map((o) => (o.name === 'prompt' ? { ...o, max_length: undefined } : o)) } : def,
      );
    emu.setCommands(stale as Record<string, unknown>[], { guild: true });
    const long = await recommend('piano '.repeat(100));
    await deployCommands(t.config);
    const cb2 = await long.waitForResponse();
    expect(Number(dataOf(cb2).flags) & EPHEMERAL).toBe(EPHEMERAL);
    expect(String(dataOf(cb2).content)).toMatch(/^⚠️ The prompt is 599 characters long; the limit is 500\. Shorten it/);
    for (const c of [cb, cb2]) expect(String(dataOf(c).content)).not.toMatch(/\n\s+at /);
    expect(t.logs.find('failed (ref', 50)).toHaveLength(errorsBefore);
    expect(t.logs.find('user error', 30).at(-1)).toMatchObject({ what: '/recommend', problem: expect.stringMatching(/^The prompt is 599 characters long/) });
  });

  it('shows the prompt without its control, bidi and zero-width characters, and with mentions and markdown inert', async () => {
    const { reply } = await recommendReply(`calm\u202E piano\u200B <@${emu.users.bob.id}> @everyone **now**\u0007`);
    expect(embedOf(reply).description!.split('\n')[0]).toBe(`> calm piano \\<@${emu.users.bob.id}> @\u200Beveryone \\*\\*now\\*\\*`);
    const edit = emu.requests.filter((r) => r.method === 'PATCH' && r.path.includes('/messages/@original')).at(-1);
    expect((edit?.body as { allowed_mentions?: unknown }).allowed_mentions).toEqual({ parse: [] });
  });

  it('retries an edit that got a 429 and still delivers the results', async () => {
    const fault = emu.failNext({ method: 'PATCH', path: /\/messages\/@original$/, retryAfterSec: 0.3 });
    const { ix, reply } = await recommendReply('energetic drums for running');
    expect(fault.hits).toBe(1);
    const patches = emu.requests.filter((r) => r.method === 'PATCH' && r.path.includes(ix.record.token));
    expect(patches.map((r) => r.status)).toEqual([429, 200]);
    expect(patches[1]!.at - patches[0]!.at).toBeGreaterThanOrEqual(290);
    expect(embedOf(reply).fields!.length).toBe(5);
    expect(t.logs.find('rate limited; waiting', 40).length).toBeGreaterThanOrEqual(1);
  });

  it('reconnects after the gateway drops and answers the next interaction', async () => {
    const resumesBefore = emu.gateway.resumes.length;
    emu.dropGateway({ code: 4000 });
    await emu.waitFor(() => emu.gateway.resumes.length > resumesBefore && emu.gateway.connected, { what: 'a resumed session', timeoutMs: 10_000 });
    const { reply } = await recommendReply('happy ukulele for a summer trip');
    expect(embedOf(reply).fields!.length).toBeGreaterThan(0);
    // A dead socket with a lost session: the client identifies anew.
    const identifies = emu.gateway.identifies.length;
    emu.dropGateway({ terminate: true, invalidateSession: true });
    await emu.waitFor(() => emu.gateway.identifies.length > identifies && emu.gateway.connected, { what: 'a new session', timeoutMs: 15_000 });
    const again = await recommendReply('dark synthesizer for a space movie');
    expect(embedOf(again.reply).fields!.length).toBeGreaterThan(0);
  });
});

describe('/reload', () => {
  it('refuses a member who is not an operator, even when a server override shows them the command', async () => {
    // Server owners can override default member permissions; the bot checks for itself.
    const defs = emu.commands.map(({ id: _id, application_id: _a, version: _v, guild_id: _g, ...def }) =>
      def.name === 'reload' ? { ...def, default_member_permissions: null } : def,
    );
    emu.setCommands(defs as Record<string, unknown>[], { guild: true });
    const ix = await emu.sendCommand({ name: 'reload', options: { index: 'beta' }, user: emu.users.alice });
    const cb = await ix.waitForResponse();
    expect(Number(dataOf(cb).flags) & EPHEMERAL).toBe(EPHEMERAL);
    expect(dataOf(cb).content).toMatch(/^⚠️ \/reload is for the bot's operators only: /);
    expect(t.bot.ctx.recommender.status().name).toBe('alpha');
  });

  it('lets the application owner switch indexes: a private report, cached results dropped, the new index served', async () => {
    const cachedPrompt = 'Warm piano for a rainy evening';
    const ix = await emu.sendCommand({ name: 'reload', options: { index: 'beta' }, user: emu.users.owner });
    const cb = await ix.waitForResponse();
    expect(cb.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    expect(Number(dataOf(cb).flags) & EPHEMERAL).toBe(EPHEMERAL);
    const done = await ix.waitForOriginal(undefined, { timeoutMs: 20_000 });
    expect(done.ephemeral).toBe(true);
    expect(done.data.content).toMatch(/^✅ Now serving \*\*beta\*\* \(version \w+\): 12 tracks, text-only, first stage hybrid \(convex, lexical [\d.]+\) \+ tags \(boost [\d.]+\), loaded in \d+ ms, models reloaded\. Cached results were cleared\.$/);
    const { reply } = await recommendReply(cachedPrompt);
    expect(footer(reply)).toMatch(/^Page 1\/3 · text-only · index beta · \d+ ms · fresh$/);
    expect(embedOf(reply).fields![0]!.name).toMatch(/^1\. Beta \d+ — Artist [A-E]$/);
    // beta records no audio root and AUDIO_ROOT is unset.
    expect(embedOf(reply).description).toContain('🔇 No preview of #1: this index has no audio files (set AUDIO\\_ROOT).');
  });

  it('keeps serving the old index when the new one is bad, and says exactly why', async () => {
    const ix = await emu.sendCommand({ name: 'reload', options: { index: 'broken' }, user: emu.users.owner });
    const done = await ix.waitForOriginal(undefined, { timeoutMs: 20_000 });
    expect(done.ephemeral).toBe(true);
    // The file is named relative to EMBEDDINGS_DIR: replies never show the bot's folders.
    expect(done.data.content).toBe(`⚠️ Reload failed; still serving **beta**. broken/${INDEX_FILES.textIndex}: missing file Rebuild the index with \`npm run index -- --catalog <catalog> --out <dir>\`.`);
    const { reply } = await recommendReply('calm strings');
    expect(footer(reply)).toContain('index beta');
    const missing = await emu.sendCommand({ name: 'reload', options: { index: 'nope' }, user: emu.users.owner });
    const m = await missing.waitForOriginal(undefined, { timeoutMs: 20_000 });
    expect(m.data.content).toBe('⚠️ No index named "nope". Indexes: alpha, beta, broken.');
  });

  it('accepts a user listed in BOT_ADMIN_IDS without Administrator', async () => {
    const ix = await emu.sendCommand({ name: 'reload', options: { index: 'alpha' }, user: emu.users.bob });
    const done = await ix.waitForOriginal(undefined, { timeoutMs: 20_000 });
    expect(done.data.content).toMatch(/^✅ Now serving \*\*alpha\*\*.*two-stage/);
    const { reply } = await recommendReply(combinedText(special.derived));
    expect(footer(reply)).toContain('index alpha');
    expect(reply.attachments).toHaveLength(1);
  });
});

describe('/reload of the same index', () => {
  it('drops cached results even when the content did not change', async () => {
    const prompt = 'slow piano for reading';
    await recommendReply(prompt);
    expect(footer((await recommendReply(prompt)).reply)).toMatch(/· from cache$/);
    const ix = await emu.sendCommand({ name: 'reload', user: emu.users.owner });
    const done = await ix.waitForOriginal(undefined, { timeoutMs: 20_000 });
    expect(done.data.content).toMatch(/^✅ Now serving \*\*alpha\*\* .*loaded in \d+ ms\. Cached results were cleared\.$/);
    expect(footer((await recommendReply(prompt)).reply)).toMatch(/· fresh$/);
  });
});

describe('logs', () => {
  it('time every command (and report the figures)', () => {
    const done = t.logs.find('command done', 30).filter((e) => e.command === '/recommend').map((e) => Number(e.ms)).sort((a, b) => a - b);
    const queries = t.logs.find('recommend', 30).filter((e) => e.msg === 'recommend');
    expect(done.length).toBeGreaterThan(15);
    const fresh = queries.filter((e) => e.cached === false).map((e) => Number(e.ms)).sort((a, b) => a - b);
    const cached = queries.filter((e) => e.cached === true).map((e) => Number(e.ms)).sort((a, b) => a - b);
    const median = (xs: number[]) => xs[Math.floor(xs.length / 2)];
    console.info(
      `e2e: ready in ${t.bot.readyMs} ms; /recommend end to end median ${median(done)} ms (max ${done.at(-1)}), ` +
        `query fresh median ${median(fresh)} ms, cached median ${median(cached)} ms`,
    );
  });

  it('never contain the bot token or an interaction token', () => {
    const all = t.logs.raw.join('\n');
    expect(all.length).toBeGreaterThan(1000);
    expect(all).not.toContain(emu.token);
    for (const token of interactionTokens) expect(all).not.toContain(token);
  });
});
