import { SlashCommandBuilder } from 'discord.js';
import { deferResults, replyWithPages } from '../discord/paged-results/reply-with-pages.ts';
import { filterInput, respondWithTags, withFilterOptions } from './filter-options.ts';
import type { Command } from './command.ts';
import { DEFAULT_COUNT, MAX_COUNT } from '../app/recommend-query.ts';
import { prepareSimilar, runSimilar } from '../app/similar-query.ts';
import { trackChoices } from '../app/track-choices.ts';

const data = withFilterOptions(
  new SlashCommandBuilder()
    .setName('similar')
    .setDescription('Find tracks that sound like one track')
    .addStringOption((o) =>
      o.setName('track').setDescription('The track: type words of its title, artist or description, or its id').setRequired(true).setAutocomplete(true),
    )
    .addIntegerOption((o) => o.setName('count').setDescription(`Tracks per page (default ${DEFAULT_COUNT})`).setMinValue(1).setMaxValue(MAX_COUNT)),
);

/**
 * `/similar track:<autocomplete>`: the catalog ranked by closeness to one track (audio and text),
 * answered like /recommend (pages, the top track's clip), headed by the seed track.
 */
export const similar = {
  data,
  async execute(interaction, ctx) {
    // Validated before deferring: an unknown track or filter gets an immediate private answer.
    const query = prepareSimilar(ctx, { track: interaction.options.getString('track', true), count: interaction.options.getInteger('count'), ...filterInput(interaction) });
    const reply = await deferResults(interaction);
    await replyWithPages(reply, await runSimilar(ctx, query), ctx);
  },
  async autocomplete(interaction, ctx) {
    if (await respondWithTags(interaction, ctx)) return;
    const focused = interaction.options.getFocused(true);
    if (focused.name !== 'track') return interaction.respond([]);
    await interaction.respond(trackChoices(ctx.trackFinder().find(String(focused.value))));
  },
} satisfies Command;
