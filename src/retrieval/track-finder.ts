import type { Track } from '../catalog/track.ts';
import { isContentWord, singular, words } from './lexical/analyzer.ts';
import type { LexicalIndex, WeightedTerm } from './lexical/lexical-index.ts';

/**
 * Finding a track by what a person types — autocomplete (`/similar track:`) and the CLI's seed
 * lookup. Pure: built once per loaded catalog, no I/O.
 *
 * What is searched:
 * - ids, through the rows sorted by lower-case id (exact lookup and prefix ranges by binary
 *   search; MTG-Jamendo's bare numbers, "948" → track_0000948, as well);
 * - names (title, artist, album), through a sorted term array with typed-array postings, each
 *   posting carrying its field and its position in that field;
 * - caption words (caption, keywords, tag words), through the serving index's own BM25F lexical
 *   index when there is one (no second caption index), else a bounded scan of the captions.
 *
 * As typed: every word matches whole except the last, which matches as a prefix ("moonl" finds
 * "Moonlight") unless the query ends with a space. Names are folded for case and accents
 * ("beyonce" finds "Beyoncé"); caption words go through the lexical analyzer, as the index did.
 *
 * Ranking (higher first; ties by row, so results are deterministic):
 * - 1000  the exact id (case-insensitive), or the Jamendo number;
 * - 900   an id starting with the query, when the query looks like an id (a digit or "_"), or a
 *         Jamendo number starting with the typed digits; in id order;
 * - 500–820 every word found in the names: + up to 70 for where (title 40, artist 20, album 10 per
 *         word's share), + 100 when the title starts with the query's words, + 100 more when the
 *         title is exactly them, + 30 when the last word is whole, + up to 20 for caption BM25;
 * - 0–450 the rest: 300 × caption BM25 / best BM25 + 150 × share of the words found in names;
 * - 150   an id starting with the query when it does not look like an id ("tra", "demo"): below
 *         good caption matches, since "tra" is more often "tranquil" than the id scheme.
 */

export interface TrackMatch {
  row: number;
  track: Track;
  score: number;
}

const DEFAULT_LIMIT = 25;
/** Query words looked at: names are short, and per-row word masks are 16 bits. */
const MAX_WORDS = 8;
/** Completions of the last word tried in the caption index, most frequent first. */
const CAPTION_COMPLETIONS = 3;
/** Rows whose caption score is asked for besides the caption top list (a bound on the extra work). */
const MAX_ALSO_SCORED = 4096;
/** Without a lexical index: captions scanned at most (the scan stops earlier once it has enough). */
const MAX_CAPTION_SCAN = 20_000;
/** Jamendo ids: `track_` and seven digits. */
const JAMENDO_PREFIX = 'track_';
const JAMENDO_DIGITS = 7;

const FIELD_TITLE = 0;
const FIELD_ARTIST = 1;
const FIELD_ALBUM = 2;
const MAX_POSITION = 63;

const MARKS = /\p{M}+/gu;
const WORD = /[\p{L}\p{N}]+/gu;
const ASCII = /^[^\u0080-\uffff]*$/;
/** Ids with nothing to lower-case (the usual `track_0000948`): checked without making a lower-case copy. */
const PLAIN_LOWER = /^[^A-Z\u0080-\uffff]*$/;

/** Words of a name, folded for case and accents: "Beyoncé — Halo" → beyonce, halo. */
export function nameWords(text: string): string[] {
  // Plain ASCII (most names) has no accents to take off: skip the decomposition.
  const folded = ASCII.test(text) ? text : text.normalize('NFKD').replace(MARKS, '');
  return folded.toLowerCase().match(WORD) ?? [];
}

/** First index in [lo, hi) where `below(i)` is false (`below` is true then false along the range). */
function partition(lo: number, hi: number, below: (i: number) => boolean): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (below(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The k-th largest value (k ≥ 1, k ≤ length): a sorted window of the best k, one pass. */
function kthLargest(values: Float64Array, k: number): number {
  const best: number[] = [];
  for (const v of values) {
    if (best.length === k && v <= best[k - 1]!) continue;
    let at = best.length === k ? k - 1 : best.length;
    while (at > 0 && best[at - 1]! < v) {
      best[at] = best[at - 1]!;
      at--;
    }
    best[at] = v;
  }
  return best[k - 1]!;
}

function popcount(x: number): number {
  let c = 0;
  for (; x; x &= x - 1) c++;
  return c;
}

/** Names of the catalog as a sorted term dictionary and postings (row, field << 6 | position). */
interface NameIndex {
  terms: readonly string[];
  /** Postings of term t are [offsets[t], offsets[t + 1]), in row order. */
  offsets: Uint32Array;
  rows: Uint32Array;
  where: Uint8Array;
  /** Words in each row's title (capped at 255): tells "the title is exactly the query". */
  titleLength: Uint8Array;
}

function buildNameIndex(tracks: readonly Track[]): NameIndex {
  const n = tracks.length;
  const termIds = new Map<string, number>();
  const counts: number[] = [];
  // Postings as they come (row order), in growable typed arrays: a million titles make millions.
  let cap = 1024;
  let pTerm = new Uint32Array(cap);
  let pRow = new Uint32Array(cap);
  let pWhere = new Uint8Array(cap);
  let size = 0;
  const titleLength = new Uint8Array(n);
  const idOf = (word: string): number => {
    let id = termIds.get(word);
    if (id === undefined) {
      termIds.set(word, (id = counts.length));
      counts.push(0);
    }
    return id;
  };
  // An artist's or album's name comes back on each of its tracks: its term ids are made once.
  // (At a million tracks the build spent most of its time analyzing repeats and collecting the
  // garbage of it.)
  const repeated = new Map<string, number[]>();
  const add = (id: number, row: number, where: number) => {
    if (size === cap) {
      cap *= 2;
      const t = new Uint32Array(cap);
      t.set(pTerm);
      pTerm = t;
      const r = new Uint32Array(cap);
      r.set(pRow);
      pRow = r;
      const w = new Uint8Array(cap);
      w.set(pWhere);
      pWhere = w;
    }
    counts[id]!++;
    pTerm[size] = id;
    pRow[size] = row;
    pWhere[size] = where;
    size++;
  };
  for (let row = 0; row < n; row++) {
    const t = tracks[row]!;
    if (t.title) {
      const list = nameWords(t.title);
      titleLength[row] = Math.min(255, list.length);
      for (let pos = 0; pos < list.length; pos++) add(idOf(list[pos]!), row, (FIELD_TITLE << 6) | Math.min(pos, MAX_POSITION));
    }
    for (const field of [FIELD_ARTIST, FIELD_ALBUM]) {
      const text = field === FIELD_ARTIST ? t.artist : t.album;
      if (!text) continue;
      let ids = repeated.get(text);
      if (!ids) repeated.set(text, (ids = nameWords(text).map(idOf)));
      for (let pos = 0; pos < ids.length; pos++) add(ids[pos]!, row, (field << 6) | Math.min(pos, MAX_POSITION));
    }
  }
  // Terms in code-unit order (what `<` compares), postings laid out term by term.
  const unsorted = [...termIds.keys()];
  const order = unsorted.map((_, i) => i).sort((a, b) => (unsorted[a]! < unsorted[b]! ? -1 : 1));
  const offsets = new Uint32Array(order.length + 1);
  const next = new Uint32Array(order.length);
  let at = 0;
  order.forEach((id, sorted) => {
    offsets[sorted] = at;
    next[id] = at;
    at += counts[id]!;
  });
  offsets[order.length] = at;
  const rows = new Uint32Array(size);
  const where = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    const slot = next[pTerm[i]!]!++;
    rows[slot] = pRow[i]!;
    where[slot] = pWhere[i]!;
  }
  return { terms: order.map((id) => unsorted[id]!), offsets, rows, where, titleLength };
}

/** Per-row scratch of one name query, cleared through the list of rows it touched. */
interface NameScratch {
  /** Bit i: query word i found in the row's title / artist / album. */
  title: Uint16Array;
  artist: Uint16Array;
  album: Uint16Array;
  /** Bit i: query word i is the title's word i (the title starts with the query). */
  titleStart: Uint16Array;
  /** 1: the last word matched a whole name word, not only as a prefix. */
  lastWhole: Uint8Array;
  touched: Uint32Array;
  /** Name scores of the rows compacted to the front of `touched`. */
  score: Float64Array;
}

interface Candidate {
  row: number;
  score: number;
}

export class TrackFinder {
  private scratch: NameScratch | null = null;

  private constructor(
    readonly tracks: readonly Track[],
    private readonly lexical: LexicalIndex | null,
    /** Rows in lower-case id order. */
    private readonly idOrder: Uint32Array,
    /** Lower-case ids, or null when every id already is (then the tracks' own ids are read). */
    private readonly lowerIds: readonly string[] | null,
    private readonly names: NameIndex,
  ) {}

  /**
   * Builds the id order and the name index; caption words are searched in `lexical` (the serving
   * index's BM25F index over the same rows) when given. Linear but for one sort of the ids, which
   * is skipped when they are already in order (catalogs usually are).
   */
  static build(tracks: readonly Track[], lexical?: LexicalIndex | null): TrackFinder {
    if (lexical && lexical.docCount !== tracks.length) {
      throw new RangeError(`the lexical index has ${lexical.docCount} documents for ${tracks.length} tracks`);
    }
    const n = tracks.length;
    // Most catalogs' ids are lower case already: then no second array of them is kept.
    const lowerIds = tracks.some((t) => !PLAIN_LOWER.test(t.id) && t.id.toLowerCase() !== t.id) ? tracks.map((t) => t.id.toLowerCase()) : null;
    const keys: readonly string[] = lowerIds ?? tracks.map((t) => t.id);
    const idOrder = new Uint32Array(n);
    let sorted = true;
    for (let row = 0; row < n; row++) {
      idOrder[row] = row;
      if (row > 0 && keys[row - 1]! > keys[row]!) sorted = false;
    }
    if (!sorted) idOrder.sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : a - b));
    return new TrackFinder(tracks, lexical ?? null, idOrder, lowerIds, buildNameIndex(tracks));
  }

  /** Bytes of the typed arrays the finder holds (the per-query scratch included once allocated). */
  get byteSize(): number {
    const s = this.scratch;
    const scratch = s ? s.title.byteLength * 4 + s.lastWhole.byteLength + s.touched.byteLength + s.score.byteLength : 0;
    const nm = this.names;
    return this.idOrder.byteLength + nm.offsets.byteLength + nm.rows.byteLength + nm.where.byteLength + nm.titleLength.byteLength + scratch;
  }

  /** Distinct name words (titles, artists, albums). */
  get nameTermCount(): number {
    return this.names.terms.length;
  }

  private idKey(row: number): string {
    return this.lowerIds ? this.lowerIds[row]! : this.tracks[row]!.id;
  }

  /** Positions in `idOrder` of the ids starting with `prefix` (lower case). */
  private idRange(prefix: string): [number, number] {
    const n = this.idOrder.length;
    const lo = partition(0, n, (i) => this.idKey(this.idOrder[i]!) < prefix);
    const hi = partition(lo, n, (i) => this.idKey(this.idOrder[i]!).startsWith(prefix));
    return [lo, hi];
  }

  private exactRow(lower: string): number | undefined {
    // The first key ≥ the id is the id itself when it exists (ids sort before their extensions).
    const at = partition(0, this.idOrder.length, (i) => this.idKey(this.idOrder[i]!) < lower);
    return at < this.idOrder.length && this.idKey(this.idOrder[at]!) === lower ? this.idOrder[at] : undefined;
  }

  /** Row of an exact catalog id (case-insensitive; for Jamendo also the bare number "948" → track_0000948), or undefined. */
  rowOfId(id: string): number | undefined {
    const lower = id.trim().toLowerCase();
    if (!lower) return undefined;
    const exact = this.exactRow(lower);
    if (exact !== undefined) return exact;
    const number = /^(?:track_)?0*(\d+)$/.exec(lower)?.[1];
    return number === undefined ? undefined : this.exactRow(JAMENDO_PREFIX + number.padStart(JAMENDO_DIGITS, '0'));
  }

  /** Best matches first, at most `limit` (default 25). Empty/blank query: []. */
  find(query: string, limit = DEFAULT_LIMIT): TrackMatch[] {
    if (!query.trim() || limit <= 0 || this.tracks.length === 0) return [];
    const best = new Map<number, number>();
    const offer = (row: number, score: number) => {
      if (score > (best.get(row) ?? -1)) best.set(row, score);
    };
    this.findIds(query.trim().toLowerCase(), limit, offer);
    // A query ending in a space has finished its last word: no prefix matching then.
    const complete = /\s$/u.test(query);
    this.findWords(query, complete, limit, offer);
    return [...best]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, limit)
      .map(([row, score]) => ({ row, track: this.tracks[row]!, score }));
  }

  private findIds(lower: string, limit: number, offer: (row: number, score: number) => void): void {
    const exact = this.rowOfId(lower);
    if (exact !== undefined) offer(exact, 1000);
    if (/\s/u.test(lower)) return;
    const idLike = /[\d_]/.test(lower);
    // Ids in id order: a tiny step down per place keeps that order under equal tiers.
    const takeRange = (prefix: string, score: number, budget: number): number => {
      const [lo, hi] = this.idRange(prefix);
      const end = Math.min(hi, lo + budget);
      for (let i = lo; i < end; i++) offer(this.idOrder[i]!, score - (i - lo) * 1e-6);
      return end - lo;
    };
    let left = limit;
    left -= takeRange(lower, idLike ? 900 : 150, left);
    // Jamendo numbers as typed: "94" → 94, then 940–949, then 9400–9499, …: one id range per length.
    if (/^\d+$/.test(lower) && lower.length <= JAMENDO_DIGITS) {
      const digits = lower.replace(/^0+(?=\d)/, '');
      for (let len = digits.length; len <= JAMENDO_DIGITS && left > 0; len++) {
        // Numbers of `len` digits starting with the typed ones: track_ + (7 − len) zeros + digits.
        left -= takeRange(JAMENDO_PREFIX + '0'.repeat(JAMENDO_DIGITS - len) + digits, 900 - len * 1e-3, left);
      }
    }
  }

  private scratchArrays(): NameScratch {
    if (!this.scratch) {
      const n = this.tracks.length;
      this.scratch = {
        title: new Uint16Array(n),
        artist: new Uint16Array(n),
        album: new Uint16Array(n),
        titleStart: new Uint16Array(n),
        lastWhole: new Uint8Array(n),
        touched: new Uint32Array(n),
        score: new Float64Array(n),
      };
    }
    return this.scratch;
  }

  private findWords(query: string, complete: boolean, limit: number, offer: (row: number, score: number) => void): void {
    const qWords = nameWords(query).slice(0, MAX_WORDS);
    if (qWords.length === 0) return;
    const nq = qWords.length;
    const full = (1 << nq) - 1;
    const nm = this.names;
    const s = this.scratchArrays();
    let touchedCount = 0;
    for (let w = 0; w < nq; w++) {
      const word = qWords[w]!;
      const prefix = w === nq - 1 && !complete;
      const lo = partition(0, nm.terms.length, (i) => nm.terms[i]! < word);
      const hi = prefix ? partition(lo, nm.terms.length, (i) => nm.terms[i]!.startsWith(word)) : nm.terms[lo] === word ? lo + 1 : lo;
      const wholeEnd = nm.terms[lo] === word ? nm.offsets[lo + 1]! : nm.offsets[lo]!;
      const bit = 1 << w;
      for (let p = nm.offsets[lo]!, end = nm.offsets[hi]!; p < end; p++) {
        const row = nm.rows[p]!;
        if ((s.title[row]! | s.artist[row]! | s.album[row]! | s.lastWhole[row]!) === 0) s.touched[touchedCount++] = row;
        const where = nm.where[p]!;
        const field = where >> 6;
        if (field === FIELD_TITLE) {
          s.title[row]! |= bit;
          if ((where & MAX_POSITION) === w) s.titleStart[row]! |= bit;
        } else if (field === FIELD_ARTIST) s.artist[row]! |= bit;
        else s.album[row]! |= bit;
        if (w === nq - 1 && p < wholeEnd) s.lastWhole[row] = 1;
      }
    }

    // Rows holding every word in their names, scored without the caption first, compacted to
    // the front of `touched` (a short prefix touches tens of thousands of rows at a million
    // tracks: typed arrays, no object per row). The others are kept by how many words they hold.
    const partial: number[][] = Array.from({ length: nq }, () => []);
    let namedCount = 0;
    for (let i = 0; i < touchedCount; i++) {
      const row = s.touched[i]!;
      const t = s.title[row]!;
      const a = s.artist[row]!;
      const b = s.album[row]!;
      const all = t | a | b;
      if (all === full) {
        let score = 500 + (40 * popcount(t) + 20 * popcount(a) + 10 * popcount(b)) / nq;
        if (s.titleStart[row] === full) score += nm.titleLength[row] === nq ? 200 : 100;
        if (s.lastWhole[row]) score += 30;
        s.touched[namedCount] = row;
        s.score[namedCount++] = score;
      } else {
        const bucket = partial[popcount(all)]!;
        if (bucket.length < MAX_ALSO_SCORED) bucket.push(row);
      }
      s.title[row] = s.artist[row] = s.album[row] = s.titleStart[row] = s.lastWhole[row] = 0;
    }
    // The caption adds at most 20 to a named row, so only rows within 20 of the limit-th best
    // can still reach the top; with `limit` named rows, rows missing a word cannot.
    const cutoff = namedCount >= limit ? kthLargest(s.score.subarray(0, namedCount), limit) - 20 : -Infinity;
    const contenders: Candidate[] = [];
    for (let i = 0; i < namedCount && contenders.length < MAX_ALSO_SCORED; i++) {
      if (s.score[i]! >= cutoff) contenders.push({ row: s.touched[i]!, score: s.score[i]! });
    }
    const partialKept: Candidate[] = [];
    for (let found = nq - 1; found >= 1 && namedCount < limit && partialKept.length < MAX_ALSO_SCORED; found--) {
      for (const row of partial[found]!.slice(0, MAX_ALSO_SCORED - partialKept.length)) partialKept.push({ row, score: found / nq });
    }

    const also = [...contenders.map((c) => c.row), ...partialKept.map((p) => p.row)];
    const caption = this.lexical ? this.captionScores(query, complete, limit, also) : this.scanCaptions(query, complete, limit, also);
    const captionOf = (row: number) => caption.scores.get(row) ?? 0;
    for (const c of contenders) offer(c.row, c.score + 20 * captionOf(c.row));
    for (const p of partialKept) offer(p.row, 300 * captionOf(p.row) + 150 * p.score);
    for (const [row, share] of caption.top) offer(row, 300 * share);
  }

  /**
   * The caption side through the lexical index: the query's terms as the analyzer makes them, the
   * last one also completed (its most frequent completions). Scores are shares of the best.
   */
  private captionScores(query: string, complete: boolean, limit: number, also: readonly number[]): CaptionScores {
    const lexical = this.lexical!;
    const list = words(query).slice(0, MAX_WORDS);
    const terms = new Map<string, number>();
    const add = (term: string, weight: number) => terms.set(term, Math.max(terms.get(term) ?? 0, weight));
    list.forEach((word, i) => {
      // The word being typed stands for its most frequent completions (itself among them only by
      // its frequency: "voc" is also a rare keyword, which must not outweigh "vocalist"), each
      // weighing half the one before: BM25 adds terms up, and a caption holding several
      // completions must not outrank one holding the other words.
      const completions = i === list.length - 1 && !complete ? lexical.prefixTerms(word, CAPTION_COMPLETIONS).filter(isContentWord) : [];
      if (completions.length > 0) completions.forEach((term, k) => add(term, 1 / 2 ** k));
      else if (isContentWord(word)) add(singular(word), 1);
    });
    if (terms.size === 0) return { top: [], scores: new Map() };
    const weighted: WeightedTerm[] = [...terms].map(([term, weight]) => ({ term, weight }));
    const hits = lexical.search(weighted, limit, undefined, also);
    const max = hits.maxScore || 1;
    const scores = new Map<number, number>();
    also.forEach((row, i) => scores.set(row, hits.also[i]! / max));
    return { top: hits.ids.map((row, i) => [row, hits.scores[i]! / max] as const), scores };
  }

  /**
   * Without a lexical index (indexes built dense only): the captions of the first rows, scanned
   * for the query's words (last as a prefix), at most MAX_CAPTION_SCAN of them, stopping once
   * `limit` rows hold every word (ties go to lower rows, so later ones cannot rank higher).
   */
  private scanCaptions(query: string, complete: boolean, limit: number, also: readonly number[]): CaptionScores {
    const list = words(query)
      .slice(0, MAX_WORDS)
      .filter((w, i, all) => isContentWord(w) || (i === all.length - 1 && !complete));
    if (list.length === 0) return { top: [], scores: new Map() };
    const share = (row: number): number => {
      const t = this.tracks[row]!;
      const text = ` ${words(`${t.caption} ${t.keywords.join(' ')} ${[...t.tags.mood, ...t.tags.genre, ...t.tags.instrument].join(' ')}`).join(' ')} `;
      let found = 0;
      list.forEach((w, i) => {
        if (text.includes(i === list.length - 1 && !complete ? ` ${w}` : ` ${w} `)) found++;
      });
      return found / list.length;
    };
    const top: (readonly [number, number])[] = [];
    let whole = 0;
    const end = Math.min(this.tracks.length, MAX_CAPTION_SCAN);
    for (let row = 0; row < end && whole < limit; row++) {
      const v = share(row);
      if (v > 0) top.push([row, v]);
      if (v === 1) whole++;
    }
    return { top, scores: new Map(also.map((row) => [row, share(row)])) };
  }
}

interface CaptionScores {
  /** Best caption rows with their score as a share of the best (0–1]. */
  top: readonly (readonly [number, number])[];
  /** Caption scores of the rows asked for. */
  scores: Map<number, number>;
}
