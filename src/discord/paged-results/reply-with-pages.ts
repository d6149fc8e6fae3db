import { AttachmentBuilder, PermissionFlagsBits, type RepliableInteraction } from 'discord.js';
import type { QueryOutcome } from '../../app/recommend-query.ts';
import type { BotContext } from '../bot-context.ts';
import { addPageReactions, savePages } from './page-handlers.ts';
import { pageMessage, type PageState } from './page-model.ts';

/** A deferred reply that will show results, with the id of the message Discord made for it. */
export interface DeferredResults {
  interaction: RepliableInteraction;
  /** Known from the defer's own answer; null if Discord did not say. */
  messageId: string | null;
}

/** "Thinking…" at once (the query takes a moment); the answer names the message it will fill. */
export async function deferResults(interaction: RepliableInteraction): Promise<DeferredResults> {
  const response = await interaction.deferReply({ withResponse: true });
  return { interaction, messageId: response.interaction.responseMessageId };
}

/**
 * Fills a deferred reply with results: the first page, the top track's clip attached, the page
 * state saved and the arrows added. The person who asked owns the pages. Shared by /recommend,
 * /similar and "More like this".
 */
export async function replyWithPages(deferred: DeferredResults, outcome: QueryOutcome, ctx: BotContext): Promise<void> {
  const { interaction, messageId } = deferred;
  const preview = outcome.top ? await ctx.previews.forTrack(outcome.top, interaction.attachmentSizeLimit) : null;
  const state: PageState = {
    v: 1,
    requesterId: interaction.user.id,
    page: 0,
    view: { ...outcome.view, preview: preview?.note ?? null },
    manageMessages: interaction.appPermissions?.has(PermissionFlagsBits.ManageMessages) ?? false,
  };
  // Saved before the edit shows the buttons: a press can reach the bot before Discord's answer to
  // the edit does (people see the edit first).
  if (messageId) await savePages(messageId, state, ctx);
  const files = preview?.kind === 'clip' ? [new AttachmentBuilder(preview.file, { name: preview.filename })] : [];
  const message = await interaction.editReply({ ...pageMessage(state), files });
  if (message.id !== messageId) await savePages(message.id, state, ctx);
  await addPageReactions(message, state, ctx.logger);
}
