import { AttachmentBuilder, PermissionFlagsBits, type RepliableInteraction } from 'discord.js';
import type { QueryOutcome } from '../../app/recommend-query.ts';
import type { BotContext } from '../bot-context.ts';
import { publishPages } from './page-handlers.ts';
import { pageMessage, type PageState } from './page-model.ts';

/**
 * Fills a deferred reply with results: the first page, the top track's clip attached, and the
 * pages published (state saved, arrows added). The person who asked owns the pages. Shared by
 * /recommend, /similar and "More like this".
 */
export async function replyWithPages(interaction: RepliableInteraction, outcome: QueryOutcome, ctx: BotContext): Promise<void> {
  const preview = outcome.top ? await ctx.previews.forTrack(outcome.top, interaction.attachmentSizeLimit) : null;
  const state: PageState = {
    v: 1,
    requesterId: interaction.user.id,
    page: 0,
    view: { ...outcome.view, preview: preview?.note ?? null },
    manageMessages: interaction.appPermissions?.has(PermissionFlagsBits.ManageMessages) ?? false,
  };
  const files = preview?.kind === 'clip' ? [new AttachmentBuilder(preview.file, { name: preview.filename })] : [];
  const message = await interaction.editReply({ ...pageMessage(state), files });
  await publishPages(message, state, ctx);
}
