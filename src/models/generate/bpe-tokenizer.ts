/**
 * A RoBERTa byte-level BPE tokenizer like CLAP's (`<s>` 0, `<pad>` 1, `</s>` 2, `<unk>` 3, the 256
 * byte symbols, learned merges, `<mask>` last). The merges are learned here by ordinary BPE
 * training on the vocabulary words (" calm", "calm", "Calm"), run until every word is one token,
 * which BPE guarantees to reproduce when encoding: each training word encodes to its own token.
 */
import { UserError } from '../../errors.ts';
import { vocabularyWords } from './vocabulary.ts';

const SPECIALS = ['<s>', '<pad>', '</s>', '<unk>'] as const;
export const BPE_IDS = { bos: 0, pad: 1, eos: 2, unk: 3 } as const;
const MASK = '<mask>';
/** The byte-level symbol for a space, which starts every word but the text's first. */
const SPACE = 'Ġ';

/** GPT-2's reversible byte → printable character map. */
export function bytesToUnicode(): string[] {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const map = new Array<string>(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    map[b] = printable.includes(b) ? String.fromCharCode(b) : String.fromCharCode(256 + extra++);
  }
  return map;
}

interface TrainingWord {
  symbols: number[];
  weight: number;
}

/** Max-heap of (count, pair) with lazy deletion; ties go to the smaller pair key (deterministic). */
class PairHeap {
  private readonly items: [number, number][] = [];

  push(count: number, key: number): void {
    const items = this.items;
    items.push([count, key]);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(items[i] as [number, number], items[parent] as [number, number])) break;
      [items[i], items[parent]] = [items[parent] as [number, number], items[i] as [number, number]];
      i = parent;
    }
  }

  pop(): [number, number] | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < items.length && this.before(items[l] as [number, number], items[best] as [number, number])) best = l;
        if (r < items.length && this.before(items[r] as [number, number], items[best] as [number, number])) best = r;
        if (best === i) break;
        [items[i], items[best]] = [items[best] as [number, number], items[i] as [number, number]];
        i = best;
      }
    }
    return top;
  }

  private before(a: [number, number], b: [number, number]): boolean {
    return a[0] !== b[0] ? a[0] > b[0] : a[1] < b[1];
  }
}

/** Pair keys pack two token ids; ids stay far below 2^21. */
const KEY_BASE = 2 ** 21;
const pairKey = (a: number, b: number): number => a * KEY_BASE + b;

/** Incremental BPE trainer: pair counts and the words holding each pair are kept up to date. */
class BpeTrainer {
  readonly tokens: string[] = [];
  readonly merges: [string, string][] = [];
  private readonly ids = new Map<string, number>();
  private readonly words: TrainingWord[] = [];
  private readonly counts = new Map<number, number>();
  private readonly holders = new Map<number, Set<number>>();
  private readonly heap = new PairHeap();

  constructor(alphabet: readonly string[]) {
    for (const symbol of alphabet) this.idOf(symbol);
  }

  /** Adds words (already in byte-level symbols), split with the merges learned so far. */
  addWords(words: readonly { text: string; weight: number }[]): void {
    const rank = new Map(this.merges.map(([a, b], i) => [`${a} ${b}`, i]));
    for (const { text, weight } of words) {
      const symbols = this.applyMerges([...text], rank).map((s) => this.idOf(s));
      const index = this.words.length;
      this.words.push({ symbols, weight });
      this.countPairs(index, 1);
    }
  }

  /** Learns merges until no pair is left or the vocabulary reaches `maxTokens`. */
  train(maxTokens: number): void {
    while (this.tokens.length < maxTokens) {
      const best = this.nextPair();
      if (best === undefined) return;
      this.merge(best);
    }
  }

  private idOf(token: string): number {
    let id = this.ids.get(token);
    if (id === undefined) {
      id = this.tokens.length;
      this.tokens.push(token);
      this.ids.set(token, id);
    }
    return id;
  }

  /** Splits `symbols` the way the BPE model will: lowest-rank adjacent pair first. */
  private applyMerges(symbols: string[], rank: Map<string, number>): string[] {
    const parts = [...symbols];
    for (;;) {
      let bestRank = Infinity;
      let at = -1;
      for (let i = 0; i + 1 < parts.length; i++) {
        const r = rank.get(`${parts[i]} ${parts[i + 1]}`);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          at = i;
        }
      }
      if (at < 0) return parts;
      parts.splice(at, 2, `${parts[at]}${parts[at + 1]}`);
    }
  }

  private countPairs(index: number, sign: 1 | -1): void {
    const word = this.words[index] as TrainingWord;
    const s = word.symbols;
    for (let i = 0; i + 1 < s.length; i++) {
      const key = pairKey(s[i] as number, s[i + 1] as number);
      const count = (this.counts.get(key) ?? 0) + sign * word.weight;
      this.counts.set(key, count);
      if (sign > 0) {
        let set = this.holders.get(key);
        if (!set) this.holders.set(key, (set = new Set()));
        set.add(index);
        this.heap.push(count, key);
      } else if (count > 0) {
        this.heap.push(count, key);
      }
    }
  }

  private nextPair(): number | undefined {
    for (;;) {
      const top = this.heap.pop();
      if (!top) return undefined;
      const [count, key] = top;
      // Stale heap entries (counts changed since they were pushed) are skipped.
      if (count > 0 && this.counts.get(key) === count) return key;
    }
  }

  private merge(key: number): void {
    const a = Math.floor(key / KEY_BASE);
    const b = key % KEY_BASE;
    const left = this.tokens[a] as string;
    const right = this.tokens[b] as string;
    const merged = this.idOf(left + right);
    this.merges.push([left, right]);
    const holders = [...(this.holders.get(key) ?? [])];
    this.holders.delete(key);
    for (const index of holders) {
      const word = this.words[index] as TrainingWord;
      this.countPairs(index, -1);
      const out: number[] = [];
      const s = word.symbols;
      for (let i = 0; i < s.length; i++) {
        if (i + 1 < s.length && s[i] === a && s[i + 1] === b) {
          out.push(merged);
          i++;
        } else {
          out.push(s[i] as number);
        }
      }
      word.symbols = out;
      this.countPairs(index, 1);
    }
    this.counts.delete(key);
  }
}

/** Training words: " word" (most weight), "word" (text start) and "Word" (sentence start). */
function trainingWords(words: readonly string[]): { text: string; weight: number }[] {
  const out: { text: string; weight: number }[] = [];
  words.forEach((word, i) => {
    // Earlier (more useful) words weigh more, so a capped vocabulary keeps them whole.
    const weight = Math.max(1, Math.round(100_000 / (i + 10)));
    // The ByteLevel pre-tokenizer cuts letters from digits ("60s" → " 60", "s"): train on its pieces.
    const [first = '', ...rest] = word.match(/[a-z]+|[0-9]+/g) ?? [];
    const capitalized = first.charAt(0).toUpperCase() + first.slice(1);
    out.push({ text: SPACE + first, weight: weight * 4 });
    out.push({ text: first, weight: weight * 2 });
    if (capitalized !== first) out.push({ text: capitalized, weight });
    for (const piece of rest) out.push({ text: piece, weight: weight * 4 });
  });
  return out;
}

/**
 * Synthetic " ab", " abc", … words in batches: only trained on when `--vocab` asks for more
 * tokens than the real words need, each batch extending the merges learned before.
 */
function* fillerBatches(batchSize: number): Generator<{ text: string; weight: number }[]> {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  let batch: { text: string; weight: number }[] = [];
  for (let length = 2; ; length++) {
    const idx = new Array<number>(length).fill(0);
    for (;;) {
      batch.push({ text: SPACE + idx.map((i) => letters[i]).join(''), weight: 1 });
      if (batch.length === batchSize) {
        yield batch;
        batch = [];
      }
      let p = length - 1;
      while (p >= 0 && idx[p] === letters.length - 1) idx[p--] = 0;
      if (p < 0) break;
      idx[p] = (idx[p] as number) + 1;
    }
  }
}

export interface BpeVocabulary {
  /** Token strings by id, `<mask>` last. */
  tokens: string[];
  merges: [string, string][];
}

/** The minimum size: specials, 256 byte symbols and `<mask>`. */
export const BPE_MIN_VOCAB = SPECIALS.length + 256 + 1;

export function bpeVocabulary(size?: number): BpeVocabulary {
  if (size !== undefined && size < BPE_MIN_VOCAB) {
    throw new UserError(
      `A byte-level BPE vocabulary needs at least ${BPE_MIN_VOCAB} tokens (specials and 256 bytes); got ${size}.`,
      `Use --clap-vocab ${BPE_MIN_VOCAB} or more.`,
    );
  }
  const trainer = new BpeTrainer([...SPECIALS, ...bytesToUnicode()]);
  // `<mask>` is appended after training, so training may use all but one slot.
  const limit = size === undefined ? Infinity : size - 1;
  trainer.addWords(trainingWords(vocabularyWords()));
  trainer.train(limit);
  if (size !== undefined) {
    for (const batch of fillerBatches(5000)) {
      if (trainer.tokens.length >= limit) break;
      trainer.addWords(batch);
      trainer.train(limit);
    }
  }
  return { tokens: [...trainer.tokens, MASK], merges: trainer.merges };
}

/** The vocabulary word a BPE token spells ("Ġcalm", "calm", "Calm" → "calm"), else null. */
export function bpeWordOf(words: ReadonlySet<string>): (token: string) => string | null {
  return (token) => {
    const bare = (token.startsWith(SPACE) ? token.slice(SPACE.length) : token).toLowerCase();
    return words.has(bare) ? bare : null;
  };
}

function addedToken(id: number, content: string, lstrip = false): Record<string, unknown> {
  return { id, content, single_word: false, lstrip, rstrip: false, normalized: content !== MASK, special: true };
}

/** The tokenizer files (JSON objects, or text for merges.txt), keyed by file name. */
export function bpeTokenizerFiles(vocab: BpeVocabulary, maxLength: number): Record<string, unknown> {
  const ids: Record<string, number> = {};
  vocab.tokens.forEach((t, i) => (ids[t] = i));
  const maskId = vocab.tokens.length - 1;
  const byteLevel = { add_prefix_space: false, trim_offsets: true, use_regex: true };
  const merges = vocab.merges.map(([a, b]) => `${a} ${b}`);
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      addedToken(BPE_IDS.bos, '<s>'),
      addedToken(BPE_IDS.pad, '<pad>'),
      addedToken(BPE_IDS.eos, '</s>'),
      addedToken(BPE_IDS.unk, '<unk>'),
      addedToken(maskId, MASK, true),
    ],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', ...byteLevel },
    post_processor: {
      type: 'RobertaProcessing',
      sep: ['</s>', BPE_IDS.eos],
      cls: ['<s>', BPE_IDS.bos],
      trim_offsets: true,
      add_prefix_space: false,
    },
    decoder: { type: 'ByteLevel', ...byteLevel },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      vocab: ids,
      merges,
    },
  };
  const tokenizerConfig = {
    add_prefix_space: false,
    bos_token: '<s>',
    clean_up_tokenization_spaces: true,
    cls_token: '<s>',
    eos_token: '</s>',
    errors: 'replace',
    mask_token: MASK,
    model_max_length: maxLength,
    pad_token: '<pad>',
    processor_class: 'ClapProcessor',
    sep_token: '</s>',
    tokenizer_class: 'RobertaTokenizer',
    trim_offsets: true,
    unk_token: '<unk>',
  };
  const specialTokensMap = {
    bos_token: '<s>',
    cls_token: '<s>',
    eos_token: '</s>',
    mask_token: { content: MASK, lstrip: true, normalized: false, rstrip: false, single_word: false },
    pad_token: '<pad>',
    sep_token: '</s>',
    unk_token: '<unk>',
  };
  return {
    'tokenizer.json': tokenizer,
    'tokenizer_config.json': tokenizerConfig,
    'special_tokens_map.json': specialTokensMap,
    'vocab.json': ids,
    'merges.txt': `#version: 0.2\n${merges.join('\n')}\n`,
  };
}
