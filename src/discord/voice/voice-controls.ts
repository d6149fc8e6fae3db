import { MessageFlags, type Guild, type MessageComponentInteraction } from 'discord.js';
import { presentError } from '../../app/present-error.ts';
import { UserError } from '../../errors.ts';
import { errorReply } from '../reply-error.ts';
import type { BotContext } from '../bot-context.ts';
import type { ComponentHandler } from '../component-handler.ts';
import { controlOfButton, VOICE_CONTROL_PREFIX } from './voice-buttons.ts';
import type { VoicePlayers } from './voice-players.ts';
import { controlRefusal, notPlaying, SERVERS_ONLY_TEXT, type VoiceControl } from './voice-rules.ts';
import type { VoiceSession } from './voice-session.ts';

/**
 * The session `userId` may control with `control`, or the UserError that says why not: nothing
 * in voice here, or the person is not in the bot's voice channel.
 */
export function controllableSession(voice: VoicePlayers, guild: Guild, userId: string, control: VoiceControl): VoiceSession {
  const session = voice.session(guild.id);
  if (!session || session.ended) throw notPlaying();
  const refusal = controlRefusal(control, { botChannelId: session.channelId, userChannelId: guild.voiceStates.cache.get(userId)?.channelId ?? null });
  if (refusal) throw refusal;
  return session;
}

/** Carries out a checked control; the text says what happened (for a private reply). */
export function applyControl(session: VoiceSession, control: VoiceControl, userId: string): string {
  const where = `<#${session.channelId}>`;
  switch (control) {
    case 'skip':
      if (!session.skip(userId)) throw new UserError('Nothing is playing to skip.', 'Press ▶ Play in voice under a results message.');
      return '⏭️ Skipped.';
    case 'stop':
      if (!session.stop(userId)) throw new UserError('Nothing is playing to stop.');
      return `⏹️ Stopped. I stay in ${where} for a while; ⏏ Leave sends me away now.`;
    case 'leave':
      // Disconnects at once; the now-playing message's last edit need not hold up the answer.
      void session.leave('leave', { by: userId });
      return `⏏️ Left ${where}.`;
  }
}

/**
 * ⏭ Skip, ⏹ Stop, ⏏ Leave on a now-playing message. Refusals are private; an accepted press is
 * acknowledged silently, and the now-playing message itself shows the change (and who made it).
 * A message whose session is over (e.g. after a restart) loses its controls.
 */
async function onControlButton(interaction: MessageComponentInteraction, ctx: BotContext): Promise<void> {
  const control = controlOfButton(interaction.customId);
  if (!control) return;
  if (!interaction.inCachedGuild()) throw new UserError(SERVERS_ONLY_TEXT);
  const live = ctx.voice.session(interaction.guildId);
  if (!live || live.ended) {
    await interaction.update({ components: [] });
    await interaction.followUp({ content: `⚠️ ${notPlaying().full}`, flags: MessageFlags.Ephemeral });
    return;
  }
  const session = controllableSession(ctx.voice, interaction.guild, interaction.user.id, control);
  if (control !== 'leave' && !session.playing) throw new UserError(`Nothing is playing to ${control}.`);
  await interaction.deferUpdate();
  try {
    applyControl(session, control, interaction.user.id);
  } catch (err) {
    // After a deferred update the router's error reply would remove "the reply": here, the
    // now-playing message itself. The presser is told privately instead.
    const presented = presentError(err, (ref) => ctx.logger.error({ err, ref, control }, `voice control failed (ref ${ref})`));
    await interaction.followUp({ content: errorReply(presented), flags: MessageFlags.Ephemeral }).catch(() => undefined);
    return;
  }
  ctx.logger.info({ guild: interaction.guildId, user: interaction.user.id, control, via: 'button' }, 'voice control');
}

export const voiceControlButtons: ComponentHandler = { prefix: VOICE_CONTROL_PREFIX, what: 'voice control', handle: onControlButton };
