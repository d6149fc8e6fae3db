/**
 * Generated captions often end in a keyword list. The variants seen in the prototype's
 * captions.csv: `… Keywords: a, b.`, `… Suggested keywords: a, b`, `…; keywords: a, b`,
 * `… Suggested tags: a, b`, `… | a, b`, `… || a, b`, `… || keyword1: a, keyword2: b`,
 * `… | a, b |`, a bare trailing `Keywords` or `||` with nothing after it.
 * This splits such a tail off: the caption keeps its prose, the list becomes keywords.
 */

export interface SplitCaption {
  /** The caption prose without the keyword tail, ending in punctuation. */
  text: string;
  /** Keywords from the tail: lower case, de-duplicated, in order. */
  keywords: string[];
}

/** `Keywords:`, `Suggested keywords:`, `Suggested tags:` (colon required for tags). */
const MARKER = /(?:^|(?<=[\s.;,!?'"()]))(?:suggested\s+)?(?:keywords?\s*:?|tags\s*:)/gi;
/** Longest narrative fragment still taken as a keyword (the prototype's limit). */
const MAX_KEYWORD_WORDS = 4;

export function splitKeywordTail(caption: string): SplitCaption {
  const s = caption.replace(/\s+/g, ' ').trim();
  const marked = splitAtMarker(s);
  if (marked) return { text: cleanText(marked.text), keywords: parseKeywordList(marked.tail) };
  // Pipe tails: drop dangling pipes first (`… |`, `… a, b ||`), then split at the last pipe run.
  const unpiped = s.replace(/[\s|]+$/, '');
  const pipe = /\s*\|+\s*(?!.*\|)/.exec(unpiped);
  if (pipe) {
    const tail = unpiped.slice(pipe.index + pipe[0].length);
    if (looksLikeList(tail)) {
      return { text: cleanText(unpiped.slice(0, pipe.index)), keywords: parseKeywordList(tail) };
    }
  }
  return { text: cleanText(unpiped), keywords: [] };
}

function splitAtMarker(s: string): { text: string; tail: string } | undefined {
  let last: RegExpExecArray | undefined;
  for (const m of s.matchAll(MARKER)) {
    const bareWord = !m[0].includes(':');
    // A bare `Keywords` counts only as the caption's last word (a tail cut off by a length limit).
    if (bareWord && s.slice(m.index + m[0].length).trim() !== '') continue;
    last = m;
  }
  if (!last) return undefined;
  return { text: s.slice(0, last.index), tail: s.slice(last.index + last[0].length) };
}

/** A keyword list, not prose: every comma item short enough to be a keyword. */
function looksLikeList(tail: string): boolean {
  const items = tail.split(/[,;]/).map((t) => t.trim()).filter(Boolean);
  return items.length > 0 && items.every((t) => t.split(' ').length <= MAX_KEYWORD_WORDS + 1);
}

export function parseKeywordList(tail: string): string[] {
  const out = new Set<string>();
  for (const raw of tail.split(/[,;|]/)) {
    const kw = raw
      .replace(/^\s*keyword\s*\d*\s*:\s*/i, '') // `keyword1: mystical`
      .replace(/^[\s"'“”‘’.\-–—]+|[\s"'“”‘’.:\-–—]+$/g, '')
      .replace(/\s+/g, ' ')
      .toLowerCase();
    if (!kw || !/\p{L}/u.test(kw)) continue;
    if (kw.split(' ').length > MAX_KEYWORD_WORDS) continue; // a sentence fragment, not a keyword
    if (/\.\s*\S/.test(kw)) continue; // an inner full stop means two sentences
    out.add(kw);
  }
  return [...out];
}

/** Trims separators left behind by the tail and ends the prose with punctuation. */
function cleanText(text: string): string {
  const t = text.replace(/[\s;,:|\-–—]+$/, '').trim();
  if (!t) return '';
  return /[.!?…'")\]]$/.test(t) ? t : `${t}.`;
}
