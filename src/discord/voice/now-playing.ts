import type { APIActionRowComponent, APIButtonComponent, APIEmbed, MessageCreateOptions } from 'discord.js';
import { currentTrack, upNext, type PlayQueue, type QueueNote, type QueueTrack, type Unplayable } from '../../app/play-queue.ts';
import { UNKNOWN_LICENSE } from '../../app/playlist-export.ts';
import { fitEmbed, truncate } from '../embed-limits.ts';
import { EMBED_COLOR, escapeText } from '../result-embed.ts';
import { controlRows } from './voice-buttons.ts';

/**
 * The now-playing message: a normal message in the text channel where playback was asked for,
 * edited as tracks change. It credits what plays (title, artist, licence, track page: what a
 * Creative Commons attribution needs), shows the position and the next track, and says what
 * happened lately (skips and why, a replaced list, a stop). Pure.
 */

/** Why the bot left its voice channel. */
export type LeaveReason = 'leave' | 'idle' | 'alone' | 'lost' | 'moved' | 'shutdown';

export interface NowPlayingView {
  queue: PlayQueue;
  /** The voice channel it plays (or played) in. */
  channelId: string;
  /** Set once the bot has left; `by` for a ⏏ Leave, `to` for a move to another channel. */
  left?: { reason: LeaveReason; by?: string; to?: string };
  /** Set on the message of a list that another list replaced: who replaced it. */
  replacedBy?: string;
  /** The current track plays from its cached preview clip (an excerpt), its own file being absent. */
  previewOnly?: boolean;
}

/** Tracks listed under "Next". */
export const NEXT_SHOWN = 3;
const NAME_CHARS = 100;

const mention = (id: string) => `<@${id}>`;
/** Only plain http(s) URLs become links (anything else would break the markdown). */
const linkable = (url: string | undefined): url is string => !!url && /^https?:\/\/[^\s()<>[\]]+$/.test(url);

/** "2. Title — Artist", escaped; the id stands in for a missing title. */
export function trackName(t: QueueTrack): string {
  const title = t.title?.trim() || t.trackId;
  const artist = t.artist?.trim();
  return `${t.rank}. ${escapeText(truncate(artist ? `${title} — ${artist}` : title, NAME_CHARS))}`;
}

/** The attribution line: licence (linked to its deed when known) and the track page. */
export function creditLine(t: QueueTrack): string {
  const name = t.license ? escapeText(truncate(t.license, 60)) : UNKNOWN_LICENSE;
  const license = linkable(t.licenseUrl) ? `[${name}](${t.licenseUrl})` : name;
  return [`Licence: ${license}`, ...(linkable(t.url) ? [`[Track page](${t.url})`] : [])].join(' · ');
}

const UNPLAYABLE_WORDS: Record<Unplayable, string> = {
  'no-audio': 'no audio file',
  'not-decodable': 'could not be decoded',
  'cut-short': 'could not be decoded to the end',
  gone: 'no longer in the catalog',
};

export function noteLine(note: QueueNote): string {
  switch (note.kind) {
    case 'replaced':
      return note.by === note.previousBy ? `🔁 ${mention(note.by)} replaced their list` : `🔁 ${mention(note.by)} replaced the list of ${mention(note.previousBy)}`;
    case 'skipped':
      return `⏭️ ${mention(note.by)} skipped ${trackName(note.track)}`;
    case 'unplayable':
      return note.why === 'cut-short'
        ? `⚠️ ${trackName(note.track)} stopped early — ${UNPLAYABLE_WORDS[note.why]}`
        : `⚠️ skipped ${trackName(note.track)} — ${UNPLAYABLE_WORDS[note.why]}`;
    case 'stopped':
      return `⏹️ ${mention(note.by)} stopped the list`;
  }
}

function leftLine(view: NowPlayingView): string {
  const left = view.left!;
  const where = `<#${view.channelId}>`;
  switch (left.reason) {
    case 'leave':
      return `⏏️ ${left.by ? `${mention(left.by)} made me leave` : 'Left'} ${where}.`;
    case 'idle':
      return `⏏️ Left ${where}: nothing was playing.`;
    case 'alone':
      return `⏏️ Left ${where}: nobody was listening.`;
    case 'lost':
      return `⚠️ Lost the voice connection to ${where}, so playback stopped. Press ▶ Play in voice to start again.`;
    case 'moved':
      return `⏏️ Left ${where} for ${left.to ? `<#${left.to}>` : 'another channel'}.`;
    case 'shutdown':
      return `⏏️ Left ${where}: the bot is restarting.`;
  }
}

export function nowPlayingEmbed(view: NowPlayingView, nextShown = NEXT_SHOWN): APIEmbed {
  const q = view.queue;
  const track = view.left || view.replacedBy ? undefined : currentTrack(q);
  const total = q.tracks.length;
  const lines: string[] = [];
  let title: string;
  if (track) {
    title = `🔊 Now playing (${q.position + 1}/${total})`;
    lines.push(`**${trackName(track)}**`, creditLine(track));
    if (view.previewOnly) lines.push('_A preview excerpt: the full file is not on this server._');
    lines.push('');
    const next = upNext(q, nextShown);
    lines.push(next.length ? `**Next:** ${next.map(trackName).join(' · ')}` : '**Next:** nothing, this is the last track.');
    lines.push(`In <#${view.channelId}> · list of ${mention(q.requestedBy)}`);
  } else if (view.replacedBy) {
    title = '🔁 Replaced';
    const reached = q.status === 'playing' ? ` at ${q.position + 1}/${total}` : '';
    lines.push(`${mention(view.replacedBy)} replaced ${mention(q.requestedBy)}'s list${reached} with a new one.`);
  } else if (view.left) {
    title = '⏏️ Not in voice';
    lines.push(leftLine(view));
  } else {
    title = q.status === 'stopped' ? '⏹️ Stopped' : '⏹️ Finished the list';
    const played = q.status === 'stopped' ? `Stopped at ${Math.min(q.position + 1, total)}/${total}` : `Played the ${total} track${total === 1 ? '' : 's'}`;
    lines.push(`${played} of ${mention(q.requestedBy)}'s list in <#${view.channelId}>.`, 'Press ▶ Play in voice under any results message for more.');
  }
  const notes = q.notes.map(noteLine);
  return fitEmbed({
    color: EMBED_COLOR,
    title,
    description: lines.join('\n'),
    ...(notes.length ? { fields: [{ name: 'Lately', value: notes.join('\n') }] } : {}),
    footer: { text: 'Skip, Stop and Leave: for the people in the voice channel.' },
  });
}

/** The whole message: embed, controls, and no pings whatever the names say. */
export function nowPlayingMessage(view: NowPlayingView): Pick<MessageCreateOptions, 'allowedMentions'> & {
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
} {
  const phase = view.left || view.replacedBy ? 'left' : currentTrack(view.queue) ? 'playing' : 'idle';
  return { embeds: [nowPlayingEmbed(view)], components: controlRows(phase), allowedMentions: { parse: [] } };
}
