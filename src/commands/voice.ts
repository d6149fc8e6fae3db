import { InteractionContextType, MessageFlags, SlashCommandBuilder } from 'discord.js';
import { UserError } from '../errors.ts';
import { nowPlayingEmbed } from '../discord/voice/now-playing.ts';
import { applyControl, controllableSession } from '../discord/voice/voice-controls.ts';
import { notPlaying, SERVERS_ONLY_TEXT, type VoiceControl } from '../discord/voice/voice-rules.ts';
import type { Command } from './command.ts';

/** Tracks `/voice now` lists after the one playing. */
const NOW_NEXT_SHOWN = 10;

const isControl = (s: string): s is VoiceControl => s === 'skip' || s === 'stop' || s === 'leave';

const data = new SlashCommandBuilder()
  .setName('voice')
  .setDescription('Control the music the bot plays in voice')
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((s) => s.setName('skip').setDescription('Skip the track playing'))
  .addSubcommand((s) => s.setName('stop').setDescription('Stop the list (the bot stays in the channel for a while)'))
  .addSubcommand((s) => s.setName('leave').setDescription('Make the bot leave the voice channel now'))
  .addSubcommand((s) => s.setName('now').setDescription("What's playing and what's next"));

/**
 * `/voice skip|stop|leave|now`: the now-playing message's controls as a command, plus `now`.
 * Answers are private; the now-playing message shows changes to everyone. Skip, Stop and Leave
 * are for the people in the bot's voice channel; anyone may ask what plays.
 */
export const voice = {
  data,
  async execute(interaction, ctx) {
    if (!interaction.inCachedGuild()) throw new UserError(SERVERS_ONLY_TEXT);
    const sub = interaction.options.getSubcommand();
    if (sub === 'now') {
      const view = ctx.voice.session(interaction.guildId)?.view();
      if (!view || view.left) throw notPlaying();
      await interaction.reply({ embeds: [nowPlayingEmbed(view, NOW_NEXT_SHOWN)], flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
      return;
    }
    if (!isControl(sub)) throw new Error(`unknown /voice subcommand ${sub}`);
    const control = sub;
    const session = controllableSession(ctx.voice, interaction.guild, interaction.user.id, control);
    const text = applyControl(session, control, interaction.user.id);
    await interaction.reply({ content: text, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
  },
} satisfies Command;
