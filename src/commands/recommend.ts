import { AttachmentBuilder, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { TAG_CATEGORIES, type TagCategory } from '../catalog/track.ts';
import { pageMessage, type PageState } from '../discord/paged-results/page-model.ts';
import { publishPages } from '../discord/paged-results/page-handlers.ts';
import { suggestTags } from '../discord/tag-suggestions.ts';
import type { Command } from './command.ts';
import { DEFAULT_COUNT, MAX_COUNT, prepareQuery, runQuery } from '../app/recommend-query.ts';

/** The definition; the prompt's max_length lets Discord itself stop overlong prompts (MAX_PROMPT_CHARS, under Discord's 6000). */
function definition(maxPromptChars: number) {
  return new SlashCommandBuilder()
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
    )
    .addStringOption((o) => o.setName('mood').setDescription('Only tracks with this mood (comma-separate several)').setAutocomplete(true))
    .addStringOption((o) => o.setName('genre').setDescription('Only tracks of this genre (comma-separate several)').setAutocomplete(true))
    .addStringOption((o) =>
      o.setName('instrument').setDescription('Only tracks with this instrument (comma-separate several)').setAutocomplete(true),
    )
    .addStringOption((o) => o.setName('max_duration').setDescription('Longest track, e.g. 3:30 or 240'));
}

const handlers = {
  async execute(interaction, ctx) {
    // Validated before deferring: mistakes get an immediate private answer.
    const query = prepareQuery(ctx, {
      prompt: interaction.options.getString('prompt', true),
      count: interaction.options.getInteger('count'),
      mood: interaction.options.getString('mood'),
      genre: interaction.options.getString('genre'),
      instrument: interaction.options.getString('instrument'),
      maxDuration: interaction.options.getString('max_duration'),
    });
    await interaction.deferReply();
    const outcome = await runQuery(ctx, query);
    const preview = outcome.top ? await ctx.previews.forTrack(outcome.top, interaction.attachmentSizeLimit) : null;
    const state: PageState = {
      v: 1,
      requesterId: interaction.user.id,
      page: 0,
      view: { ...outcome.view, preview: preview?.note ?? null },
      manageMessages: interaction.appPermissions.has(PermissionFlagsBits.ManageMessages),
    };
    const files = preview?.kind === 'clip' ? [new AttachmentBuilder(preview.file, { name: preview.filename })] : [];
    const message = await interaction.editReply({ ...pageMessage(state), files });
    await publishPages(message, state, ctx);
  },
  async autocomplete(interaction, ctx) {
    const focused = interaction.options.getFocused(true);
    const category = TAG_CATEGORIES.find((c): c is TagCategory => c === focused.name);
    if (!category) return interaction.respond([]);
    await interaction.respond(suggestTags(ctx.vocabulary()[category], String(focused.value)));
  },
} satisfies Omit<Command, 'data'>;

export function recommendCommand(settings: { maxPromptChars: number }): Command {
  return { data: definition(settings.maxPromptChars), ...handlers };
}
