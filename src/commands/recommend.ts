import { SlashCommandBuilder } from 'discord.js';
import { deferResults, replyWithPages } from '../discord/paged-results/reply-with-pages.ts';
import { filterInput, respondWithTags, withFilterOptions } from './filter-options.ts';
import type { Command } from './command.ts';
import { DEFAULT_COUNT, MAX_COUNT, prepareQuery, runQuery } from '../app/recommend-query.ts';

/** The definition; the prompt's max_length lets Discord itself stop overlong prompts (MAX_PROMPT_CHARS, under Discord's 6000). */
function definition(maxPromptChars: number) {
  const command = new SlashCommandBuilder()
    .setName('recommend')
    .setDescription('Find music that fits a sentence')
    .addStringOption((o) =>
      o
        .setName('prompt')
        .setDescription('What it should sound like, e.g. "calm piano for a rainy evening"')
        .setRequired(true)
        .setMaxLength(maxPromptChars),
    )
    .addIntegerOption((o) =>
      o.setName('count').setDescription(`Tracks per page (default ${DEFAULT_COUNT})`).setMinValue(1).setMaxValue(MAX_COUNT),
    );
  return withFilterOptions(command);
}

const handlers = {
  async execute(interaction, ctx) {
    // Validated before deferring: mistakes get an immediate private answer.
    const query = prepareQuery(ctx, {
      prompt: interaction.options.getString('prompt', true),
      count: interaction.options.getInteger('count'),
      ...filterInput(interaction),
    });
    const reply = await deferResults(interaction);
    await replyWithPages(reply, await runQuery(ctx, query), ctx);
  },
  async autocomplete(interaction, ctx) {
    if (!(await respondWithTags(interaction, ctx))) await interaction.respond([]);
  },
} satisfies Omit<Command, 'data'>;

export function recommendCommand(settings: { maxPromptChars: number }): Command {
  return { data: definition(settings.maxPromptChars), ...handlers };
}
