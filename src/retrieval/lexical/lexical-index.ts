/**
 * A BM25F inverted index in typed arrays: the lexical half of the first stage.
 *
 * Two kinds of terms share one dictionary:
 * - words (`guitar`), scored by BM25F over a document's weighted fields (caption, keywords, tag
 *   words): tf̃ = Σ_f w_f·tf_f / (1 − b + b·len_f/avglen_f), score = idf · tf̃·(k1 + 1) / (k1 + tf̃);
 * - exact tags (`instrument=acousticguitar`), present or not: score = idf.
 * Each posting stores its finished score, so a query is a sum of postings (no per-query math
 * beyond the query's own term weights). Field weights, k1 and b are fixed at build time and
 * recorded with the index.
 *
 * Measured before writing this (18,486 MTG-Jamendo captions + tags, 2 cores): minisearch 7 answered
 * in 7.6 ms p50 and wink-bm25-text-search 3 in 4.1 ms, over the 2 ms budget; typed-array postings
 * answer in a fraction of a millisecond and load without parsing (see bench/RESULTS.md).
 */

export interface Bm25Params {
  k1: number;
  b: number;
}

export const DEFAULT_BM25: Bm25Params = { k1: 1.2, b: 0.75 };

/** One document: terms per weighted field, plus exact tag terms. */
export interface LexicalDocument {
  fields: Readonly<Record<string, readonly string[]>>;
  tags: readonly string[];
}

export interface LexicalBuildOptions {
  /** Weight of each field in BM25F; fields not listed are ignored. */
  fieldWeights: Readonly<Record<string, number>>;
  params?: Bm25Params;
}

/** A term of a query with its weight (how much the query cares about it). */
export interface WeightedTerm {
  term: string;
  weight: number;
}

export interface LexicalHits {
  /** Rows of the best documents, best first. */
  ids: number[];
  scores: number[];
  /** Highest score over all documents (0 when nothing matched). */
  maxScore: number;
  /** The scores of the rows asked for in `alsoScore`, in that order (0 for rows matching no term). */
  also: number[];
}

export class LexicalIndexError extends Error {
  override readonly name = 'LexicalIndexError';
}

/** The prefix that makes a tag term: `instrument=piano` never collides with the word `piano`. */
export function tagTerm(category: string, tag: string): string {
  return `${category}=${tag}`;
}

const MAGIC = 'CDLEX001';
const HEADER_LEN_BYTES = 4;

interface Header {
  docs: number;
  terms: number;
  postings: number;
  termBytes: number;
  params: Bm25Params;
  fieldWeights: Record<string, number>;
}

export class LexicalIndex {
  private readonly termIds: Map<string, number>;
  /**
   * One score per document, reused by every search: allocating it per query (4 MB at a million
   * documents) made the collector pause queries. Safe because a search runs start to end
   * synchronously and copies out what it returns.
   */
  private readonly scratch: Float32Array;

  private constructor(
    readonly docCount: number,
    readonly params: Bm25Params,
    readonly fieldWeights: Readonly<Record<string, number>>,
    private readonly termList: readonly string[],
    /** Postings of term t are [offsets[t], offsets[t + 1]). */
    private readonly offsets: Uint32Array,
    private readonly docs: Uint32Array,
    private readonly weights: Float32Array,
  ) {
    this.termIds = new Map(termList.map((t, i) => [t, i]));
    this.scratch = new Float32Array(docCount);
  }

  get termCount(): number {
    return this.termList.length;
  }

  get postingCount(): number {
    return this.docs.length;
  }

  /** How many documents contain the term (0 when unknown). */
  docFrequency(term: string): number {
    const t = this.termIds.get(term);
    return t === undefined ? 0 : this.offsets[t + 1]! - this.offsets[t]!;
  }

  /** Bytes of the typed arrays it holds (postings, offsets, the scoring scratch); the term map is extra. */
  get byteSize(): number {
    return this.offsets.byteLength + this.docs.byteLength + this.weights.byteLength + this.scratch.byteLength;
  }

  /**
   * A test "does this row contain the term?" for repeated use: a binary search in the term's
   * postings (sorted by row). Rows of tracks are plain objects of varied shapes, and reading their
   * tag arrays for 600 candidates cost ~1 ms a query; this costs microseconds.
   */
  containsTest(term: string): (row: number) => boolean {
    const t = this.termIds.get(term);
    if (t === undefined) return () => false;
    const start = this.offsets[t]!;
    const end = this.offsets[t + 1]!;
    const docs = this.docs;
    return (row) => {
      let lo = start;
      let hi = end - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const d = docs[mid]!;
        if (d === row) return true;
        if (d < row) lo = mid + 1;
        else hi = mid - 1;
      }
      return false;
    };
  }

  has(term: string): boolean {
    return this.termIds.has(term);
  }

  /**
   * Word terms starting with `prefix` (tag terms left out), the most frequent first, at most
   * `limit`; ties in term order. For completing a word as it is typed: the term list is sorted
   * (built sorted, read back in order), so the candidates are one binary-searched range.
   */
  prefixTerms(prefix: string, limit: number): string[] {
    if (!prefix || limit <= 0) return [];
    const list = this.termList;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    const found: { term: string; df: number }[] = [];
    for (let t = lo; t < list.length && list[t]!.startsWith(prefix); t++) {
      if (!list[t]!.includes('=')) found.push({ term: list[t]!, df: this.offsets[t + 1]! - this.offsets[t]! });
    }
    found.sort((a, b) => b.df - a.df || (a.term < b.term ? -1 : 1));
    return found.slice(0, limit).map((f) => f.term);
  }

  static build(documents: readonly LexicalDocument[], options: LexicalBuildOptions): LexicalIndex {
    const params = options.params ?? DEFAULT_BM25;
    const fields = Object.keys(options.fieldWeights).sort();
    const n = documents.length;
    if (n === 0) throw new LexicalIndexError('cannot build a lexical index of zero documents');

    // Average length of each field over all documents.
    const avg = fields.map((f) => documents.reduce((s, d) => s + (d.fields[f]?.length ?? 0), 0) / n || 1);

    // Per term, its (doc, tf̃) pairs in document order; tags get tf̃ = -1 (scored by idf alone).
    const postings = new Map<string, { docs: number[]; tf: number[] }>();
    const add = (term: string, doc: number, tf: number) => {
      let p = postings.get(term);
      if (!p) postings.set(term, (p = { docs: [], tf: [] }));
      p.docs.push(doc);
      p.tf.push(tf);
    };
    documents.forEach((d, doc) => {
      const tf = new Map<string, number>();
      fields.forEach((f, i) => {
        const list = d.fields[f] ?? [];
        if (!list.length) return;
        const norm = options.fieldWeights[f]! / (1 - params.b + (params.b * list.length) / avg[i]!);
        for (const term of list) tf.set(term, (tf.get(term) ?? 0) + norm);
      });
      for (const [term, v] of tf) add(term, doc, v);
      for (const tag of new Set(d.tags)) add(tag, doc, -1);
    });

    const termList = [...postings.keys()].sort();
    const total = termList.reduce((s, t) => s + postings.get(t)!.docs.length, 0);
    const offsets = new Uint32Array(termList.length + 1);
    const docs = new Uint32Array(total);
    const weights = new Float32Array(total);
    let at = 0;
    termList.forEach((term, t) => {
      const p = postings.get(term)!;
      const df = p.docs.length;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      offsets[t] = at;
      for (let i = 0; i < df; i++) {
        const tf = p.tf[i]!;
        docs[at] = p.docs[i]!;
        weights[at] = tf < 0 ? idf : (idf * tf * (params.k1 + 1)) / (params.k1 + tf);
        at++;
      }
    });
    offsets[termList.length] = at;
    const fieldWeights = Object.fromEntries(fields.map((f) => [f, options.fieldWeights[f]!]));
    return new LexicalIndex(n, params, fieldWeights, termList, offsets, docs, weights);
  }

  /**
   * Scores every document for the weighted terms and returns the top `n` that `accept` keeps,
   * and the scores of the `alsoScore` rows (the other stage's candidates, for fusion).
   */
  search(query: readonly WeightedTerm[], n: number, accept?: (row: number) => boolean, alsoScore: readonly number[] = []): LexicalHits {
    const acc = this.scratch;
    acc.fill(0);
    for (const { term, weight } of query) {
      const t = this.termIds.get(term);
      if (t === undefined || weight === 0) continue;
      const end = this.offsets[t + 1]!;
      for (let i = this.offsets[t]!; i < end; i++) acc[this.docs[i]!]! += weight * this.weights[i]!;
    }
    const { ids, scores, max } = topN(acc, n, accept);
    return { ids, scores, maxScore: max, also: alsoScore.map((row) => acc[row] ?? 0) };
  }

  /** The index as bytes: magic, header (JSON), term list, offsets, postings. Loaded without parsing postings. */
  toBytes(): Buffer {
    const termBlob = Buffer.from(this.termList.join('\n'), 'utf8');
    const header: Header = {
      docs: this.docCount,
      terms: this.termList.length,
      postings: this.docs.length,
      termBytes: termBlob.length,
      params: this.params,
      fieldWeights: { ...this.fieldWeights },
    };
    const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
    const pad = (len: number) => (4 - (len % 4)) % 4;
    const preamble = MAGIC.length + HEADER_LEN_BYTES + headerBytes.length;
    const parts = [
      Buffer.from(MAGIC, 'latin1'),
      u32(headerBytes.length),
      headerBytes,
      Buffer.alloc(pad(preamble)),
      termBlob,
      Buffer.alloc(pad(termBlob.length)),
      bytesOf(this.offsets),
      bytesOf(this.docs),
      bytesOf(this.weights),
    ];
    return Buffer.concat(parts);
  }

  /** Reads `toBytes()` output, checking every length and posting; a LexicalIndexError says what is wrong. */
  static fromBytes(bytes: Uint8Array): LexicalIndex {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (buf.length < MAGIC.length + HEADER_LEN_BYTES || buf.toString('latin1', 0, MAGIC.length) !== MAGIC) {
      throw new LexicalIndexError('not a cratedigger lexical index (bad magic)');
    }
    const headerLen = buf.readUInt32LE(MAGIC.length);
    let at = MAGIC.length + HEADER_LEN_BYTES;
    if (at + headerLen > buf.length) throw new LexicalIndexError('truncated header');
    let header: Header;
    try {
      header = JSON.parse(buf.toString('utf8', at, at + headerLen)) as Header;
    } catch {
      throw new LexicalIndexError('unreadable header');
    }
    const ints = [header.docs, header.terms, header.postings, header.termBytes];
    if (!ints.every((v) => Number.isInteger(v) && v >= 0) || header.docs === 0 || !header.params || !header.fieldWeights) {
      throw new LexicalIndexError('invalid header');
    }
    at = align4(at + headerLen);
    const termEnd = at + header.termBytes;
    const expected = align4(termEnd) + 4 * (header.terms + 1) + 8 * header.postings;
    if (buf.length !== expected) throw new LexicalIndexError(`${buf.length} bytes, expected ${expected} from its header (truncated or corrupt)`);
    const termList = header.terms === 0 ? [] : buf.toString('utf8', at, termEnd).split('\n');
    if (termList.length !== header.terms) throw new LexicalIndexError(`${termList.length} terms, the header says ${header.terms}`);
    at = align4(termEnd);
    // Copied into fresh arrays: the file's buffer may not be 4-byte aligned in memory.
    const offsets = new Uint32Array(header.terms + 1);
    copyInto(offsets, buf, at);
    at += offsets.byteLength;
    const docs = new Uint32Array(header.postings);
    copyInto(docs, buf, at);
    at += docs.byteLength;
    const weights = new Float32Array(header.postings);
    copyInto(weights, buf, at);

    if (offsets[0] !== 0 || offsets[header.terms] !== header.postings) throw new LexicalIndexError('posting offsets do not cover the postings');
    for (let t = 0; t < header.terms; t++) {
      if (offsets[t + 1]! < offsets[t]!) throw new LexicalIndexError(`posting offsets go backwards at term ${t}`);
    }
    for (let i = 0; i < docs.length; i++) {
      if (docs[i]! >= header.docs) throw new LexicalIndexError(`a posting names document ${docs[i]}, beyond the ${header.docs} documents`);
    }
    return new LexicalIndex(header.docs, header.params, header.fieldWeights, termList, offsets, docs, weights);
  }
}

/** Top `n` scores > 0 (that `accept` keeps), best first; ties by row. A bounded min-heap. */
function topN(acc: Float32Array, n: number, accept?: (row: number) => boolean): { ids: number[]; scores: number[]; max: number } {
  const heapRows: number[] = [];
  const heapScores: number[] = [];
  let max = 0;
  // Worse = lower score, or equal score and higher row (so ties keep the lower row).
  const worse = (i: number, j: number) => heapScores[i]! < heapScores[j]! || (heapScores[i] === heapScores[j] && heapRows[i]! > heapRows[j]!);
  const swap = (i: number, j: number) => {
    [heapRows[i], heapRows[j]] = [heapRows[j]!, heapRows[i]!];
    [heapScores[i], heapScores[j]] = [heapScores[j]!, heapScores[i]!];
  };
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heapRows.length && worse(l, m)) m = l;
      if (r < heapRows.length && worse(r, m)) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  for (let row = 0; row < acc.length; row++) {
    const s = acc[row]!;
    if (s <= 0) continue;
    if (s > max) max = s;
    if (n <= 0) continue;
    if (heapRows.length === n && s <= heapScores[0]!) continue;
    if (accept && !accept(row)) continue;
    if (heapRows.length < n) {
      heapRows.push(row);
      heapScores.push(s);
      for (let i = heapRows.length - 1; i > 0; ) {
        const p = (i - 1) >> 1;
        if (!worse(i, p)) break;
        swap(i, p);
        i = p;
      }
    } else {
      heapRows[0] = row;
      heapScores[0] = s;
      siftDown(0);
    }
  }
  const order = heapRows.map((_, i) => i).sort((a, b) => heapScores[b]! - heapScores[a]! || heapRows[a]! - heapRows[b]!);
  return { ids: order.map((i) => heapRows[i]!), scores: order.map((i) => heapScores[i]!), max };
}

const align4 = (n: number) => n + ((4 - (n % 4)) % 4);

function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b;
}

function bytesOf(a: Uint32Array | Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function copyInto(target: Uint32Array | Float32Array, buf: Buffer, at: number): void {
  new Uint8Array(target.buffer).set(buf.subarray(at, at + target.byteLength));
}
