import { singular } from '../lexical/analyzer.ts';

/**
 * General English word formation, so a prompt word finds the tag it is built from or on:
 * plurals both ways ("drum" ↔ `drums`), players ("pianist" → piano, "drummer" → drum,
 * "cellist" → cello, "flautist"/"flutist" → flute), adjectives from nouns ("dreamy" → dream,
 * "jazzy" → jazz, "melodious" → melody) and -ing/-ed forms ("relax" → relaxing). No word list: rules.
 */

/** Plural variants of a spaceless form, the form itself excluded. */
export function pluralVariants(form: string): string[] {
  const out = new Set<string>([singular(form), `${form}s`, `${form}es`]);
  if (form.endsWith('y')) out.add(`${form.slice(0, -1)}ies`);
  out.delete(form);
  return [...out];
}

const SUFFIXES: readonly [suffix: string, restore: readonly string[]][] = [
  ['ists', ['', 'e', 'o', 'a']],
  ['ist', ['', 'e', 'o', 'a']],
  ['ers', ['', 'e']],
  ['er', ['', 'e']],
  ['ical', ['ic', 'y', '']],
  ['ious', ['y', '']],
  ['ous', ['', 'y']],
  ['ness', ['', 'y']],
  ['ful', ['', 'y']],
  ['ic', ['', 'y', 'e', 'a']],
  ['al', ['', 'e', 'a']],
  ['ing', ['', 'e']],
  ['ed', ['', 'e']],
  ['ly', ['', 'le']],
  ['y', ['', 'e']],
];

/** Words this word may be derived from, or may derive (stem + common suffixes), most likely first. */
export function derivations(word: string): string[] {
  const out: string[] = [];
  for (const [suffix, restore] of SUFFIXES) {
    if (!word.endsWith(suffix) || word.length - suffix.length < 3) continue;
    const stem = word.slice(0, -suffix.length);
    for (const r of restore) out.push(stem + r);
    // "drummer" → drum, "bigger" → big: a doubled final consonant before the suffix.
    if (/([b-df-hj-np-tv-z])\1$/.test(stem)) out.push(stem.slice(0, -1));
  }
  // The other way: "relax" → relaxing, "inspire" → inspiring, "dream" → dreamy.
  const bare = word.endsWith('e') ? word.slice(0, -1) : word;
  out.push(`${bare}ing`, `${word}y`, `${word}al`, `${word}ic`, `${word}ive`);
  return [...new Set(out)].filter((w) => w !== word && w.length >= 3);
}
