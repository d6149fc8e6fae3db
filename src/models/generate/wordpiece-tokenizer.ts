/**
 * A BERT WordPiece tokenizer laid out like `Xenova/all-MiniLM-L6-v2`'s: uncased BertNormalizer,
 * BertPreTokenizer, `[CLS] $A [SEP]` template, BERT's special-token ids. Its vocabulary holds every
 * character and `##` piece needed to spell any (lowercased, accent-stripped) ASCII text, common
 * suffixes, and whole music and English words.
 */
import { UserError } from '../../errors.ts';
import { vocabularyWords } from './vocabulary.ts';

const UNUSED_COUNT = 99;
/** BERT's layout: [PAD] 0, [unused0..98] 1–99, [UNK] 100, [CLS] 101, [SEP] 102, [MASK] 103. */
const SPECIALS = ['[PAD]', ...Array.from({ length: UNUSED_COUNT }, (_, i) => `[unused${i}]`), '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const SPECIAL_IDS = { pad: 0, unk: 100, cls: 101, sep: 102, mask: 103 } as const;

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';

/** Common English word endings, so unknown inflections split into a known stem + ending. */
const SUFFIXES = [
  's', 'es', 'ed', 'd', 'ing', 'er', 'ers', 'est', 'ly', 'y', 'ies', 'ied', 'al', 'ally', 'ness', 'ful',
  'less', 'ment', 'ments', 'tion', 'tions', 'ation', 'ity', 'ive', 'ous', 'ic', 'ical', 'ism', 'ist',
  'ists', 'able', 'ible', 'ish', 'like', 'en', 'ie', 'o', 'a', 'wave', 'core', 'step', 'hop', 'pop',
  'rock', 'house', 'beat', 'beats', 'tronic', 'tronica', 'fi', 'bient', 'gaze', 'jazz', 'funk', 'soul',
];

/** Every printable ASCII character that is not a letter, digit or space (BERT splits them off). */
function punctuation(): string[] {
  const out: string[] = [];
  for (let c = 33; c < 127; c++) {
    const ch = String.fromCharCode(c);
    if (!/[A-Za-z0-9]/.test(ch)) out.push(ch);
  }
  return out;
}

/** Letter strings of growing length (aa, ab, …, aaa, …): filler when `--vocab` asks for more. */
function* letterStrings(): Generator<string> {
  for (let length = 2; ; length++) {
    const idx = new Array<number>(length).fill(0);
    for (;;) {
      yield idx.map((i) => LETTERS[i]).join('');
      let p = length - 1;
      while (p >= 0 && idx[p] === LETTERS.length - 1) idx[p--] = 0;
      if (p < 0) break;
      idx[p] = (idx[p] as number) + 1;
    }
  }
}

/**
 * The ordered token list. Without `size` it is the natural vocabulary (specials, characters,
 * pieces, suffixes, words); a smaller `size` drops words from the tail, a larger one appends
 * letter-string pieces.
 */
function baseTokens(): string[] {
  return [...SPECIALS, ...punctuation(), ...DIGITS, ...LETTERS, ...[...DIGITS, ...LETTERS].map((c) => `##${c}`)];
}

/** The smallest vocabulary: specials and every single character (with and without `##`). */
export const WORDPIECE_MIN_VOCAB = baseTokens().length;

export function wordPieceVocabulary(size?: number): string[] {
  const base = baseTokens();
  if (size !== undefined && size < base.length) {
    throw new UserError(
      `A WordPiece vocabulary needs at least ${base.length} tokens (specials and single characters); got ${size}.`,
      `Use --sbert-vocab ${base.length} or more.`,
    );
  }
  const tokens = [...base];
  const seen = new Set(tokens);
  const add = (token: string): boolean => {
    if (size !== undefined && tokens.length >= size) return false;
    if (!seen.has(token)) {
      seen.add(token);
      tokens.push(token);
    }
    return true;
  };
  for (const suffix of SUFFIXES) if (!add(`##${suffix}`)) return tokens;
  for (const word of vocabularyWords()) if (!add(word)) return tokens;
  if (size === undefined) return tokens;
  for (const letters of letterStrings()) {
    if (tokens.length >= size) break;
    add(`##${letters}`);
    add(letters);
  }
  return tokens;
}

/** The vocabulary word a WordPiece token spells (whole-word tokens only). */
export function wordPieceWordOf(words: ReadonlySet<string>): (token: string) => string | null {
  return (token) => (words.has(token) ? token : null);
}

function addedToken(id: number, content: string): Record<string, unknown> {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

/** The files of the tokenizer, as JSON-ready objects keyed by file name. */
export function wordPieceTokenizerFiles(tokens: readonly string[], maxLength: number): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  tokens.forEach((t, i) => (vocab[t] = i));
  const special = (name: string, id: number) => ({ id: name, ids: [id], tokens: [name] });
  const tokenizer = {
    version: '1.0',
    // As in the real all-MiniLM-L6-v2 tokenizer.json (transformers.js pads and truncates itself).
    truncation: { direction: 'Right', max_length: 128, strategy: 'LongestFirst', stride: 0 },
    padding: {
      strategy: { Fixed: 128 },
      direction: 'Right',
      pad_to_multiple_of: null,
      pad_id: SPECIAL_IDS.pad,
      pad_type_id: 0,
      pad_token: '[PAD]',
    },
    added_tokens: [
      addedToken(SPECIAL_IDS.pad, '[PAD]'),
      addedToken(SPECIAL_IDS.unk, '[UNK]'),
      addedToken(SPECIAL_IDS.cls, '[CLS]'),
      addedToken(SPECIAL_IDS.sep, '[SEP]'),
      addedToken(SPECIAL_IDS.mask, '[MASK]'),
    ],
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: { '[CLS]': special('[CLS]', SPECIAL_IDS.cls), '[SEP]': special('[SEP]', SPECIAL_IDS.sep) },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
  const tokenizerConfig = {
    clean_up_tokenization_spaces: true,
    cls_token: '[CLS]',
    do_basic_tokenize: true,
    do_lower_case: true,
    mask_token: '[MASK]',
    model_max_length: maxLength,
    never_split: null,
    pad_token: '[PAD]',
    sep_token: '[SEP]',
    strip_accents: null,
    tokenize_chinese_chars: true,
    tokenizer_class: 'BertTokenizer',
    unk_token: '[UNK]',
  };
  const specialTokensMap = {
    cls_token: '[CLS]',
    mask_token: '[MASK]',
    pad_token: '[PAD]',
    sep_token: '[SEP]',
    unk_token: '[UNK]',
  };
  return {
    'tokenizer.json': tokenizer,
    'tokenizer_config.json': tokenizerConfig,
    'special_tokens_map.json': specialTokensMap,
    'vocab.txt': tokens.join('\n') + '\n',
  };
}

export const WORDPIECE_PAD_ID = SPECIAL_IDS.pad;
export const WORDPIECE_BRACKET = ['[CLS]', '[SEP]'] as const;
