import type { MessageComponentInteraction } from 'discord.js';
import type { BotContext } from './bot-context.ts';

/**
 * Handlers of message components (buttons, select menus), found by the prefix of their custom id,
 * as commands are found by name: a new control adds a handler to the list, not a branch to the
 * router. Throw a UserError for anything the person can fix; the router answers it privately.
 */
export interface ComponentHandler {
  prefix: string;
  /** Names it in logs and error lines ("page button"). */
  what: string;
  handle(interaction: MessageComponentInteraction, ctx: BotContext): Promise<void>;
}
