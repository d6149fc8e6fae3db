import { MessageFlags, type Guild, type MessageComponentInteraction, type SendableChannels, type VoiceBasedChannel } from 'discord.js';
import { queueTracks } from '../../app/play-queue.ts';
import { UserError } from '../../errors.ts';
import type { BotContext } from '../bot-context.ts';
import type { ComponentHandler } from '../component-handler.ts';
import { PLAY_IN_VOICE_ID } from './voice-buttons.ts';
import type { PlayOutcome } from './voice-players.ts';
import { notInVoice, SERVERS_ONLY_TEXT } from './voice-rules.ts';

/** The voice channel `userId` is in, in this server, or null. */
export function voiceChannelOf(guild: Guild, userId: string): VoiceBasedChannel | null {
  return guild.voiceStates.cache.get(userId)?.channel ?? null;
}

/** The private confirmation for the presser. Pure. */
export function playReplyText(outcome: Pick<PlayOutcome, 'kind'>, tracks: number, channelId: string): string {
  const list = `${tracks} track${tracks === 1 ? '' : 's'}`;
  const where = `<#${channelId}>`;
  switch (outcome.kind) {
    case 'joined':
      return `▶ Joined ${where}: playing your ${list}. The now-playing message has the controls.`;
    case 'moved':
      return `▶ Moved to ${where}: playing your ${list}.`;
    case 'replaced':
      return `▶ Your ${list} replaced the list playing in ${where}.`;
    case 'started':
      return `▶ Playing your ${list} in ${where}.`;
  }
}

async function sendableChannel(interaction: MessageComponentInteraction): Promise<SendableChannels> {
  const channel = interaction.channel ?? (await interaction.client.channels.fetch(interaction.channelId).catch(() => null));
  if (!channel?.isSendable()) throw new UserError('I cannot post the now-playing message in this channel.', 'Press ▶ Play in voice from a text channel I can write in.');
  return channel;
}

/**
 * ▶ Play in voice: the message's whole result list (every kept page, not only the one showing), in
 * rank order, in the presser's voice channel. Anybody may press it. The checks a person can fix
 * (not in voice, expired results) answer at once and privately; the join itself, which can take a
 * few seconds, follows a private "thinking".
 */
async function onPlayInVoice(interaction: MessageComponentInteraction, ctx: BotContext): Promise<void> {
  if (!interaction.inCachedGuild()) throw new UserError(SERVERS_ONLY_TEXT);
  const voiceChannel = voiceChannelOf(interaction.guild, interaction.user.id);
  if (!voiceChannel) throw notInVoice();
  const state = await ctx.pages.get(interaction.message.id);
  if (!state) throw new UserError('These results have expired.', 'Run /recommend again for a fresh list.');
  const tracks = queueTracks(state.view.entries);
  const textChannel = await sendableChannel(interaction);
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const outcome = await ctx.voice.play({ voiceChannel, textChannel, tracks, by: interaction.user.id });
  await interaction.editReply({ content: playReplyText(outcome, tracks.length, outcome.session.channelId), allowedMentions: { parse: [] } });
  ctx.logger.info({ guild: interaction.guildId, channel: voiceChannel.id, user: interaction.user.id, tracks: tracks.length, outcome: outcome.kind }, 'voice play requested');
}

export const playInVoiceHandler: ComponentHandler = { prefix: PLAY_IN_VOICE_ID, what: 'Play in voice', handle: onPlayInVoice };
