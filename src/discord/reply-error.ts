import { randomBytes } from 'node:crypto';
import { MessageFlags, type RepliableInteraction } from 'discord.js';
import { isUserError } from '../errors.ts';
import type { Logger } from '../logger.ts';

/** A short reference that ties a "something went wrong" reply to its log line. */
export function errorRef(): string {
  return randomBytes(3).toString('hex');
}

/** The text a person sees for an error: what to do for their own mistakes, a reference otherwise. Pure. */
export function errorReply(err: unknown, ref: string): string {
  if (isUserError(err)) return `⚠️ ${err.full}`.slice(0, 2000);
  return `Something went wrong (ref ${ref}). Please try again in a moment.`;
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
  const ref = errorRef();
  if (isUserError(err)) logger.info({ what, user: interaction.user.id, problem: err.message }, 'user error');
  else logger.error({ err, ref, what, user: interaction.user.id }, `${what} failed (ref ${ref})`);
  // Messages written for the CLI may name files by absolute path; replies name them relatively.
  const content = hidePaths(errorReply(err, ref));
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
