/**
 * Token embedding tables with structure an untrained model can use: every spelling of a word
 * ("calm", "Ġcalm", "Calm") starts from the word's own random vector, and words of one concept
 * group (see concepts.ts) share part of their direction. Tokens that are not words (pieces,
 * bytes, specials) get independent random vectors, except the end-of-text token (see `bracket`).
 * Entries have unit variance per element.
 */
import { conceptsByWord } from './concepts.ts';
import { normalStream } from '../../util/prng.ts';

/** Share of a word's vector that comes from its concept groups (≈ cosine between synonyms). */
const CONCEPT_SHARE = 0.45;
/** Share of a spelling variant's vector that is its own (so variants are near, not equal). */
const VARIANT_SHARE = 0.1;

export interface TokenTableSpec {
  seed: number;
  /** Keeps this model's streams apart from other models' under the same seed. */
  namespace: string;
  dim: number;
  tokens: readonly string[];
  /** The vocabulary word a token spells, or null for pieces, bytes and specials. */
  wordOf: (token: string) => string | null;
  /**
   * [start, end] special tokens that every text carries. The end token's vector is nearly the
   * negative of the start token's, so in a mean-pooled sentence vector the two mostly cancel and
   * unrelated texts are not similar just because both are wrapped in [CLS] … [SEP].
   */
  bracket: readonly [string, string];
}

/** How far the end token strays from the exact negative of the start token. */
const BRACKET_NOISE = 0.1;

function fill(out: Float32Array, offset: number, dim: number, seed: number, name: string, weight: number): void {
  const next = normalStream(seed, name);
  for (let d = 0; d < dim; d++) out[offset + d] = (out[offset + d] as number) + weight * next();
}

export function tokenEmbeddingTable(spec: TokenTableSpec): Float32Array {
  const { seed, namespace, dim, tokens } = spec;
  const concepts = conceptsByWord();
  const table = new Float32Array(tokens.length * dim);
  const [start, end] = spec.bracket;
  tokens.forEach((token, i) => {
    const offset = i * dim;
    if (token === end) {
      fill(table, offset, dim, seed, `${namespace}/token/${start}`, -Math.sqrt(1 - BRACKET_NOISE));
      fill(table, offset, dim, seed, `${namespace}/token/${end}`, Math.sqrt(BRACKET_NOISE));
      return;
    }
    const word = spec.wordOf(token);
    if (word === null) {
      fill(table, offset, dim, seed, `${namespace}/token/${token}`, 1);
      return;
    }
    const variant = word !== token;
    const wordWeight = variant ? Math.sqrt(1 - VARIANT_SHARE) : 1;
    const groups = concepts.get(word) ?? [];
    const ownWeight = groups.length > 0 ? Math.sqrt(1 - CONCEPT_SHARE) : 1;
    fill(table, offset, dim, seed, `${namespace}/word/${word}`, wordWeight * ownWeight);
    for (const group of groups) {
      // Several groups split the concept share so the total variance stays 1.
      const w = wordWeight * Math.sqrt(CONCEPT_SHARE / groups.length);
      fill(table, offset, dim, seed, `${namespace}/concept/${group}`, w);
    }
    if (variant) fill(table, offset, dim, seed, `${namespace}/token/${token}`, Math.sqrt(VARIANT_SHARE));
  });
  return table;
}
