import type { AutocompleteInteraction, ChatInputCommandInteraction, SlashCommandBuilder, SlashCommandOptionsOnlyBuilder } from 'discord.js';
import { TAG_CATEGORIES, type TagCategory } from '../catalog/track.ts';
import type { FilterInput } from '../app/recommend-query.ts';
import type { BotContext } from '../discord/bot-context.ts';
import { suggestTags } from '../discord/tag-suggestions.ts';

/** The catalog filter options /recommend and /similar share: mood, genre, instrument (autocompleted), max_duration. */
export function withFilterOptions<B extends SlashCommandBuilder | SlashCommandOptionsOnlyBuilder>(builder: B): SlashCommandOptionsOnlyBuilder {
  return builder
    .addStringOption((o) => o.setName('mood').setDescription('Only tracks with this mood (comma-separate several)').setAutocomplete(true))
    .addStringOption((o) => o.setName('genre').setDescription('Only tracks of this genre (comma-separate several)').setAutocomplete(true))
    .addStringOption((o) =>
      o.setName('instrument').setDescription('Only tracks with this instrument (comma-separate several)').setAutocomplete(true),
    )
    .addStringOption((o) => o.setName('max_duration').setDescription('Longest track, e.g. 3:30 or 240'));
}

/** The filter options as typed. */
export function filterInput(interaction: ChatInputCommandInteraction): FilterInput {
  return {
    mood: interaction.options.getString('mood'),
    genre: interaction.options.getString('genre'),
    instrument: interaction.options.getString('instrument'),
    maxDuration: interaction.options.getString('max_duration'),
  };
}

/** Suggestions for a tag option being typed; false when the focused option is not one. */
export async function respondWithTags(interaction: AutocompleteInteraction, ctx: BotContext): Promise<boolean> {
  const focused = interaction.options.getFocused(true);
  const category = TAG_CATEGORIES.find((c): c is TagCategory => c === focused.name);
  if (!category) return false;
  await interaction.respond(suggestTags(ctx.vocabulary()[category], String(focused.value)));
  return true;
}
