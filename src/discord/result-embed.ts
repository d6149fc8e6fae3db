import { escapeMarkdown, type APIEmbed, type APIEmbedField } from 'discord.js';
import { formatDuration } from '../catalog/filters.ts';
import { stripInvisible } from '../util/invisible-chars.ts';
import { EMBED_LIMITS, fitEmbed, truncate } from './embed-limits.ts';
import { clampPage, entryLabel, pageEntries, type ResultView, scoreLine, statusLine, type TrackEntry } from '../app/result-view.ts';

export const EMBED_COLOR = 0x1db954;
const TITLE = '🎧 Tracks for your prompt';
const SIMILAR_TITLE = '🎧 More like this';
/** The prompt line is cut here so long prompts leave room for the tracks. */
const PROMPT_CHARS = 600;
const CAPTION_CHARS = 180;
const NAME_CHARS = 120;
const TAGS_PER_CATEGORY = 4;

/** Mention syntax: users, roles, channels (`<@…>`, `<@&…>`, `<#…>`), emoji, timestamps, commands, guild navigation. */
const MENTION_START = /<(?=[@#:/]|a:|t:|id:)/g;
const MASS_MENTION = /@(everyone|here)\b/g;

/**
 * Text from prompts and the catalog, safe to show: invisible and bidi characters removed, markdown
 * escaped everywhere it could render (besides emphasis and code: headings, lists and masked links,
 * so text cannot become a disguised link), and mentions kept literal (`\<@…>`, `@\u200beveryone`):
 * no pings (allowedMentions is off anyway), and no mention pills a title could fake.
 */
export function escapeText(text: string): string {
  return escapeMarkdown(stripInvisible(text), { heading: true, bulletedList: true, numberedList: true, maskedLink: true })
    .replace(MENTION_START, '\\<')
    .replace(MASS_MENTION, '@\u200b$1');
}

/** Markdown-escaped `text` in at most `max` characters (escapes count; a cut never leaves a dangling backslash). */
export function escapedExcerpt(text: string, max: number): string {
  let cut = truncate(text, max);
  let escaped = escapeText(cut);
  while (escaped.length > max && cut.length > 1) {
    cut = truncate(text, Math.max(1, cut.length - (escaped.length - max) - 1));
    escaped = escapeText(cut);
  }
  return escaped.length > max ? '' : escaped;
}

/** Only plain http(s) URLs become links: anything with spaces or brackets would break the markdown. */
const linkable = (url: string) => /^https?:\/\/[^\s()<>[\]]+$/.test(url);

function tagLine(e: TrackEntry): string {
  const part = (name: string, tags: string[]) => {
    if (!tags.length) return null;
    const shown = tags.slice(0, TAGS_PER_CATEGORY).join(', ');
    const more = tags.length > TAGS_PER_CATEGORY ? ` +${tags.length - TAGS_PER_CATEGORY}` : '';
    return `${name}: ${escapeText(shown)}${more}`;
  };
  return [part('mood', e.mood), part('genre', e.genre), part('instrument', e.instrument)].filter(Boolean).join(' · ');
}

/** "[Track page](url) · 3:45": the link (when safe to link) and the duration. */
function linkLine(e: TrackEntry): string {
  return [e.url && linkable(e.url) ? `[Track page](${e.url})` : null, e.durationSec !== undefined ? formatDuration(e.durationSec) : null]
    .filter(Boolean)
    .join(' · ');
}

/**
 * A result's field value in at most `budget` characters: the caption gives way first. `matched`
 * names the tags it has in common with the prompt ("matched") or with the seed ("shares").
 */
export function fieldValue(e: TrackEntry, budget: number, matchedLabel = 'matched'): string {
  const head = linkLine(e);
  const tags = tagLine(e);
  const matched = e.matched?.length ? `${matchedLabel}: ${escapeText(e.matched.join(' · '))}` : '';
  const scores = scoreLine(e);
  const fixed = [head, tags, matched, scores].filter(Boolean);
  const used = fixed.reduce((n, l) => n + l.length + 1, 0);
  const room = Math.min(CAPTION_CHARS, budget - used - 2);
  const caption = e.caption.trim() && room >= 12 ? escapedExcerpt(e.caption.replace(/\s+/g, ' ').trim(), room) : '';
  const lines = [head, tags, matched, caption ? `*${caption}*` : '', scores].filter(Boolean);
  return truncate(lines.join('\n'), Math.max(1, budget));
}

/** Rank and label; long labels are cut so ten results leave room for their details. */
export function fieldName(e: TrackEntry): string {
  return truncate(`${e.rank}. ${escapedExcerpt(entryLabel(e), NAME_CHARS)}`, EMBED_LIMITS.fieldName);
}

/** The head of "more like this": the seed track, its link and tags, and why closeness is by text alone. */
function seedLines(similar: NonNullable<ResultView['similar']>): string[] {
  const seed = similar.seed;
  const link = linkLine(seed);
  const lines = [`More like **${escapedExcerpt(entryLabel(seed), NAME_CHARS)}**${link ? ` · ${link}` : ''}`];
  const tags = tagLine(seed);
  if (tags) lines.push(tags);
  if (similar.note) lines.push(escapedExcerpt(similar.note, 300));
  return lines;
}

/** The description: the prompt (escaped) or the seed track, filters, the preview note, or why there is nothing. */
export function describeView(view: ResultView, empty: boolean): string {
  const lines = view.similar ? seedLines(view.similar) : [`> ${escapedExcerpt(view.prompt, PROMPT_CHARS)}`];
  if (view.filter) lines.push(`Filters: ${escapedExcerpt(view.filter, 300)}`);
  if (view.understood) lines.push(`Understood: ${escapedExcerpt(view.understood, 300)}`);
  if (view.preview) lines.push(escapedExcerpt(view.preview, 400));
  if (empty) lines.push(view.similar ? 'No other tracks passed the filters. Try fewer filters.' : 'No tracks matched. Try other words, or fewer filters.');
  return lines.join('\n');
}

/** One page of results as an embed, within every Discord limit whatever the data. Pure. */
export function renderPageEmbed(view: ResultView, page: number): APIEmbed {
  const p = clampPage(view, page);
  const entries = pageEntries(view, p);
  const description = describeView(view, view.entries.length === 0);
  const footer = statusLine(view, p);
  const names = entries.map(fieldName);
  const title = view.similar ? SIMILAR_TITLE : TITLE;
  const fixed = title.length + description.length + footer.length + names.reduce((n, s) => n + s.length, 0);
  const perField = entries.length ? Math.floor((EMBED_LIMITS.total - fixed) / entries.length) : 0;
  const budget = Math.max(40, Math.min(EMBED_LIMITS.fieldValue, perField));
  const matchedLabel = view.similar ? 'shares' : 'matched';
  const fields: APIEmbedField[] = entries.map((e, i) => ({ name: names[i]!, value: fieldValue(e, budget, matchedLabel) }));
  return fitEmbed({
    title,
    color: EMBED_COLOR,
    description,
    fields,
    footer: { text: footer },
  });
}
