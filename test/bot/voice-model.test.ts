/** Voice playback's pure pieces: the play queue, who may do what, the now-playing message, the buttons. */
import { ButtonStyle, PermissionFlagsBits, type APIButtonComponent } from 'discord.js';
import { describe, expect, it } from 'vitest';
import {
  currentTrack,
  NOTES_KEPT,
  queueTracks,
  skipTrack,
  startQueue,
  stopQueue,
  trackEnded,
  trackUnplayable,
  upNext,
  type PlayQueue,
} from '../../src/app/play-queue.ts';
import { pageMessage } from '../../src/discord/paged-results/page-model.ts';
import { nowPlayingEmbed, nowPlayingMessage, type NowPlayingView } from '../../src/discord/voice/now-playing.ts';
import { playReplyText } from '../../src/discord/voice/play-in-voice.ts';
import { controlOfButton, controlRows, PLAY_IN_VOICE_ID, VOICE_CONTROL_IDS } from '../../src/discord/voice/voice-buttons.ts';
import { andList, controlRefusal, decidePlay, joinRefusal, NOT_IN_VOICE_TEXT, notInVoice } from '../../src/discord/voice/voice-rules.ts';
import { messageProblems } from '../discord-emulator/limits.ts';
import { resultEntry } from '../helpers/fixture-tracks.ts';

const ALICE = '100000000000000001';
const BOB = '100000000000000002';
const VC = '200000000000000001';
const OTHER_VC = '200000000000000002';

const list = (n: number) => queueTracks(Array.from({ length: n }, (_, i) => resultEntry(i, { license: 'CC BY 4.0', licenseUrl: 'https://creativecommons.org/licenses/by/4.0/' })));
const buttons = (view: NowPlayingView) => nowPlayingMessage(view).components.flatMap((r) => r.components) as APIButtonComponent[];
const ids = (bs: APIButtonComponent[]) => bs.map((b) => ('custom_id' in b ? [b.custom_id, b.disabled ?? false] : null));

describe('play queue', () => {
  it('plays the whole list in rank order, whatever order the entries came in', () => {
    const entries = [resultEntry(2), resultEntry(0), resultEntry(1)];
    let q = startQueue(queueTracks(entries), ALICE);
    expect(q).toMatchObject({ position: 0, status: 'playing', requestedBy: ALICE, notes: [] });
    const played: number[] = [];
    while (currentTrack(q)) {
      played.push(currentTrack(q)!.rank);
      q = trackEnded(q);
    }
    expect(played).toEqual([1, 2, 3]);
    expect(q).toMatchObject({ status: 'finished', position: 3 });
    // Past the end nothing moves.
    expect(trackEnded(q)).toBe(q);
    expect(skipTrack(q, BOB)).toBe(q);
    expect(stopQueue(q, BOB)).toBe(q);
  });

  it('keeps the credit fields and drops what the player does not need', () => {
    const [t] = queueTracks([resultEntry(0, { license: 'CC BY-SA 3.0', licenseUrl: 'https://x.example/deed' })]);
    expect(t).toEqual({ rank: 1, trackId: 'track_0001000', title: 'Title 1', artist: 'Someone', url: 'https://www.jamendo.com/track/1000', license: 'CC BY-SA 3.0', licenseUrl: 'https://x.example/deed' });
  });

  it('notes skips, unplayable tracks and a stop, and keeps only the last few notes', () => {
    let q = startQueue(list(10), ALICE);
    q = skipTrack(q, BOB);
    expect(currentTrack(q)?.rank).toBe(2);
    q = trackUnplayable(q, 'no-audio');
    q = trackUnplayable(q, 'not-decodable');
    expect(currentTrack(q)?.rank).toBe(4);
    expect(q.notes).toEqual([
      { kind: 'skipped', by: BOB, track: expect.objectContaining({ rank: 1 }) },
      { kind: 'unplayable', why: 'no-audio', track: expect.objectContaining({ rank: 2 }) },
      { kind: 'unplayable', why: 'not-decodable', track: expect.objectContaining({ rank: 3 }) },
    ]);
    for (let i = 0; i < 5; i++) q = skipTrack(q, ALICE);
    expect(q.notes).toHaveLength(NOTES_KEPT);
    expect(q.notes.at(-1)).toMatchObject({ kind: 'skipped', track: { rank: 8 } });
    q = stopQueue(q, BOB);
    expect(q).toMatchObject({ status: 'stopped', position: 8 });
    expect(q.notes.at(-1)).toEqual({ kind: 'stopped', by: BOB });
    expect(currentTrack(q)).toBeUndefined();
    expect(upNext(q, 3)).toEqual([]);
  });

  it('says a list was replaced, and by whom, only when one was playing', () => {
    const first = startQueue(list(3), ALICE);
    const second = startQueue(list(2), BOB, first);
    expect(second.notes).toEqual([{ kind: 'replaced', by: BOB, previousBy: ALICE }]);
    expect(second).toMatchObject({ position: 0, requestedBy: BOB, status: 'playing' });
    expect(startQueue(list(2), BOB, stopQueue(first, ALICE)).notes).toEqual([]);
    expect(startQueue([], BOB).status).toBe('finished');
  });

  it('lists what comes next', () => {
    const q = trackEnded(startQueue(list(5), ALICE));
    expect(upNext(q, 2).map((t) => t.rank)).toEqual([3, 4]);
    expect(upNext(q, 10).map((t) => t.rank)).toEqual([3, 4, 5]);
  });
});

describe('voice rules', () => {
  const all = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.Connect | PermissionFlagsBits.Speak;

  it('names each missing permission and what an admin should grant', () => {
    expect(joinRefusal({ channelId: VC, botPermissions: all, userLimit: 0, members: 3 })).toBeNull();
    const noSpeak = joinRefusal({ channelId: VC, botPermissions: all & ~PermissionFlagsBits.Speak, userLimit: 0, members: 0 });
    expect(noSpeak?.full).toBe(
      `I can't play in <#${VC}>: I'm missing the Speak permission there. A server admin can grant my role View Channel, Connect and Speak in that channel (Edit Channel → Permissions) or server-wide.`,
    );
    const none = joinRefusal({ channelId: VC, botPermissions: 0n, userLimit: 0, members: 0 });
    expect(none?.message).toContain("I'm missing the View Channel, Connect and Speak permissions there.");
    expect(joinRefusal({ channelId: VC, botPermissions: null, userLimit: 0, members: 0 })?.message).toContain('View Channel, Connect and Speak');
    // Administrator implies everything, as Discord computes it.
    expect(joinRefusal({ channelId: VC, botPermissions: PermissionFlagsBits.Administrator, userLimit: 2, members: 2 })).toBeNull();
  });

  it('refuses a full channel unless the bot may move members', () => {
    expect(joinRefusal({ channelId: VC, botPermissions: all, userLimit: 2, members: 2 })?.full).toBe(
      `<#${VC}> is full (2/2). Make room in it, or ask a server admin to give me Move Members, which lets me join full channels.`,
    );
    expect(joinRefusal({ channelId: VC, botPermissions: all, userLimit: 2, members: 1 })).toBeNull();
    expect(joinRefusal({ channelId: VC, botPermissions: all | PermissionFlagsBits.MoveMembers, userLimit: 2, members: 5 })).toBeNull();
  });

  it('joins, starts in its own channel, moves when idle elsewhere, refuses while playing elsewhere', () => {
    expect(decidePlay({ botChannelId: null, playing: false, askerChannelId: VC })).toEqual({ kind: 'join' });
    expect(decidePlay({ botChannelId: VC, playing: true, askerChannelId: VC })).toEqual({ kind: 'start' });
    expect(decidePlay({ botChannelId: VC, playing: false, askerChannelId: VC })).toEqual({ kind: 'start' });
    expect(decidePlay({ botChannelId: OTHER_VC, playing: false, askerChannelId: VC })).toEqual({ kind: 'move', from: OTHER_VC });
    const refused = decidePlay({ botChannelId: OTHER_VC, playing: true, askerChannelId: VC });
    expect(refused.kind).toBe('refuse');
    expect(refused.kind === 'refuse' && refused.error.full).toBe(`I'm playing in <#${OTHER_VC}> — join it, or ⏹ Stop there first.`);
  });

  it('lets only the people in the bot\'s channel skip, stop or make it leave', () => {
    expect(controlRefusal('skip', { botChannelId: VC, userChannelId: VC })).toBeNull();
    expect(controlRefusal('skip', { botChannelId: VC, userChannelId: OTHER_VC })?.full).toBe(`Only people in <#${VC}> can skip tracks. Join it first.`);
    expect(controlRefusal('stop', { botChannelId: VC, userChannelId: null })?.message).toBe(`Only people in <#${VC}> can stop the list.`);
    expect(controlRefusal('leave', { botChannelId: VC, userChannelId: null })?.message).toBe(`Only people in <#${VC}> can make me leave.`);
    expect(notInVoice().full).toBe(NOT_IN_VOICE_TEXT);
    expect(NOT_IN_VOICE_TEXT).toMatch(/^Join a voice channel first/);
  });

  it('joins words as a person would', () => {
    expect(andList([])).toBe('');
    expect(andList(['a'])).toBe('a');
    expect(andList(['a', 'b'])).toBe('a and b');
    expect(andList(['a', 'b', 'c'])).toBe('a, b and c');
  });
});

describe('now-playing message', () => {
  const view = (queue: PlayQueue, extra: Partial<NowPlayingView> = {}): NowPlayingView => ({ queue, channelId: VC, ...extra });

  it('credits the track (title, artist, licence with its deed, track page), shows 2/7 and what is next', () => {
    const q = trackEnded(startQueue(list(7), ALICE));
    const embed = nowPlayingEmbed(view(q));
    expect(embed.title).toBe('🔊 Now playing (2/7)');
    expect(embed.description).toBe(
      [
        '**2. Title 2 — Someone**',
        'Licence: [CC BY 4.0](https://creativecommons.org/licenses/by/4.0/) · [Track page](https://www.jamendo.com/track/1001)',
        '',
        '**Next:** 3. Title 3 — Someone · 4. Title 4 — Someone · 5. Title 5 — Someone',
        `In <#${VC}> · list of <@${ALICE}>`,
      ].join('\n'),
    );
    expect(embed.fields).toBeUndefined();
    expect(ids(buttons(view(q)))).toEqual([
      [VOICE_CONTROL_IDS.skip, false],
      [VOICE_CONTROL_IDS.stop, false],
      [VOICE_CONTROL_IDS.leave, false],
    ]);
    expect(nowPlayingMessage(view(q)).allowedMentions).toEqual({ parse: [] });
    expect(messageProblems(nowPlayingMessage(view(q)) as unknown as Record<string, unknown>)).toEqual([]);
    // A track played from its cached preview clip says it is an excerpt.
    expect(nowPlayingEmbed(view(q, { previewOnly: true })).description).toContain('\n_A preview excerpt: the full file is not on this server._\n');
    // The last track says so.
    let last = q;
    for (let i = 0; i < 5; i++) last = trackEnded(last);
    expect(nowPlayingEmbed(view(last)).description).toContain('**Next:** nothing, this is the last track.');
  });

  it('says what was skipped and why, with the words the brief uses', () => {
    let q = startQueue(list(5), ALICE);
    q = trackUnplayable(q, 'no-audio');
    q = trackUnplayable(q, 'not-decodable');
    q = skipTrack(q, BOB);
    q = trackUnplayable(q, 'cut-short');
    const lately = nowPlayingEmbed(view(q)).fields?.[0];
    expect(lately?.name).toBe('Lately');
    expect(lately?.value.split('\n')).toEqual([
      '⚠️ skipped 1. Title 1 — Someone — no audio file',
      '⚠️ skipped 2. Title 2 — Someone — could not be decoded',
      `⏭️ <@${BOB}> skipped 3. Title 3 — Someone`,
      '⚠️ 4. Title 4 — Someone stopped early — could not be decoded to the end',
    ]);
  });

  it('escapes catalog text and links only plain http(s) URLs', () => {
    const [t] = queueTracks([resultEntry(0, { title: '**Bold** <@123> @everyone', artist: '[x](https://evil.example)', url: 'javascript:alert(1)', license: undefined })]);
    const embed = nowPlayingEmbed(view(startQueue([t!], ALICE)));
    expect(embed.description).toContain('\\*\\*Bold\\*\\*');
    expect(embed.description).toContain('\\<@123>');
    expect(embed.description).toContain('@\u200beveryone');
    // A masked link in catalog text stays text.
    expect(embed.description).toContain('\\[x](https://evil.example)');
    expect(embed.description).toContain('Licence: licence unknown');
    expect(embed.description).not.toContain('javascript:');
  });

  it('after the list: finished or stopped, with only ⏏ Leave live', () => {
    let q = startQueue(list(2), ALICE);
    q = trackEnded(trackEnded(q));
    expect(nowPlayingEmbed(view(q))).toMatchObject({ title: '⏹️ Finished the list' });
    expect(nowPlayingEmbed(view(q)).description).toContain(`Played the 2 tracks of <@${ALICE}>'s list in <#${VC}>.`);
    expect(ids(buttons(view(q)))).toEqual([
      [VOICE_CONTROL_IDS.skip, true],
      [VOICE_CONTROL_IDS.stop, true],
      [VOICE_CONTROL_IDS.leave, false],
    ]);
    const stopped = stopQueue(trackEnded(startQueue(list(4), ALICE)), BOB);
    expect(nowPlayingEmbed(view(stopped))).toMatchObject({ title: '⏹️ Stopped' });
    expect(nowPlayingEmbed(view(stopped)).description).toContain('Stopped at 2/4');
    expect(nowPlayingEmbed(view(stopped)).fields?.[0]?.value).toBe(`⏹️ <@${BOB}> stopped the list`);
  });

  it('once left or replaced: why, and no controls', () => {
    const q = startQueue(list(3), ALICE);
    const cases: [NowPlayingView['left'], string][] = [
      [{ reason: 'leave', by: BOB }, `⏏️ <@${BOB}> made me leave <#${VC}>.`],
      [{ reason: 'idle' }, `⏏️ Left <#${VC}>: nothing was playing.`],
      [{ reason: 'alone' }, `⏏️ Left <#${VC}>: nobody was listening.`],
      [{ reason: 'lost' }, `⚠️ Lost the voice connection to <#${VC}>, so playback stopped. Press ▶ Play in voice to start again.`],
      [{ reason: 'moved', to: OTHER_VC }, `⏏️ Left <#${VC}> for <#${OTHER_VC}>.`],
      [{ reason: 'shutdown' }, `⏏️ Left <#${VC}>: the bot is restarting.`],
    ];
    for (const [left, text] of cases) {
      expect(nowPlayingEmbed(view(q, { left })).description).toBe(text);
      expect(buttons(view(q, { left }))).toEqual([]);
    }
    const replaced = view(trackEnded(q), { replacedBy: BOB });
    expect(nowPlayingEmbed(replaced)).toMatchObject({ title: '🔁 Replaced', description: `<@${BOB}> replaced <@${ALICE}>'s list at 2/3 with a new one.` });
    expect(buttons(replaced)).toEqual([]);
    // The new list's message says whose list it replaced.
    expect(nowPlayingEmbed(view(startQueue(list(2), BOB, q))).fields?.[0]?.value).toBe(`🔁 <@${BOB}> replaced the list of <@${ALICE}>`);
  });

  it('stays within Discord\'s limits with 50 long-titled tracks and /voice now\'s longer next list', () => {
    const long = queueTracks(Array.from({ length: 50 }, (_, i) => resultEntry(i, { title: 'x'.repeat(500), artist: 'y'.repeat(500), license: 'z'.repeat(300) })));
    let q = startQueue(long, ALICE);
    for (let i = 0; i < 10; i++) q = trackUnplayable(q, 'not-decodable');
    for (const nextShown of [3, 10]) {
      const embed = nowPlayingEmbed(view(q), nextShown);
      expect(messageProblems({ embeds: [embed] })).toEqual([]);
    }
    expect(nowPlayingEmbed(view(q), 10).description!.split(' · ').length).toBeGreaterThan(nowPlayingEmbed(view(q)).description!.split(' · ').length);
  });
});

describe('buttons', () => {
  it('puts ▶ Play in voice on every results message, within five buttons a row', () => {
    const entries = Array.from({ length: 12 }, (_, i) => resultEntry(i));
    const message = pageMessage({ view: { prompt: 'p', filter: null, perPage: 5, entries, mode: 'two-stage', indexName: 'i', latencyMs: 1, cached: false, preview: null }, page: 1 });
    const row = message.components[0]!.components as APIButtonComponent[];
    expect(row).toHaveLength(5);
    expect(row.at(-1)).toEqual({ type: 2, style: ButtonStyle.Secondary, custom_id: PLAY_IN_VOICE_ID, label: '▶ Play in voice', disabled: false });
    expect(messageProblems(message as unknown as Record<string, unknown>)).toEqual([]);
  });

  it('maps control ids back to controls, and nothing else', () => {
    expect(controlOfButton(VOICE_CONTROL_IDS.skip)).toBe('skip');
    expect(controlOfButton(VOICE_CONTROL_IDS.leave)).toBe('leave');
    expect(controlOfButton('voice:ctl:pause')).toBeNull();
    expect(controlOfButton(PLAY_IN_VOICE_ID)).toBeNull();
    expect(controlRows('left')).toEqual([]);
  });

  it('tells the presser what happened, privately', () => {
    expect(playReplyText({ kind: 'joined' }, 7, VC)).toBe(`▶ Joined <#${VC}>: playing your 7 tracks. The now-playing message has the controls.`);
    expect(playReplyText({ kind: 'replaced' }, 1, VC)).toBe(`▶ Your 1 track replaced the list playing in <#${VC}>.`);
    expect(playReplyText({ kind: 'moved' }, 2, VC)).toBe(`▶ Moved to <#${VC}>: playing your 2 tracks.`);
    expect(playReplyText({ kind: 'started' }, 2, VC)).toBe(`▶ Playing your 2 tracks in <#${VC}>.`);
  });
});
