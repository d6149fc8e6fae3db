import { performance } from 'node:perf_hooks';
import { Events, type Client, type Interaction } from 'discord.js';
import type { Command } from '../commands/command.ts';
import type { BotContext } from './bot-context.ts';
import { hideBotPaths } from '../app/host-paths.ts';
import { operatorsOnly } from './operators.ts';
import type { ComponentHandler } from './component-handler.ts';
import { onPageReaction } from './paged-results/page-handlers.ts';
import { replyWithError } from './reply-error.ts';
import { InFlight } from './in-flight.ts';
import { UserError } from '../errors.ts';

/** The answer to an interaction that arrives while the bot shuts down (it serves what it began, nothing new). */
function shuttingDown(): UserError {
  return new UserError('cratedigger is shutting down (a restart or maintenance) and takes no new requests.', 'Please try again in a minute.');
}

/**
 * Routes every interaction to its command or component handler; errors go to the one error reply.
 * While `draining()` says the bot shuts down, commands and components are answered with that, not run.
 */
export function createInteractionHandler(
  ctx: BotContext,
  commands: ReadonlyMap<string, Command>,
  components: readonly ComponentHandler[],
  draining: () => boolean = () => false,
) {
  const hidePaths = (text: string) => hideBotPaths(ctx, text);
  return async (interaction: Interaction): Promise<void> => {
    if (interaction.isChatInputCommand()) {
      const command = commands.get(interaction.commandName);
      const what = `/${interaction.commandName}`;
      const t0 = performance.now();
      try {
        if (draining()) throw shuttingDown();
        if (!command) throw new Error(`no handler for ${what} (deploy the commands again?)`);
        if (command.operatorOnly && !(await ctx.operators.allows(interaction.user.id))) throw operatorsOnly(what);
        await command.execute(interaction, ctx);
        // Server and shard: with several processes, which one served a server is read from the logs.
        ctx.logger.info(
          { command: what, user: interaction.user.id, guild: interaction.guildId, shard: interaction.guild?.shardId, ms: Math.round(performance.now() - t0) },
          'command done',
        );
      } catch (err) {
        await replyWithError(interaction, err, ctx.logger, what, hidePaths);
      }
    } else if (interaction.isAutocomplete()) {
      try {
        const command = commands.get(interaction.commandName);
        if (draining()) return await interaction.respond([]);
        // Suggestions of an operator command (index names) are for operators too.
        if (command?.operatorOnly && !(await ctx.operators.allows(interaction.user.id))) return await interaction.respond([]);
        await command?.autocomplete?.(interaction, ctx);
      } catch (err) {
        ctx.logger.debug({ err, command: interaction.commandName }, 'autocomplete failed');
      }
    } else if (interaction.isMessageComponent()) {
      const handler = components.find((h) => interaction.customId.startsWith(h.prefix));
      if (!handler) return;
      try {
        if (draining()) throw shuttingDown();
        await handler.handle(interaction, ctx);
      } catch (err) {
        await replyWithError(interaction, err, ctx.logger, handler.what, hidePaths);
      }
    }
  };
}

/**
 * Wires the client's events to the handlers. Handler failures are logged; they never reach the event
 * loop. Returns the work in flight, for the shutdown to drain (page turns by reaction included).
 */
export function attachHandlers(client: Client, ctx: BotContext, commands: ReadonlyMap<string, Command>, components: readonly ComponentHandler[]): InFlight {
  const inFlight = new InFlight();
  const onInteraction = createInteractionHandler(ctx, commands, components, () => inFlight.draining);
  client.on(Events.InteractionCreate, (interaction) => {
    inFlight.run(() => onInteraction(interaction)).catch((err: unknown) => ctx.logger.error({ err }, 'interaction handler crashed'));
  });
  const onReaction = (kind: 'add' | 'remove') => (reaction: Parameters<typeof onPageReaction>[0], user: Parameters<typeof onPageReaction>[1]) => {
    if (inFlight.draining) return;
    inFlight
      .run(() => onPageReaction(reaction, user, kind, client, ctx))
      .catch((err: unknown) => ctx.logger.warn({ err, messageId: reaction.message.id }, 'page reaction failed'));
  };
  client.on(Events.MessageReactionAdd, onReaction('add'));
  client.on(Events.MessageReactionRemove, onReaction('remove'));
  return inFlight;
}
