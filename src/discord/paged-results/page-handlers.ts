import { MessageFlags, type Client, type Message, type MessageComponentInteraction, type MessageReaction, type PartialMessageReaction, type PartialUser, type User } from 'discord.js';
import type { ComponentHandler } from '../component-handler.ts';
import type { Logger } from '../../logger.ts';
import type { BotContext } from '../bot-context.ts';
import { pageCount } from '../../app/result-view.ts';
import { MORE_LIKE_THIS_ID } from './more-like-this-menu.ts';
import { PAGE_BUTTON_PREFIX, PAGE_EMOJI, pageComponents, pageMessage, turnOfButton, turnOfEmoji, turnPage, type PageState } from './page-model.ts';

export const EXPIRED_TEXT = 'These results have expired. Run /recommend again for a fresh list.';
export const strangerText = (requesterId: string) =>
  `Only <@${requesterId}> can turn these pages. Run /recommend to get a list of your own.`;

/**
 * Saves a results message's controls' state under its message id (so page turns and Save work in
 * any process and after a restart), for every message with controls: Save is there even for a
 * single page.
 */
export async function savePages(messageId: string, state: PageState, ctx: Pick<BotContext, 'pages'>): Promise<void> {
  if (pageComponents(state.view, state.page).length) await ctx.pages.save(messageId, state);
}

/** ◀️ ▶️ under a message with several pages; without Add Reactions the buttons still page. */
export async function addPageReactions(message: Message, state: PageState, logger: Logger): Promise<void> {
  if (pageCount(state.view) <= 1) return;
  try {
    await message.react(PAGE_EMOJI.prev);
    await message.react(PAGE_EMOJI.next);
  } catch (err) {
    logger.debug({ err, messageId: message.id }, 'could not add page reactions');
  }
}

/** The page buttons, for the router's component list. */
export const pageButtons: ComponentHandler = { prefix: PAGE_BUTTON_PREFIX, what: 'page button', handle: onPageButton };

/**
 * A page button: the requester's press turns the page (the message is updated in place);
 * anyone else gets a polite private no.
 */
export async function onPageButton(interaction: MessageComponentInteraction, ctx: BotContext): Promise<void> {
  const turn = turnOfButton(interaction.customId);
  if (!turn) return;
  const messageId = interaction.message.id;
  await ctx.pages.exclusive(messageId, async () => {
    const state = await ctx.pages.get(messageId);
    if (!state) {
      // Dead buttons go, for everyone; the presser learns why. The "More like this" menu stays:
      // its choices carry their track ids and need no saved state.
      const alive = interaction.message.components.filter((row) => 'components' in row && row.components.some((c) => 'customId' in c && c.customId === MORE_LIKE_THIS_ID));
      await interaction.update({ components: alive.map((row) => row.toJSON()) });
      await interaction.followUp({ content: EXPIRED_TEXT, flags: MessageFlags.Ephemeral });
      return;
    }
    if (interaction.user.id !== state.requesterId) {
      await interaction.reply({ content: strangerText(state.requesterId), flags: MessageFlags.Ephemeral });
      return;
    }
    const next = turnPage(state, turn);
    if (!next) {
      await interaction.deferUpdate();
      return;
    }
    await interaction.update(pageMessage(next));
    await ctx.pages.save(messageId, next);
    ctx.logger.debug({ messageId, page: next.page, via: 'button' }, 'page turned');
  });
}

/**
 * A ◀️/▶️ reaction on a results message. The requester's turns the page, and is taken back when
 * the bot may (so the same arrow works again); anyone else's is ignored, and removed when the
 * bot has Manage Messages. Without that permission, the requester taking an arrow back also
 * turns the page, since it could not be reset. Other emoji are left alone.
 */
export async function onPageReaction(
  reaction: MessageReaction | PartialMessageReaction,
  user: User | PartialUser,
  kind: 'add' | 'remove',
  client: Client,
  ctx: BotContext,
): Promise<void> {
  if (user.id === client.user?.id) return;
  const turn = turnOfEmoji(reaction.emoji.name);
  if (!turn) return;
  const messageId = reaction.message.id;
  await ctx.pages.exclusive(messageId, async () => {
    const state = await ctx.pages.get(messageId);
    // Single-page results have state too (for Save), but no arrows: their reactions are anyone's.
    if (!state || pageCount(state.view) <= 1) return;
    if (kind === 'remove' && (state.manageMessages || user.id !== state.requesterId)) return;
    if (user.id !== state.requesterId) {
      if (state.manageMessages) await removeReaction(reaction, user.id, ctx);
      return;
    }
    const next = turnPage(state, turn);
    if (next) await showPage(reaction, next, ctx);
    if (kind === 'add' && state.manageMessages) await removeReaction(reaction, user.id, ctx);
  });
}

async function showPage(reaction: MessageReaction | PartialMessageReaction, next: PageState, ctx: BotContext): Promise<void> {
  const { channelId, id } = reaction.message;
  const channel = reaction.message.channel ?? (await reaction.client.channels.fetch(channelId));
  if (!channel?.isTextBased()) return;
  await channel.messages.edit(id, pageMessage(next));
  await ctx.pages.save(id, next);
  ctx.logger.debug({ messageId: id, page: next.page, via: 'reaction' }, 'page turned');
}

async function removeReaction(reaction: MessageReaction | PartialMessageReaction, userId: string, ctx: BotContext): Promise<void> {
  try {
    await reaction.users.remove(userId);
  } catch (err) {
    // Missing permission or a vanished message: paging still works, the arrow just stays.
    ctx.logger.debug({ err, messageId: reaction.message.id }, 'could not remove a reaction');
  }
}
