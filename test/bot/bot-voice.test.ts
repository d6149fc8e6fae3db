/**
 * Voice playback end to end: the real bot (discord.js, @discordjs/voice, ffmpeg with libopus)
 * against the emulator's gateway and voice server, which decrypts and decodes what arrives. The
 * catalog's tracks are ffmpeg sine tones of distinct pitches, so what was played, in which order and
 * at what pace is read back from the received audio.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MessageFlags, type APIEmbed, type APIMessage } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TrackEntry } from '../../src/app/result-view.ts';
import { combinedText, type Track } from '../../src/catalog/track.ts';
import { PLAY_IN_VOICE_ID, VOICE_CONTROL_IDS } from '../../src/discord/voice/voice-buttons.ts';
import type { DiscordEmulator, InteractionHandle, StoredMessage } from '../discord-emulator/index.ts';
import { arrivalGaps, toneSegments, type ToneSegment } from '../discord-emulator/voice/analysis.ts';
import { mp3, writeTone } from '../helpers/audio-files.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { type BotSession, buildTestIndex, catalogTracks, startBotSession, type TestBot } from './helpers/fixtures.ts';

/** Generous: a busy two-core machine runs other test files at the same time. */
const WAIT = { timeoutMs: 90_000 };
const IDLE_SECONDS = 3;
const TONE_SECONDS = 2;
const EPHEMERAL = MessageFlags.Ephemeral as number;

let session: BotSession;
let emu: DiscordEmulator;
let t: TestBot;
let tmp: { dir: string; cleanup: () => Promise<void> };
let tracks: Track[];
/** Pitch of each playable track, by id; the rest have a corrupt or a missing file. */
const pitch = new Map<string, number>();
let audioRoot: string;
let vc: string;
let vc2: string;
let guildId: string;

type Person = keyof DiscordEmulator['users'];

beforeAll(async () => {
  tmp = await tempDir('bot-voice');
  audioRoot = path.join(tmp.dir, 'audio');
  tracks = catalogTracks(6);
  const freqs = [330, 495, 660, 880];
  for (const [i, freq] of freqs.entries()) {
    const t = tracks[i]!;
    t.path = `tones/${freq}.mp3`;
    await writeTone(path.join(audioRoot, t.path), { seconds: TONE_SECONDS, freq, codecArgs: mp3(128) });
    pitch.set(t.id, freq);
  }
  Object.assign(tracks[4]!, { title: 'Broken Bytes', path: 'bad/corrupt.mp3' });
  await mkdir(path.join(audioRoot, 'bad'), { recursive: true });
  // Named .mp3, but no audio at all: ffmpeg fails before writing anything.
  await writeFile(path.join(audioRoot, 'bad/corrupt.mp3'), 'this is not an mp3 file\n'.repeat(40));
  Object.assign(tracks[5]!, { title: 'Nowhere Song', path: 'bad/missing.mp3' });
  await buildTestIndex(path.join(tmp.dir, 'embeddings', 'voice'), { name: 'voice', tracks });
  session = await startBotSession({
    dir: tmp.dir,
    index: 'voice',
    emulator: { voice: true, voiceHeartbeatIntervalMs: 1000, heartbeatIntervalMs: 1000, members: 4 },
    env: { AUDIO_ROOT: audioRoot, VOICE_IDLE_SECONDS: String(IDLE_SECONDS), RESULT_PAGES: '2' },
  });
  ({ emu, t } = session);
  guildId = emu.guild.id;
  [vc, vc2] = emu.guilds[0]!.voiceChannels.map((c) => c.id) as [string, string];
});

/** Each test starts with the bot out of voice and nobody in it, whatever the one before left behind. */
afterEach(async () => {
  if (!t?.bot.client.isReady()) return;
  await t.bot.ctx.voice.session(guildId)?.leave('leave');
  await waitUntilLeft();
  for (const who of ['alice', 'bob', 'admin', 'owner'] as const) if (guild().voiceStates.cache.get(user(who).id)?.channelId) await inVoice(who, null);
});

afterAll(async () => {
  await session?.stop();
  await tmp?.cleanup();
});

const user = (who: Person) => emu.users[who];
const guild = () => t.bot.client.guilds.cache.get(guildId)!;

/** A person joins (or leaves, with null) voice, once the bot has seen it. */
async function inVoice(who: Person, channelId: string | null): Promise<void> {
  if (channelId) await emu.joinVoice({ user: user(who), channelId });
  else await emu.leaveVoice({ user: user(who) });
  await emu.waitFor(() => (guild().voiceStates.cache.get(user(who).id)?.channelId ?? null) === channelId, { what: `${who} in ${channelId}`, ...WAIT });
}

/** /recommend, answered: the results message. */
async function results(prompt: string, count: number, who: Person = 'alice'): Promise<StoredMessage> {
  const ix = await emu.sendCommand({ name: 'recommend', options: { prompt, count }, user: user(who) });
  return ix.waitForOriginal(undefined, WAIT);
}

/** The whole list behind a results message, in rank order (the bot's own page state). */
async function listOf(message: StoredMessage): Promise<TrackEntry[]> {
  // Saved before the reply is edited in (reply-with-pages.ts); waited for in case Discord named no id.
  const state = await emu.waitFor(() => t.bot.ctx.pages.get(message.id), { what: 'the page state', ...WAIT });
  return [...state!.view.entries].sort((a, b) => a.rank - b.rank);
}

const press = (messageId: string, customId: string, who: Person) => emu.clickButton({ messageId, customId, user: user(who) });

/** The private answer to a press or command: a direct reply, or a private "thinking" filled in. */
async function privateAnswer(ix: InteractionHandle): Promise<StoredMessage> {
  const answer = await ix.waitForOriginal(undefined, WAIT);
  expect(answer.ephemeral).toBe(true);
  expect((answer.data.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
  return answer;
}

const embedOf = (m: Pick<APIMessage, 'embeds'>): APIEmbed | undefined => m.embeds[0];
const isNowPlaying = (m: StoredMessage) => m.data.author.id === emu.botUser.id && !m.ephemeral && embedOf(m.data)?.footer?.text === 'Skip, Stop and Leave: for the people in the voice channel.';
/** Now-playing messages in the order they were sent. */
const nowPlayingMessages = () => emu.messages.filter(isNowPlaying);
/** Every state a message went through, oldest first. */
const statesOf = (m: StoredMessage): APIMessage[] => [...m.versions, m.data];
const titlesOf = (m: StoredMessage) => statesOf(m).map((s) => embedOf(s)?.title ?? '');
const latest = (id: string) => emu.message(id)!;
const buttonIds = (m: StoredMessage) => (m.data.components ?? []).flatMap((row) => (row as unknown as { components: { custom_id: string }[] }).components.map((c) => c.custom_id));

/** Waits for a now-playing message newer than `after` messages. */
function newNowPlaying(after: number): Promise<StoredMessage> {
  return emu.waitFor(() => nowPlayingMessages()[after], { what: 'a now-playing message', ...WAIT });
}

/** Alice's /recommend, then her ▶ Play in voice: the results message and the now-playing message. */
async function startPlaying(prompt: string, count: number): Promise<{ reply: StoredMessage; message: StoredMessage }> {
  const reply = await results(prompt, count);
  const sent = nowPlayingMessages().length;
  await privateAnswer(await press(reply.id, PLAY_IN_VOICE_ID, 'alice'));
  return { reply, message: await newNowPlaying(sent) };
}

const voiceSession = () => emu.voice.session(guildId)!;
const audioFrames = () => voiceSession().frames.filter((f) => !f.silence).length;
/** The catalog pitch nearest to a measured one (the measurement is within a few Hz). */
const nearestPitch = (freq: number) => [...pitch.values()].reduce((best, f) => (Math.abs(f - freq) < Math.abs(best - freq) ? f : best));
const tones = (segments: ToneSegment[]) => segments.map((s) => nearestPitch(s.freq));
/** Pitches of the playable tracks of a list, in its order. */
const expectedTones = (list: TrackEntry[]) => list.map((e) => pitch.get(e.trackId)).filter((f): f is number => f !== undefined);

async function waitForAudioFrames(n: number): Promise<void> {
  await emu.waitFor(() => audioFrames() >= n, { what: `${n} audio frames`, ...WAIT });
}

async function waitUntilLeft(): Promise<void> {
  await emu.waitFor(() => emu.botVoiceChannel(guildId) === null && !t.bot.ctx.voice.session(guildId), { what: 'the bot out of voice', ...WAIT });
}

/** Leaves voice through /voice leave (by someone in the bot's channel) and waits until it is out. */
async function leaveVoice(who: Person): Promise<void> {
  const ix = await emu.sendCommand({ name: 'voice', subcommand: 'leave', user: user(who) });
  await privateAnswer(ix);
  await waitUntilLeft();
}

describe('▶ Play in voice', () => {
  it('plays the whole list (every page) in result order at real-time pace, passes over unplayable files, credits each track, then leaves when idle', async () => {
    await inVoice('alice', vc);
    // The top track is the first one (its own text as the prompt); the reply made its preview clip.
    const reply = await results(combinedText(tracks[0]!), 3);
    const list = await listOf(reply);
    expect(list[0]!.trackId).toBe(tracks[0]!.id);
    expect(embedOf(reply.data)?.description).toContain('🔊 Preview of #1 attached');
    // Its own file goes: it plays from that clip, and the message says it is an excerpt.
    const own = path.join(audioRoot, tracks[0]!.path!);
    await rename(own, `${own}.away`);
    // count 3 × RESULT_PAGES 2: the whole six-track catalog, over two pages.
    expect(list).toHaveLength(6);
    expect(embedOf(reply.data)?.fields).toHaveLength(3);
    const requestsBefore = emu.gateway.voiceStateRequests.length;
    const sent = nowPlayingMessages().length;

    const ix = await press(reply.id, PLAY_IN_VOICE_ID, 'alice');
    const answer = await privateAnswer(ix);
    expect(answer.data.content).toBe(`▶ Joined <#${vc}>: playing your 6 tracks. The now-playing message has the controls.`);
    expect(emu.gateway.voiceStateRequests.slice(requestsBefore)).toEqual([expect.objectContaining({ guildId, channelId: vc, selfDeaf: true, outcome: 'joined' })]);

    const message = await newNowPlaying(sent);
    await emu.waitFor(() => titlesOf(latest(message.id)).includes('⏹️ Finished the list'), { what: 'the list played to its end', ...WAIT });
    const frames = [...voiceSession().frames];

    // What arrived: the playable tracks' pitches, in result order, each whole (2 s = 100 frames).
    const segments = toneSegments(frames);
    expect(tones(segments)).toEqual(expectedTones(list));
    for (const s of segments) {
      expect(Math.abs(s.freq - nearestPitch(s.freq))).toBeLessThan(5);
      expect(s.frames).toBeGreaterThanOrEqual(95);
      expect(s.frames).toBeLessThanOrEqual(102);
      // Real-time pace: 20 ms of arrival per 20 ms frame, over the whole track.
      const msPerFrame = (s.endMs - s.startMs) / s.frames;
      expect(msPerFrame).toBeGreaterThan(17);
      expect(msPerFrame).toBeLessThan(30);
    }
    const gaps = arrivalGaps(frames, voiceSession().speaking);
    expect(gaps.median).toBeGreaterThan(15);
    expect(gaps.median).toBeLessThan(25);
    expect(voiceSession()).toMatchObject({ decryptFailures: 0, decodeFailures: 0, daveFrames: 0 });

    // The now-playing message: one message, edited as tracks changed.
    const states = statesOf(latest(message.id));
    const playing = states.map((s) => embedOf(s)).filter((e) => e?.title?.startsWith('🔊 Now playing'));
    const positions = [...new Set(playing.map((e) => e!.title ?? ''))];
    const playablePositions = list.flatMap((e, i) => (pitch.has(e.trackId) ? [`🔊 Now playing (${i + 1}/6)`] : []));
    expect(positions.filter((p) => playablePositions.includes(p))).toEqual(playablePositions);
    const first = list.findIndex((e) => pitch.has(e.trackId));
    const shown = playing.find((e) => e!.title === `🔊 Now playing (${first + 1}/6)`)!;
    const track = tracks.find((x) => x.id === list[first]!.trackId)!;
    expect(shown.description).toContain(`**${first + 1}. ${track.title} — ${track.artist}**`);
    expect(shown.description).toContain(`Licence: ${track.license} · [Track page](https://www.jamendo.com/track/${Number(track.id.slice(6))})`);
    expect(shown.description).toContain(`list of <@${emu.users.alice.id}>`);
    expect(shown.description).toMatch(/\*\*Next:\*\* \d\. /);
    const firstStates = playing.filter((e) => e!.title === `🔊 Now playing (${first + 1}/6)`);
    expect(firstStates.every((e) => e!.description!.includes('\n_A preview excerpt: the full file is not on this server._\n'))).toBe(true);
    const others = playing.filter((e) => e!.title !== `🔊 Now playing (${first + 1}/6)`);
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((e) => !e!.description!.includes('preview excerpt'))).toBe(true);
    await rename(`${own}.away`, own);
    const lately = embedOf(latest(message.id).data)!.fields![0]!.value;
    expect(lately).toContain('⚠️ skipped ');
    expect(lately).toContain('Broken Bytes — Artist E — could not be decoded');
    expect(lately).toContain('Nowhere Song — Artist A — no audio file');
    const done = states.find((s) => embedOf(s)?.title === '⏹️ Finished the list')!;
    expect(embedOf(done)!.description).toContain(`Played the 6 tracks of <@${emu.users.alice.id}>'s list in <#${vc}>.`);
    // It pings nobody.
    const posted = emu.requests.find((r) => r.method === 'POST' && r.path === `/channels/${emu.channel.id}/messages` && JSON.stringify(r.body).includes('Now playing'));
    expect((posted?.body as { allowed_mentions?: unknown }).allowed_mentions).toEqual({ parse: [] });
    expect(t.logs.find('voice track could not be decoded; skipped', 40)).toEqual([expect.objectContaining({ trackId: tracks[4]!.id, reason: expect.any(String) })]);
    expect(t.logs.find('voice track has no audio; skipped')).toEqual([expect.objectContaining({ trackId: tracks[5]!.id, why: 'no-audio' })]);

    // Idle: it leaves after VOICE_IDLE_SECONDS, and says why.
    await waitUntilLeft();
    expect(emu.gateway.voiceStateRequests.at(-1)).toMatchObject({ channelId: null, outcome: 'left' });
    await emu.waitFor(() => embedOf(latest(message.id).data)?.description === `⏏️ Left <#${vc}>: nothing was playing.`, { what: 'the idle note', ...WAIT });
    expect(latest(message.id).data.components).toEqual([]);
    expect(t.logs.find('voice left').at(-1)).toMatchObject({ reason: 'idle', guild: guildId });
    expect(t.logs.find('voice joined').at(-1)).toMatchObject({ guild: guildId, channel: vc });
  });

  it('answers privately, and does not join, when the presser is in no voice channel', async () => {
    await inVoice('bob', null);
    const reply = await results('bright brass', 1, 'bob');
    const requests = emu.gateway.voiceStateRequests.length;
    const ix = await press(reply.id, PLAY_IN_VOICE_ID, 'bob');
    const answer = await privateAnswer(ix);
    expect(ix.callback?.type).toBe(4);
    expect(answer.data.content).toBe('⚠️ Join a voice channel first, then press ▶ Play in voice again.');
    expect(emu.gateway.voiceStateRequests.length).toBe(requests);
  });

  it('names the permissions it lacks in that channel, privately, and sends no op 4', async () => {
    emu.setChannelPermissions({ channelId: vc2, deny: ['Connect', 'Speak'] });
    const me = guild().members.me!;
    await emu.waitFor(() => !guild().channels.cache.get(vc2)!.permissionsFor(me)!.has('Connect'), { what: 'the overwrite seen by the bot', ...WAIT });
    await inVoice('bob', vc2);
    const reply = await results('bright brass', 1, 'bob');
    const requests = emu.gateway.voiceStateRequests.length;
    const answer = await privateAnswer(await press(reply.id, PLAY_IN_VOICE_ID, 'bob'));
    expect(answer.data.content).toBe(
      `⚠️ I can't play in <#${vc2}>: I'm missing the Connect and Speak permissions there. A server admin can grant my role View Channel, Connect and Speak in that channel (Edit Channel → Permissions) or server-wide.`,
    );
    expect(emu.gateway.voiceStateRequests.length).toBe(requests);
    expect(t.bot.ctx.voice.session(guildId)).toBeUndefined();
    emu.setChannelPermissions({ channelId: vc2, deny: 0n });
    await emu.waitFor(() => guild().channels.cache.get(vc2)!.permissionsFor(me)!.has('Connect'), { what: 'the overwrite lifted', ...WAIT });
    await inVoice('bob', null);
  });
});

describe('controls', () => {
  it('⏭ Skip goes to the next track, only for people in the channel; /voice now answers anyone; ⏹ Stop stays connected until idle', async () => {
    await inVoice('alice', vc);
    const { reply, message } = await startPlaying('dreamy synth pads', 3);
    const list = await listOf(reply);
    const expected = expectedTones(list);
    await waitForAudioFrames(25);

    // bob is not in voice: refused privately, nothing changes.
    const refused = await privateAnswer(await press(message.id, VOICE_CONTROL_IDS.skip, 'bob'));
    expect(refused.data.content).toBe(`⚠️ Only people in <#${vc}> can skip tracks. Join it first.`);
    const now = await privateAnswer(await emu.sendCommand({ name: 'voice', subcommand: 'now', user: user('bob') }));
    expect(embedOf(now.data)?.title).toMatch(/^🔊 Now playing \(\d\/6\)$/);
    expect(now.data.components ?? []).toEqual([]);

    const skip = await press(message.id, VOICE_CONTROL_IDS.skip, 'alice');
    expect((await skip.waitForResponse(WAIT)).type).toBe(6);
    // The next playable track starts; the first one was cut short.
    await emu.waitFor(() => tones(toneSegments(voiceSession().frames)).length >= 2 && audioFrames() > 140 ? true : undefined, { what: 'the second track', ...WAIT });
    const segments = toneSegments(voiceSession().frames);
    expect(tones(segments).slice(0, 2)).toEqual(expected.slice(0, 2));
    expect(segments[0]!.frames).toBeLessThan(90);
    await emu.waitFor(() => embedOf(latest(message.id).data)?.fields?.[0]?.value.includes(`⏭️ <@${emu.users.alice.id}> skipped `) === true, { what: 'the skip note', ...WAIT });

    const stop = await privateAnswer(await emu.sendCommand({ name: 'voice', subcommand: 'stop', user: user('alice') }));
    expect(stop.data.content).toBe(`⏹️ Stopped. I stay in <#${vc}> for a while; ⏏ Leave sends me away now.`);
    const stoppedAt = voiceSession().frames.length;
    await emu.waitFor(() => embedOf(latest(message.id).data)?.title === '⏹️ Stopped', { what: 'the Stopped message', ...WAIT });
    // Still connected, with only ⏏ Leave live…
    expect(emu.botVoiceChannel(guildId)).toBe(vc);
    expect(latest(message.id).data.components).toMatchObject([{ components: [{ disabled: true }, { disabled: true }, { disabled: false }] }]);
    // …until the idle time has passed; nothing but the padding after a stream was sent meanwhile.
    await waitUntilLeft();
    const after = voiceSession().frames.slice(stoppedAt);
    expect(after.filter((f) => !f.silence).length).toBeLessThanOrEqual(2);
    expect(t.logs.find('voice left').at(-1)).toMatchObject({ reason: 'idle' });
  });

  it('⏏ Leave disconnects now, and the message says who made it leave', async () => {
    await inVoice('alice', vc);
    const { message } = await startPlaying('lonely guitar', 1);
    await waitForAudioFrames(10);
    // The message may not show every button state yet; the press needs Leave enabled only.
    await emu.waitFor(() => buttonIds(latest(message.id)).includes(VOICE_CONTROL_IDS.leave), { what: 'the Leave button', ...WAIT });
    const leave = await press(message.id, VOICE_CONTROL_IDS.leave, 'alice');
    expect((await leave.waitForResponse(WAIT)).type).toBe(6);
    await waitUntilLeft();
    await emu.waitFor(() => embedOf(latest(message.id).data)?.description === `⏏️ <@${emu.users.alice.id}> made me leave <#${vc}>.`, { what: 'the Leave note', ...WAIT });
    expect(latest(message.id).data.components).toEqual([]);
    expect(t.logs.find('voice left').at(-1)).toMatchObject({ reason: 'leave', by: emu.users.alice.id });
  });
});

describe('one player per server', () => {
  it('a request from the bot\'s channel replaces the list; from another channel it is refused while playing, and moves the bot when idle', async () => {
    await inVoice('alice', vc);
    await inVoice('bob', vc);
    const first = await results('soft ambient drones', 1, 'alice');
    const sent = nowPlayingMessages().length;
    await privateAnswer(await press(first.id, PLAY_IN_VOICE_ID, 'alice'));
    const oldMessage = await newNowPlaying(sent);
    await waitForAudioFrames(20);
    const requests = emu.gateway.voiceStateRequests.length;

    const second = await results('epic orchestral battle', 3, 'bob');
    const secondList = await listOf(second);
    const replaced = await privateAnswer(await press(second.id, PLAY_IN_VOICE_ID, 'bob'));
    expect(replaced.data.content).toBe(`▶ Your 6 tracks replaced the list playing in <#${vc}>.`);
    const newMessage = await newNowPlaying(sent + 1);
    await emu.waitFor(() => embedOf(latest(oldMessage.id).data)?.title === '🔁 Replaced', { what: 'the old message retired', ...WAIT });
    expect(embedOf(latest(oldMessage.id).data)!.description).toMatch(new RegExp(`^<@${emu.users.bob.id}> replaced <@${emu.users.alice.id}>'s list at [12]/2 with a new one\\.$`));
    expect(latest(oldMessage.id).data.components).toEqual([]);
    await emu.waitFor(() => embedOf(latest(newMessage.id).data)?.fields?.[0]?.value === `🔁 <@${emu.users.bob.id}> replaced the list of <@${emu.users.alice.id}>`, { what: 'the replacement note', ...WAIT });
    // Same connection (no op 4); the new list's first playable track is what arrives next.
    expect(emu.gateway.voiceStateRequests.length).toBe(requests);
    await emu.waitFor(() => (tones(toneSegments(voiceSession().frames)).at(-1) === expectedTones(secondList)[0] ? true : undefined), { what: 'the new list playing', ...WAIT });

    // From the other voice channel while playing: refused, privately.
    await inVoice('admin', vc2);
    const third = await results('funky bass groove', 1, 'admin');
    const refused = await privateAnswer(await press(third.id, PLAY_IN_VOICE_ID, 'admin'));
    expect(refused.data.content).toBe(`⚠️ I'm playing in <#${vc}> — join it, or ⏹ Stop there first.`);
    expect(emu.gateway.voiceStateRequests.length).toBe(requests);

    // Stopped (idle but connected): the same press moves it.
    await privateAnswer(await emu.sendCommand({ name: 'voice', subcommand: 'stop', user: user('bob') }));
    const moved = await privateAnswer(await press(third.id, PLAY_IN_VOICE_ID, 'admin'));
    expect(moved.data.content).toBe(`▶ Moved to <#${vc2}>: playing your 2 tracks.`);
    expect(emu.gateway.voiceStateRequests.slice(requests).map((r) => [r.channelId, r.outcome])).toEqual([
      [null, 'left'],
      [vc2, 'joined'],
    ]);
    await emu.waitFor(() => embedOf(latest(newMessage.id).data)?.description === `⏏️ Left <#${vc}> for <#${vc2}>.`, { what: 'the move note', ...WAIT });
    await waitForAudioFrames(10);
    expect(voiceSession().channelId).toBe(vc2);
    await leaveVoice('admin');
    await inVoice('admin', null);
    await inVoice('bob', null);
  });
});

describe('connection', () => {
  it('resumes a dropped voice connection (closed, then killed) and the audio goes on where it was', async () => {
    await inVoice('alice', vc);
    const { reply, message } = await startPlaying('warm jazz piano trio', 3);
    const list = await listOf(reply);
    const requests = emu.gateway.voiceStateRequests.length;
    await waitForAudioFrames(40);

    emu.voice.drop(guildId, { code: 4015 });
    await emu.voice.waitForSession(guildId, (s) => s.resumes.some((r) => r.accepted), { what: 'a resume', ...WAIT });
    const before = audioFrames();
    await waitForAudioFrames(before + 40);
    emu.voice.drop(guildId, { terminate: true });
    await emu.voice.waitForSession(guildId, (s) => s.resumes.filter((r) => r.accepted).length >= 2, { what: 'a second resume', ...WAIT });

    await emu.waitFor(() => titlesOf(latest(message.id)).includes('⏹️ Finished the list'), { what: 'the list played to its end', ...WAIT });
    // Same voice session throughout: resumed, never rejoined.
    expect(emu.gateway.voiceStateRequests.length).toBe(requests);
    expect(voiceSession().connections.map((c) => c.kind)).toEqual(['identify', 'resume', 'resume']);
    // Every playable track arrived, in order; the one interrupted went on where it was (a track
    // is 100 frames; a resume loses at most what was in flight).
    const segments = toneSegments(voiceSession().frames);
    expect(tones(segments)).toEqual(expectedTones(list));
    const total = segments.reduce((n, s) => n + s.frames, 0);
    expect(total).toBeGreaterThan(expectedTones(list).length * 100 - 30);
    expect(total).toBeLessThanOrEqual(expectedTones(list).length * 102);
    expect(t.logs.find('voice left')).not.toContainEqual(expect.objectContaining({ reason: 'lost' }));
    await leaveVoice('alice');
  });

  it('gives up a connection closed for good (4014: disconnected by a moderator) after 5 s, and tells the channel', async () => {
    await inVoice('alice', vc);
    const { message } = await startPlaying('warm jazz piano trio', 3);
    await waitForAudioFrames(20);
    emu.voice.drop(guildId, { code: 4014 });
    await waitUntilLeft();
    await emu.waitFor(() => embedOf(latest(message.id).data)?.description?.startsWith(`⚠️ Lost the voice connection to <#${vc}>`), { what: 'the lost note', ...WAIT });
    expect(latest(message.id).data.components).toEqual([]);
    expect(t.logs.find('voice left', 40).at(-1)).toMatchObject({ reason: 'lost' });
    // Nothing was resumed: 4014 is final.
    expect(voiceSession().resumes).toEqual([]);
  });

  it('leaves after the idle time when nobody but bots is left in the channel', async () => {
    await inVoice('alice', vc);
    const { message } = await startPlaying('calm piano for a rainy evening', 3);
    await waitForAudioFrames(10);
    await inVoice('alice', null);
    await waitUntilLeft();
    await emu.waitFor(() => embedOf(latest(message.id).data)?.description === `⏏️ Left <#${vc}>: nobody was listening.`, { what: 'the alone note', ...WAIT });
    expect(t.logs.find('voice left').at(-1)).toMatchObject({ reason: 'alone' });
  });
});

/** Concurrent /recommend commands per wave of the burst. */
const WAVE = 16;

describe('under load', () => {
  it('keeps sending frames on time while waves of /recommend (with preview clips to make) run', async () => {
    await inVoice('alice', vc);
    const { message } = await startPlaying('calm piano for a rainy evening', 3);
    // No clip cached: the first wave makes them again (ffprobe and ffmpeg runs), as fresh prompts would.
    await rm(path.join(tmp.dir, 'previews'), { recursive: true, force: true });
    await waitForAudioFrames(20);
    const from = voiceSession().frames.length;
    const finished = () => titlesOf(latest(message.id)).includes('⏹️ Finished the list');
    const people: Person[] = ['alice', 'bob', 'admin', 'owner'];
    const styles = ['dark techno', 'sunny ukulele', 'sad strings', 'fast drums'];
    let commands = 0;
    // Waves until the list has played to its end: every frame measured was sent under load.
    for (let wave = 0; wave === 0 || !finished(); wave++) {
      const burst = await Promise.all(
        Array.from({ length: WAVE }, (_, i) => emu.sendCommand({ name: 'recommend', options: { prompt: `wave ${wave} ${styles[i % 4]} ${i}`, count: 5 }, user: user(people[i % 4]!) })),
      );
      const answers = await Promise.all(burst.map((ix) => ix.waitForOriginal(undefined, WAIT)));
      expect(answers.every((a) => embedOf(a.data)?.title === '🎧 Tracks for your prompt')).toBe(true);
      commands += burst.length;
    }
    const during = voiceSession().frames.slice(from - 1);
    const gaps = arrivalGaps(during, voiceSession().speaking);
    t.logger.info({ commands, frames: during.length, max: gaps.max, p95: gaps.p95, median: gaps.median, pauses: gaps.pauses }, 'voice frame gaps under load');
    expect(during.length).toBeGreaterThan(200);
    // Measured here (160–210 commands in waves of 16 over the 8 s list, the two cores at a load
    // average of 10–22 from other work): p95 35–42 ms, max 92–277 ms. With ffmpeg and ffprobe
    // spawned from the main thread at the bot's priority instead: p95 98–106 ms, max 750–1080 ms.
    // A frame is 20 ms.
    expect(gaps.median).toBeLessThan(25);
    expect(gaps.p95).toBeLessThan(60);
    expect(gaps.max).toBeLessThan(500);
    await leaveVoice('alice');
  });
});

describe('shutdown', () => {
  it('leaves voice cleanly before the client closes, and the message says so', async () => {
    await inVoice('alice', vc);
    const { message } = await startPlaying('calm piano for a rainy evening', 3);
    await waitForAudioFrames(10);
    await t.bot.stop();
    expect(emu.gateway.voiceStateRequests.at(-1)).toMatchObject({ guildId, channelId: null, outcome: 'left' });
    expect(emu.botVoiceChannel(guildId)).toBeNull();
    expect(embedOf(latest(message.id).data)?.description).toBe(`⏏️ Left <#${vc}>: the bot is restarting.`);
    expect(t.logs.find('voice left').at(-1)).toMatchObject({ reason: 'shutdown' });
  });
});
