import { AttachmentBuilder, MessageFlags, type MessageComponentInteraction } from 'discord.js';
import type { ComponentHandler } from '../component-handler.ts';
import type { BotContext } from '../bot-context.ts';
import { escapeText } from '../result-embed.ts';
import { truncate } from '../embed-limits.ts';
import { exportPlaylist, UNKNOWN_LICENSE, withLicenses, type Credit, type PlaylistExport } from '../../app/playlist-export.ts';
import { UserError } from '../../errors.ts';
import { SAVE_BUTTON_ID } from './page-model.ts';

/** Discord's limit on a message's content. */
const CONTENT_CHARS = 2000;

/** The Save button, for the router's component list. */
export const saveButton: ComponentHandler = { prefix: SAVE_BUTTON_ID, what: 'save button', handle: onSaveButton };

/**
 * 💾 Save: whoever presses it gets, privately, the whole result list (every cached page) as an
 * .m3u8 playlist and a .csv sheet with licences and credits. Not only the requester: the list is
 * public in the channel anyway. Reads the page state from the shared cache, so it works after a
 * restart. Expired state is a private note; the message keeps its buttons, since a cache that is
 * only unreachable for a moment reads as expired too and must not strip them for everyone.
 */
export async function onSaveButton(interaction: MessageComponentInteraction, ctx: BotContext): Promise<void> {
  const messageId = interaction.message.id;
  const state = await ctx.pages.get(messageId);
  if (!state) throw new UserError('These results have expired.', 'Run /recommend again for a fresh list.');
  // Page state saved before entries carried licences: the serving catalog fills them in by id.
  const view = withLicenses(state.view, () => ctx.recommender.tracks());
  const out = exportPlaylist(view);
  await interaction.reply({
    content: saveReplyText(out),
    files: [
      new AttachmentBuilder(Buffer.from(out.m3u8, 'utf8'), { name: `${out.filenameBase}.m3u8` }),
      new AttachmentBuilder(Buffer.from(out.csv, 'utf8'), { name: `${out.filenameBase}.csv` }),
    ],
    flags: MessageFlags.Ephemeral,
    allowedMentions: { parse: [] },
  });
  ctx.logger.debug({ messageId, user: interaction.user.id, tracks: out.credits.length }, 'results saved');
}

/** Only plain http(s) URLs are shown, in <> so Discord adds no preview for each. */
const shownLink = (url: string | undefined) => (url && /^https?:\/\/[^\s<>]+$/.test(url) ? `<${url}>` : undefined);

/** A credit as a Discord line: catalog text escaped, links bare. */
export function creditMarkdown(c: Credit): string {
  const license = c.license ? escapeText(c.license) : undefined;
  const deed = shownLink(c.licenseUrl);
  const terms = license ? (deed ? `${license} ${deed}` : license) : (deed ?? UNKNOWN_LICENSE);
  return [`${c.rank}. ${escapeText(truncate(c.label, 200))}`, terms, ...(shownLink(c.link) ? [shownLink(c.link)!] : [])].join(' — ');
}

/**
 * The reply: what is attached, the licences in one line, then as many credit lines as fit in
 * Discord's 2,000 characters (the files hold them all). Pure.
 */
export function saveReplyText(out: Pick<PlaylistExport, 'credits' | 'unlinked' | 'filenameBase'>): string {
  const n = out.credits.length;
  const head = [
    `💾 Your copy of all ${n} result${n === 1 ? '' : 's'}: a playlist (\`${out.filenameBase}.m3u8\`) and a sheet (\`${out.filenameBase}.csv\`).`,
    ...(out.unlinked ? [`${out.unlinked} track${out.unlinked === 1 ? ' has' : 's have'} no link, so ${out.unlinked === 1 ? 'it is' : 'they are'} in the sheet only.`] : []),
    `Licences: ${truncate(licenseSummary(out.credits), 400)}. Credit the artists when you use a track:`,
  ];
  const lines = [...head];
  let used = lines.join('\n').length;
  for (let i = 0; i < n; i++) {
    const line = creditMarkdown(out.credits[i]!);
    const rest = n - i - 1;
    // Keep room for the line that says how many did not fit.
    const reserve = rest ? 60 : 0;
    if (used + 1 + line.length + reserve > CONTENT_CHARS) {
      lines.push(`… and ${n - i} more credit${n - i === 1 ? '' : 's'} in the files.`);
      break;
    }
    lines.push(line);
    used += 1 + line.length;
  }
  return truncate(lines.join('\n'), CONTENT_CHARS);
}

/** "CC BY 4.0 ×12, CC BY-NC-SA 3.0 ×3, licence unknown ×1", commonest first. */
export function licenseSummary(credits: readonly Credit[]): string {
  const counts = new Map<string, number>();
  for (const c of credits) {
    const name = c.license ?? UNKNOWN_LICENSE;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([name, count]) => `${escapeText(name)} ×${count}`)
    .join(', ');
}
