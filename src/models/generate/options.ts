/**
 * Sizes of the generated models: defaults, merging of partial options, and validation with
 * errors that say which option is wrong and what to pass instead.
 */
import { UserError } from '../../errors.ts';
import { BPE_MIN_VOCAB } from './bpe-tokenizer.ts';
import type { TransformerSize } from './layers.ts';
import { WORDPIECE_MIN_VOCAB } from './wordpiece-tokenizer.ts';

export interface SbertOptions extends TransformerSize {
  /** Vocabulary size; undefined: every built-in word (a few thousand tokens). */
  vocab: number | undefined;
  /** max_position_embeddings, and the tokenizer's model_max_length. */
  maxPositions: number;
}

export interface ClapTextOptions extends TransformerSize {
  vocab: number | undefined;
  /** Longest tokenized text (model_max_length); the position table has 2 more rows, as RoBERTa's. */
  maxPositions: number;
}

export interface ClapAudioOptions extends TransformerSize {
  /** Square patch side over the (time, mel) spectrogram. */
  patch: number;
}

export interface ClapOptions {
  text: ClapTextOptions;
  audio: ClapAudioOptions;
  /** Size of text_embeds and audio_embeds. */
  projection: number;
}

/** 384-d output like all-MiniLM-L6-v2 (other parts of the project check the dimension). */
export const SBERT_DEFAULTS: Readonly<SbertOptions> = {
  layers: 2,
  hidden: 384,
  heads: 6,
  intermediate: 768,
  vocab: undefined,
  maxPositions: 512,
};

/** 512-d embeddings like larger_clap_music_and_speech; small towers. */
export const CLAP_DEFAULTS: Readonly<ClapOptions> = {
  text: { layers: 2, hidden: 256, heads: 4, intermediate: 512, vocab: undefined, maxPositions: 512 },
  audio: { layers: 2, hidden: 256, heads: 4, intermediate: 512, patch: 16 },
  projection: 512,
};

export type SbertInput = Partial<SbertOptions>;
export interface ClapInput {
  text?: Partial<ClapTextOptions>;
  audio?: Partial<ClapAudioOptions>;
  projection?: number;
}

/** Mel frames and bins of one 10-s CLAP window (480,000 samples at hop 480, centered). */
export const CLAP_FRAMES = 1001;
export const CLAP_MEL_BINS = 64;

/** ONNX files are protobufs, limited to 2 GB; stay well below. */
const MAX_PARAMETERS = 400_000_000;

function defined<T extends object>(partial: Partial<T> | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(partial ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function checkInt(value: number, what: string, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
    throw new UserError(`${what} must be ${range}; got ${value}.`, `Fix ${flag}.`);
  }
}

function checkTower(size: TransformerSize, what: string, flagPrefix: string, minLayers: number): void {
  checkInt(size.layers, `${what} layers`, `${flagPrefix}-layers`, minLayers, 64);
  checkInt(size.hidden, `${what} hidden size`, `${flagPrefix}-hidden`, 1, 16_384);
  checkInt(size.heads, `${what} attention heads`, `${flagPrefix}-heads`, 1, 256);
  checkInt(size.intermediate, `${what} intermediate size`, `${flagPrefix}-intermediate`, 1, 65_536);
  if (size.hidden % size.heads !== 0) {
    throw new UserError(
      `${what} hidden size ${size.hidden} is not divisible by its ${size.heads} attention heads.`,
      `Pick ${flagPrefix}-hidden and ${flagPrefix}-heads so that hidden / heads is a whole number.`,
    );
  }
}

function checkParameters(count: number, what: string): void {
  if (count > MAX_PARAMETERS) {
    throw new UserError(
      `The ${what} would have about ${Math.round(count / 1e6)}M parameters, too many for one ONNX file.`,
      'Use smaller --hidden, --layers, --intermediate or --vocab.',
    );
  }
}

function towerParameters(size: TransformerSize): number {
  return size.layers * (4 * size.hidden * size.hidden + 2 * size.hidden * size.intermediate);
}

export function resolveSbertOptions(input: SbertInput | undefined): SbertOptions {
  const o: SbertOptions = { ...SBERT_DEFAULTS, ...defined(input) };
  checkTower(o, 'SBERT', '--sbert', 0);
  checkInt(o.maxPositions, 'SBERT max positions', '--sbert-max-positions', 8, 8192);
  if (o.vocab !== undefined) checkInt(o.vocab, 'SBERT vocabulary size', '--sbert-vocab', WORDPIECE_MIN_VOCAB, 1_000_000);
  checkParameters(towerParameters(o) + (o.vocab ?? 10_000) * o.hidden, 'SBERT model');
  return o;
}

export function resolveClapOptions(input: ClapInput | undefined): ClapOptions {
  const o: ClapOptions = {
    text: { ...CLAP_DEFAULTS.text, ...defined(input?.text) },
    audio: { ...CLAP_DEFAULTS.audio, ...defined(input?.audio) },
    projection: input?.projection ?? CLAP_DEFAULTS.projection,
  };
  checkTower(o.text, 'CLAP text', '--clap-text', 0);
  checkTower(o.audio, 'CLAP audio', '--clap-audio', 0);
  checkInt(o.text.maxPositions, 'CLAP text max positions', '--clap-max-positions', 8, 8192);
  if (o.text.vocab !== undefined) checkInt(o.text.vocab, 'CLAP vocabulary size', '--clap-vocab', BPE_MIN_VOCAB, 200_000);
  checkInt(o.audio.patch, 'CLAP audio patch size', '--clap-audio-patch', 1, CLAP_MEL_BINS);
  checkInt(o.projection, 'CLAP projection size', '--clap-projection', 1, 16_384);
  checkParameters(towerParameters(o.text) + (o.text.vocab ?? 20_000) * o.text.hidden, 'CLAP text model');
  checkParameters(towerParameters(o.audio) + audioPatchCount(o.audio.patch) * o.audio.hidden, 'CLAP audio model');
  return o;
}

/** Patches of a [1001, 64] spectrogram cut into `patch`×`patch` squares (partial edges dropped). */
export function audioPatchCount(patch: number): number {
  return Math.floor(CLAP_FRAMES / patch) * Math.floor(CLAP_MEL_BINS / patch);
}

/**
 * Multiply-adds of one pass of a generated audio tower over one 10-s window, by estimate: the
 * patch projection, the Q/K/V/output and FFN matrix products, and the two attention products.
 * Norms, softmax and the projection head are left out (well under 1%).
 */
export function audioTowerMultiplyAdds(a: ClapAudioOptions): number {
  const n = audioPatchCount(a.patch);
  const perLayer = n * (4 * a.hidden * a.hidden + 2 * a.hidden * a.intermediate) + 2 * n * n * a.hidden;
  return n * a.patch * a.patch * a.hidden + a.layers * perLayer;
}
