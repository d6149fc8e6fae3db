/** Tabs, line breaks and other separators that control layout: spaces, in one-line text. */
const LAYOUT_CONTROLS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;

/**
 * Characters that change how text shows without showing themselves: C0/C1 controls, format
 * characters (bidi embeddings and overrides U+202A–202E, isolates U+2066–2069, direction marks,
 * zero-width space, joiners U+200B–200D, word joiner U+2060, BOM U+FEFF, soft hyphen, tag
 * characters) and lone surrogates. They can reorder or hide text in a message, and mean nothing
 * to the models.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}]/gu;

/** `text` with layout controls turned into spaces and invisible characters removed. */
export function stripInvisible(text: string): string {
  return text.replace(LAYOUT_CONTROLS, ' ').replace(INVISIBLE, '');
}
