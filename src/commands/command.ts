import type {
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { BotContext } from '../discord/bot-context.ts';

/** One slash command: its definition (deployed as is) and its handlers. Files export one, checked with `satisfies Command`. */
export interface Command {
  data: { readonly name: string; toJSON(): RESTPostAPIChatInputApplicationCommandsJSONBody };
  /**
   * Changes what every server sees (e.g. the served index): only the bot's operators may run it,
   * checked by the router before `execute`, and it may be deployed to DISCORD_ADMIN_GUILD_ID only.
   */
  operatorOnly?: boolean;
  /** Throw a UserError for anything the person can fix; the router turns it into an ephemeral reply. */
  execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void>;
}
