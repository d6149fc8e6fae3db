import type { APIEmbed, APIEmbedField } from 'discord.js';

/** Discord's embed limits (characters). */
export const EMBED_LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  total: 6000,
} as const;

const ELLIPSIS = '…';
/** Discord rejects empty field names and values; a zero-width space reads as empty. */
const BLANK = '\u200b';

/**
 * `text` in at most `max` characters, ending in … when cut. Lengths are UTF-16 units, which is
 * never less than what Discord counts (code points); cuts never split a surrogate pair.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  if (max === 1) return ELLIPSIS;
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  return `${out.trimEnd()}${ELLIPSIS}`;
}

/** The characters Discord counts toward an embed's 6,000: title, description, field names and values, footer, author. */
export function embedLength(embed: APIEmbed): number {
  let n = (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0) + (embed.author?.name.length ?? 0);
  for (const f of embed.fields ?? []) n += f.name.length + f.value.length;
  return n;
}

/**
 * Caps for parts of these lengths that sum to at most `budget`: short parts keep their whole
 * length, long ones share what is left equally (water-filling). Each cap is at least `min`
 * when the budget allows it.
 */
export function fairCaps(lengths: readonly number[], budget: number, min = 0): number[] {
  const caps = new Array<number>(lengths.length).fill(0);
  const order = lengths.map((len, i) => ({ len, i })).sort((a, b) => a.len - b.len);
  let left = Math.max(0, budget);
  for (let k = 0; k < order.length; k++) {
    const { len, i } = order[k]!;
    const share = Math.floor(left / (order.length - k));
    caps[i] = Math.max(Math.min(len, share), Math.min(min, len, left));
    left -= caps[i]!;
  }
  return caps;
}

/**
 * The embed within every Discord limit, whatever went in: each part cut to its own limit, at
 * most 25 fields, empty field parts filled, and when the total is over 6,000 the description
 * and field values (then, if needed, field names) shortened fairly. Pure; never throws.
 */
export function fitEmbed(input: APIEmbed): APIEmbed {
  const embed: APIEmbed = { ...input };
  if (embed.title !== undefined) embed.title = truncate(embed.title, EMBED_LIMITS.title);
  if (embed.description !== undefined) embed.description = truncate(embed.description, EMBED_LIMITS.description);
  if (embed.footer) embed.footer = { ...embed.footer, text: truncate(embed.footer.text, EMBED_LIMITS.footer) || BLANK };
  if (embed.author) embed.author = { ...embed.author, name: truncate(embed.author.name, EMBED_LIMITS.author) || BLANK };
  const fields: APIEmbedField[] = (embed.fields ?? []).slice(0, EMBED_LIMITS.fields).map((f) => ({
    ...f,
    name: truncate(f.name, EMBED_LIMITS.fieldName) || BLANK,
    value: truncate(f.value, EMBED_LIMITS.fieldValue) || BLANK,
  }));
  if (embed.fields) embed.fields = fields;
  if (embedLength(embed) <= EMBED_LIMITS.total) return embed;

  const fixed = (embed.title?.length ?? 0) + (embed.footer?.text.length ?? 0) + (embed.author?.name.length ?? 0);
  const names = fields.reduce((n, f) => n + f.name.length, 0);
  const description = embed.description ?? '';
  // First only the free text (description, values); names too when even that cannot fit.
  const shrinkNames = EMBED_LIMITS.total - fixed - names < fields.length * 8;
  const parts = [description, ...fields.map((f) => f.value), ...(shrinkNames ? fields.map((f) => f.name) : [])];
  const budget = EMBED_LIMITS.total - fixed - (shrinkNames ? 0 : names);
  const caps = fairCaps(parts.map((p) => p.length), budget, 1);
  const cut = (text: string, i: number) => truncate(text, caps[i]!);
  if (embed.description !== undefined) embed.description = cut(description, 0);
  embed.fields = fields.map((f, i) => ({
    ...f,
    value: cut(f.value, 1 + i) || BLANK,
    name: shrinkNames ? cut(f.name, 1 + fields.length + i) || BLANK : f.name,
  }));
  if (!embed.fields.length && !input.fields) delete embed.fields;
  return embed;
}
