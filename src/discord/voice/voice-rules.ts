import { PermissionFlagsBits } from 'discord.js';
import { UserError } from '../../errors.ts';

/**
 * Who may do what with the bot's voice playback, and what they are told when not: pure rules over
 * ids, flags and permission bits, so the tests can state them without a voice connection.
 */

/** What the bot needs in a voice channel to play there, with the names Discord's settings show. */
export const VOICE_PERMISSIONS = [
  { flag: PermissionFlagsBits.ViewChannel, name: 'View Channel' },
  { flag: PermissionFlagsBits.Connect, name: 'Connect' },
  { flag: PermissionFlagsBits.Speak, name: 'Speak' },
] as const;

/** `a`, `a and b`, `a, b and c`. */
export function andList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

const channel = (id: string) => `<#${id}>`;

export const NOT_IN_VOICE_TEXT = 'Join a voice channel first, then press ▶ Play in voice again.';
export const SERVERS_ONLY_TEXT = 'Voice playback works in servers only.';

/** A person who asked for playback without being in a voice channel of this server. */
export function notInVoice(): UserError {
  return new UserError(NOT_IN_VOICE_TEXT);
}

/**
 * Why the bot cannot join `channelId`, or null when it can: its missing permissions there (bits it
 * holds in the channel, or null when it cannot tell), else a full channel unless it may move members.
 */
export function joinRefusal(input: { channelId: string; botPermissions: bigint | null; userLimit: number; members: number }): UserError | null {
  const held = input.botPermissions ?? 0n;
  const missing = VOICE_PERMISSIONS.filter((p) => (held & p.flag) !== p.flag && (held & PermissionFlagsBits.Administrator) === 0n).map((p) => p.name);
  if (missing.length) {
    const all = VOICE_PERMISSIONS.map((p) => p.name);
    return new UserError(
      `I can't play in ${channel(input.channelId)}: I'm missing the ${andList(missing)} permission${missing.length === 1 ? '' : 's'} there.`,
      `A server admin can grant my role ${andList(all)} in that channel (Edit Channel → Permissions) or server-wide.`,
    );
  }
  const full = input.userLimit > 0 && input.members >= input.userLimit;
  if (full && (held & PermissionFlagsBits.MoveMembers) === 0n && (held & PermissionFlagsBits.Administrator) === 0n) {
    return new UserError(
      `${channel(input.channelId)} is full (${input.members}/${input.userLimit}).`,
      'Make room in it, or ask a server admin to give me Move Members, which lets me join full channels.',
    );
  }
  return null;
}

/** What a play request does, given where the bot is. */
export type PlayDecision =
  /** Not connected in this server: join the asker's channel. */
  | { kind: 'join' }
  /** Connected in the asker's channel: the new list starts now (replacing one that plays). */
  | { kind: 'start' }
  /** Connected but idle in another channel: go to the asker's. */
  | { kind: 'move'; from: string }
  /** Playing in another channel: refused. */
  | { kind: 'refuse'; error: UserError };

export function decidePlay(input: { botChannelId: string | null; playing: boolean; askerChannelId: string }): PlayDecision {
  const { botChannelId, playing, askerChannelId } = input;
  if (botChannelId === null) return { kind: 'join' };
  if (botChannelId === askerChannelId) return { kind: 'start' };
  if (!playing) return { kind: 'move', from: botChannelId };
  return {
    kind: 'refuse',
    error: new UserError(`I'm playing in ${channel(botChannelId)} — join it, or ⏹ Stop there first.`),
  };
}

export type VoiceControl = 'skip' | 'stop' | 'leave';

const CONTROL_WORDS: Record<VoiceControl, string> = { skip: 'skip tracks', stop: 'stop the list', leave: 'make me leave' };

/** Skip, Stop and Leave are for the people listening: those in the bot's voice channel. */
export function controlRefusal(control: VoiceControl, input: { botChannelId: string; userChannelId: string | null }): UserError | null {
  if (input.userChannelId === input.botChannelId) return null;
  return new UserError(`Only people in ${channel(input.botChannelId)} can ${CONTROL_WORDS[control]}.`, 'Join it first.');
}

/** Nothing to control: the bot is in no voice channel of this server. */
export function notPlaying(): UserError {
  return new UserError("I'm not in a voice channel in this server.", 'Press ▶ Play in voice under a results message to start.');
}
