import type { ApplicationCommandOptionChoiceData } from 'discord.js';

const MAX_CHOICES = 25;
const MAX_CHOICE_CHARS = 100;

/**
 * Autocomplete choices for a tag option: the tags that start with (then contain) the word being
 * typed, commonest first. Earlier comma-separated tags are kept, so "happy, ca" offers
 * "happy, calm". Empty input lists the commonest tags. Pure.
 */
export function suggestTags(tags: ReadonlyMap<string, number>, typed: string): ApplicationCommandOptionChoiceData<string>[] {
  const parts = typed.split(',');
  const word = (parts.pop() ?? '').trim().toLowerCase();
  const earlier = parts.map((p) => p.trim()).filter(Boolean);
  const chosen = new Set(earlier.map((p) => p.toLowerCase()));
  const squash = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
  const key = squash(word);
  const rank = (tag: string): number => {
    if (!key) return 0;
    const t = squash(tag);
    if (t.startsWith(key)) return 0;
    if (t.includes(key)) return 1;
    return -1;
  };
  const prefix = earlier.length ? `${earlier.join(', ')}, ` : '';
  return [...tags]
    .filter(([tag]) => !chosen.has(tag.toLowerCase()))
    .map(([tag, count]) => ({ tag, count, r: rank(tag) }))
    .filter((m) => m.r >= 0)
    .sort((a, b) => a.r - b.r || b.count - a.count || a.tag.localeCompare(b.tag))
    .map(({ tag, count }) => {
      const value = `${prefix}${tag}`;
      return { name: `${value} (${count})`.slice(0, MAX_CHOICE_CHARS), value };
    })
    .filter((c) => c.value.length <= MAX_CHOICE_CHARS)
    .slice(0, MAX_CHOICES);
}
