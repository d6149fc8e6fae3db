import type { TagCategory } from '../../catalog/track.ts';
import { derivations, pluralVariants } from './morphology.ts';
import type { FormSource, FormTarget, TagLexicon } from './tag-lexicon.ts';

/**
 * Query understanding: which tags of the serving index a prompt names, and which it rules out.
 * Phrases are matched by joining words ("acoustic guitar", "acoustic-guitar" → `acousticguitar`;
 * "drum and bass", "drum n bass", "drum & bass" → `drumnbass`; "hip hop" → `hiphop`), longest
 * phrase first, with plural and derivation rules for single words ("drummer" → drums, "cellist"
 * → cello). Negation cues ("no", "without", "not", "-free", "-less") rule out the tag that follows,
 * and a chain of them joined by "or"/"nor"; "instrumental" rules out the index's vocal tags.
 * Everything comes from the lexicon (the index's vocabulary) and these general rules.
 */

export interface TagRef {
  category: TagCategory;
  tag: string;
}

export interface TagConcept {
  /** The words of the prompt that named it. */
  phrase: string;
  /** The tags it names (one usually; a word can name tags in two categories). */
  tags: TagRef[];
  negated: boolean;
  source: FormSource;
  confidence: number;
}

export interface QueryUnderstanding {
  concepts: TagConcept[];
  /**
   * The prompt without its negations ("calm piano, no vocals" → "calm piano"), for the encoders:
   * text embeddings cannot read "no", so "no vocals" would pull sung tracks closer. The prompt
   * itself when nothing is negated or nothing would remain.
   */
  searchText: string;
}

/** Words, and the punctuation that bounds a negation's scope. */
const TOKEN = /[\p{L}\p{N}]+|[,;.!?&/+()]/gu;

/** Words that join the parts of a compound tag ("drum and bass", "rock'n'roll", "r&b"). */
const CONNECTORS = new Set(['and', 'n', '&']);
const NEGATION_CUES = new Set(['no', 'not', 'without', 'non', 'minus', 'sans', 'zero', 'nothing', 'none', 'never', 'avoid', 'except', 'excluding', 'lacking']);
/** Words allowed between a cue and what it negates ("no heavy drums", "without any vocals"). */
const NEGATION_FILLER = new Set(['any', 'the', 'a', 'an', 'too', 'much', 'many', 'so', 'of', 'more', 'real', 'loud', 'obvious', 'human']);
/** Joins that keep a negation going ("no drums or vocals"); "and" does not ("no drums and calm piano"). */
const NEGATION_CHAIN = new Set(['or', 'nor', '/']);
/** Suffixes that negate the word they are attached to: "vocal-free", "drumless". */
const NEGATING_SUFFIX = /^(.{3,}?)(?:free|less)$/;
const INSTRUMENTAL = new Set(['instrumental', 'instrumentals']);
const MAX_PHRASE_WORDS = 4;

interface Token {
  text: string;
  start: number;
  end: number;
}

/** Tokens of the NFKC form of the prompt (offsets into that form), their text lower-cased. */
function tokenize(text: string): Token[] {
  return [...text.matchAll(TOKEN)].map((m) => ({ text: m[0].toLowerCase(), start: m.index, end: m.index + m[0].length }));
}

const isWord = (t: Token | undefined) => t !== undefined && /[\p{L}\p{N}]/u.test(t.text);

interface Match {
  targets: readonly FormTarget[];
  /** Discount for how the form was reached (plural, derivation). */
  factor: number;
  source?: FormSource;
}

function lookupForm(lexicon: TagLexicon, form: string, single: boolean): Match | null {
  const exact = lexicon.lookup(form);
  if (exact.length) return { targets: exact, factor: 1 };
  for (const v of pluralVariants(form)) {
    const hit = lexicon.lookup(v);
    if (hit.length) return { targets: hit, factor: 1 };
  }
  if (!single) return null;
  for (const d of derivations(form)) {
    for (const v of [d, ...pluralVariants(d)]) {
      // Only a tag itself or its alias: a derivation of a synonym is a guess on a guess.
      const hit = lexicon.lookup(v).filter((t) => t.source === 'tag' || t.source === 'alias');
      if (hit.length) return { targets: hit, factor: 0.8, source: 'derived' };
    }
  }
  return null;
}

/** The most confident targets only (a form may name tags in several categories equally). */
function best(targets: readonly FormTarget[]): FormTarget[] {
  const top = Math.max(...targets.map((t) => t.confidence));
  return targets.filter((t) => t.confidence >= top - 1e-9);
}

function concept(span: readonly Token[], prompt: string, m: Match, negated: boolean): TagConcept {
  const targets = best(m.targets);
  return {
    phrase: prompt.slice(span[0]!.start, span.at(-1)!.end),
    tags: targets.map((t) => ({ category: t.category, tag: t.tag })),
    negated,
    source: m.source ?? targets[0]!.source,
    confidence: targets[0]!.confidence * m.factor,
  };
}

export function understandQuery(rawPrompt: string, lexicon: TagLexicon): QueryUnderstanding {
  const prompt = rawPrompt.normalize('NFKC');
  const tokens = tokenize(prompt);
  const found: { concept: TagConcept; from: number; to: number }[] = [];

  // The same word recurs in long prompts: each is looked up (with its derivations) once.
  const single = new Map<string, Match | null>();
  const lookupWord = (form: string): Match | null => {
    if (!single.has(form)) single.set(form, lookupForm(lexicon, form, true));
    return single.get(form)!;
  };
  for (let i = 0; i < tokens.length; ) {
    let matched = 0;
    if (isWord(tokens[i]) && !CONNECTORS.has(tokens[i]!.text)) {
      const forms = spanForms(tokens, i, lexicon);
      for (let len = forms.length; len >= 1 && !matched; len--) {
        const last = tokens[i + len - 1]!;
        if (!isWord(last) || CONNECTORS.has(last.text)) continue;
        for (const form of forms[len - 1]!) {
          const m = len === 1 ? lookupWord(form) : lookupForm(lexicon, form, false);
          if (m) {
            found.push({ concept: concept(tokens.slice(i, i + len), prompt, m, false), from: i, to: i + len });
            matched = len;
            break;
          }
        }
      }
      if (!matched) matched = suffixNegation(tokens[i]!, prompt, lexicon, found, i);
    }
    i += Math.max(1, matched);
  }

  applyNegationCues(tokens, found);
  addInstrumental(tokens, prompt, lexicon, found);
  return { concepts: found.map((f) => f.concept), searchText: withoutNegations(prompt, tokens, found) };
}

/**
 * The spaceless forms of the phrases starting at word `i`, by length (index 0: one word): as
 * written, with connectors read as "n", and without them ("drumandbass", "drumnbass",
 * "drumbass"). A phrase grows only while the words so far begin some known form, so most words
 * are looked up alone; punctuation other than "&" ends it.
 */
function spanForms(tokens: readonly Token[], i: number, lexicon: TagLexicon): string[][] {
  const out: string[][] = [];
  let plain = '';
  let connected = '';
  let bare = '';
  for (let len = 1; len <= MAX_PHRASE_WORDS && i + len <= tokens.length; len++) {
    const t = tokens[i + len - 1]!;
    if (!isWord(t) && t.text !== '&') break;
    if (len > 1 && !lexicon.isPrefix(plain) && !lexicon.isPrefix(connected) && !lexicon.isPrefix(bare)) break;
    const connector = CONNECTORS.has(t.text);
    plain += t.text;
    connected += connector ? 'n' : t.text;
    bare += connector ? '' : t.text;
    out.push([...new Set([plain, connected, bare])]);
  }
  return out;
}

/** "vocal-free" / "drumless" as one token: the part before the suffix, negated. */
function suffixNegation(token: Token, prompt: string, lexicon: TagLexicon, found: { concept: TagConcept; from: number; to: number }[], i: number): number {
  const m = NEGATING_SUFFIX.exec(token.text);
  if (!m) return 0;
  const hit = lookupForm(lexicon, m[1]!, true);
  if (!hit) return 0;
  found.push({ concept: concept([token], prompt, hit, true), from: i, to: i + 1 });
  return 1;
}

/**
 * A cue negates the first concept that follows it, past filler words only, and any concept chained
 * to that one by "or"/"nor"/"/" ("no drums or vocals"). Hyphenated "-free" is handled
 * when the words are split ("vocal-free" → vocal, free): the concept right before "free"/"less".
 */
function applyNegationCues(tokens: readonly Token[], found: { concept: TagConcept; from: number; to: number }[]): void {
  const at = new Map(found.map((f) => [f.from, f]));
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!.text;
    if ((t === 'free' || t === 'less') && i > 0) {
      const before = found.find((f) => f.to === i);
      if (before) before.concept.negated = true;
      continue;
    }
    if (!NEGATION_CUES.has(t)) continue;
    let j = i + 1;
    while (j < tokens.length && NEGATION_FILLER.has(tokens[j]!.text) && !at.has(j)) j++;
    for (let f = at.get(j); f; ) {
      f.concept.negated = true;
      const next = tokens[f.to];
      if (!next || !NEGATION_CHAIN.has(next.text)) break;
      f = at.get(f.to + 1);
    }
  }
}

/** "instrumental" (not inside a longer tag like "instrumental pop") rules out the vocal tags. */
function addInstrumental(tokens: readonly Token[], prompt: string, lexicon: TagLexicon, found: { concept: TagConcept; from: number; to: number }[]): void {
  if (!lexicon.vocalTags.length) return;
  const covered = new Set(found.flatMap((f) => Array.from({ length: f.to - f.from }, (_, k) => f.from + k)));
  tokens.forEach((t, i) => {
    if (!INSTRUMENTAL.has(t.text) || covered.has(i)) return;
    found.push({
      concept: { phrase: prompt.slice(t.start, t.end), tags: lexicon.vocalTags.map((v) => ({ ...v })), negated: true, source: 'rule', confidence: 1 },
      from: i,
      to: i + 1,
    });
  });
  found.sort((a, b) => a.from - b.from);
}

/** The prompt with each negation (its cue, filler and negated phrases) cut out. */
function withoutNegations(prompt: string, tokens: readonly Token[], found: readonly { concept: TagConcept; from: number; to: number }[]): string {
  const cut: [number, number][] = [];
  for (const f of found) {
    if (!f.concept.negated) continue;
    let from = f.from;
    while (from > 0 && (NEGATION_CUES.has(tokens[from - 1]!.text) || NEGATION_FILLER.has(tokens[from - 1]!.text) || NEGATION_CHAIN.has(tokens[from - 1]!.text))) from--;
    let to = f.to;
    while (to < tokens.length && (tokens[to]!.text === 'free' || tokens[to]!.text === 'less')) to++;
    cut.push([tokens[from]!.start, tokens[to - 1]!.end]);
  }
  if (!cut.length) return prompt;
  let out = '';
  let pos = 0;
  for (const [s, e] of cut.sort((a, b) => a[0] - b[0])) {
    if (s < pos) continue;
    out += prompt.slice(pos, s);
    pos = e;
  }
  out += prompt.slice(pos);
  // Joins left dangling by a cut ("no drums and calm piano" → "and calm piano") go too.
  const dangling = /^(?:[\s,;]|\b(?:and|or|but|with|nor)\b)+|(?:[\s,;]|\b(?:and|or|but|with|nor)\b)+$/gi;
  const text = out.replace(/\s*([,;])\s*(?=[,;]|$)/g, '').replace(dangling, '').replace(/\s+/g, ' ');
  return text || prompt;
}
