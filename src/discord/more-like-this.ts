import type { MessageComponentInteraction } from 'discord.js';
import { DEFAULT_COUNT } from '../app/recommend-query.ts';
import { prepareSimilar, runSimilar } from '../app/similar-query.ts';
import type { BotContext } from './bot-context.ts';
import type { ComponentHandler } from './component-handler.ts';
import { MORE_LIKE_THIS_ID } from './paged-results/more-like-this-menu.ts';
import { deferResults, replyWithPages } from './paged-results/reply-with-pages.ts';

/**
 * A track chosen in a results message's "More like this…" menu: a new reply with /similar for it,
 * owned by whoever chose (anyone may; the menu's message is left as it is). The track id travels
 * in the choice itself, so the menu works after a restart and after the message's pages expire;
 * its page size follows the message's when its state is still cached. The original query's
 * filters are not carried over: they described the prompt's results, not this track's neighbours.
 */
async function onMoreLikeThis(interaction: MessageComponentInteraction, ctx: BotContext): Promise<void> {
  if (!interaction.isStringSelectMenu()) return;
  const trackId = interaction.values[0];
  if (!trackId) return;
  const state = await ctx.pages.get(interaction.message.id);
  // Checked before deferring: a track gone from the index (after a reload) gets a private answer.
  const query = prepareSimilar(ctx, { track: trackId, byId: true, count: state?.view.perPage ?? DEFAULT_COUNT });
  const reply = await deferResults(interaction);
  await replyWithPages(reply, await runSimilar(ctx, query), ctx);
}

export const moreLikeThisMenu: ComponentHandler = { prefix: MORE_LIKE_THIS_ID, what: 'More like this', handle: onMoreLikeThis };
