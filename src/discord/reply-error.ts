import { MessageFlags, type RepliableInteraction } from 'discord.js';
import { type PresentedError, presentError } from '../app/present-error.ts';
import { isUserError } from '../errors.ts';
import type { Logger } from '../logger.ts';

/** The reply text for a presented error (within a message's 2,000 characters). Pure. */
export function errorReply(presented: PresentedError): string {
  if (presented.kind === 'user') return `⚠️ ${presented.text}`.slice(0, 2000);
  return `${presented.text} Please try again in a moment.`;
}

/**
 * The one place errors become replies, for every command and component: user errors as an
 * ephemeral message (no stack anywhere, no host paths), anything else as a reference plus one
 * error log line with that reference and the stack. Delivery problems are logged, never thrown.
 */
export async function replyWithError(
  interaction: RepliableInteraction,
  err: unknown,
  logger: Logger,
  what: string,
  hidePaths: (text: string) => string,
): Promise<void> {
  if (isUserError(err)) logger.info({ what, user: interaction.user.id, problem: err.message }, 'user error');
  const presented = presentError(err, (ref) => logger.error({ err, ref, what, user: interaction.user.id }, `${what} failed (ref ${ref})`));
  const ref = presented.kind === 'unexpected' ? presented.ref : undefined;
  // Messages written for the CLI may name files by absolute path; replies name them relatively.
  const content = hidePaths(errorReply(presented));
  try {
    if (!interaction.deferred && !interaction.replied) {
      await interaction.reply({ content, flags: MessageFlags.Ephemeral });
    } else if (interaction.deferred && !interaction.replied && interaction.ephemeral) {
      await interaction.editReply({ content, embeds: [], components: [], files: [] });
    } else {
      // A public "thinking…" reply would show the error to everyone and a first follow-up would
      // fill it in: remove it, then answer privately.
      if (interaction.deferred && !interaction.replied) await interaction.deleteReply().catch(() => undefined);
      await interaction.followUp({ content, flags: MessageFlags.Ephemeral });
    }
  } catch (deliveryErr) {
    logger.warn({ err: deliveryErr, ref, what }, 'could not deliver the error reply');
  }
}
