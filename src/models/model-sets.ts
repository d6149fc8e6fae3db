/**
 * Named sets of generated models. "tiny" is the default: small untrained stand-ins, quick to
 * generate and to run (tests, development). "full" has the real architectures' sizes with seeded
 * random weights, so benchmarks measure real-size compute. A set fixes folder ids and sizes.
 * Plain data: the generator (./generate/index.ts) reads it and `ensureModelSet` lives there.
 */
import { UserError } from '../errors.ts';
import { audioPatchCount, audioTowerMultiplyAdds, CLAP_DEFAULTS, CLAP_MEL_BINS, CLAP_FRAMES, SBERT_DEFAULTS } from './generate/options.ts';
import type { ClapAudioOptions, ClapInput, SbertInput } from './generate/options.ts';
import { FULL_CLAP_ID, FULL_SBERT_ID, GENERATED_CLAP_ID, GENERATED_SBERT_ID } from './generated-ids.ts';

export type ModelSetName = 'tiny' | 'full';

export interface ModelSet {
  name: ModelSetName;
  sbertId: string;
  clapId: string;
  sbert: SbertInput;
  clap: ClapInput;
  /** One line for help texts and benchmark reports. */
  description: string;
  /** Extra model-card (README.md) text per model, saying how the sizes relate to the real model. */
  cardNotes?: { sbert?: string; clap?: string };
}

/** The generated audio tower is a ViT, not HTSAT's Swin: these sizes match its compute instead. */
const FULL_AUDIO: ClapAudioOptions = { layers: 12, hidden: 384, heads: 6, intermediate: 1536, patch: 16 };
const FULL_AUDIO_GFLOPS = (2 * audioTowerMultiplyAdds(FULL_AUDIO)) / 1e9;

const FULL_SBERT_NOTE = `## Sizes (model set "full")

The architecture of all-MiniLM-L6-v2 (BERT): 6 layers, hidden size 384, 12 attention heads,
feed-forward size 1536, a 30,522-token WordPiece vocabulary and 512 positions, so its files and
compute are real-size. Its weights are still seeded random numbers: time it, don't trust its
rankings.`;

const FULL_CLAP_NOTE = `## Sizes (model set "full")

- Text tower: the size of larger_clap's RoBERTa-base: 12 layers, hidden size 768, 12 attention
  heads, feed-forward size 3072, a 50,265-token BPE vocabulary, 512 (+2) positions,
  projection to 512.
- Audio tower: **not HTSAT.** It is a plain ViT over ${FULL_AUDIO.patch}×${FULL_AUDIO.patch} patches of the ${CLAP_FRAMES}×${CLAP_MEL_BINS}
  log-mel spectrogram (${audioPatchCount(FULL_AUDIO.patch)} patches): ${FULL_AUDIO.layers} layers, hidden size ${FULL_AUDIO.hidden}, ${FULL_AUDIO.heads} heads,
  feed-forward size ${FULL_AUDIO.intermediate}. That is about ${FULL_AUDIO_GFLOPS.toFixed(1)} GFLOPs per 10-s window (counted
  matrix products), the range of a Swin-T/B-sized audio encoder such as HTSAT at this input
  size. Its compute is matched **by estimate**: timings are of the same order as the real
  model's, not equal to them (a Swin's windowed attention and stages run differently).

Weights are seeded random numbers: time it, don't trust its rankings.`;

export const MODEL_SETS: Record<ModelSetName, ModelSet> = {
  // Today's defaults and ids, unchanged, so existing folders and indexes stay valid.
  tiny: {
    name: 'tiny',
    sbertId: GENERATED_SBERT_ID,
    clapId: GENERATED_CLAP_ID,
    sbert: { ...SBERT_DEFAULTS },
    clap: { text: { ...CLAP_DEFAULTS.text }, audio: { ...CLAP_DEFAULTS.audio }, projection: CLAP_DEFAULTS.projection },
    description: 'small untrained stand-ins (2-layer towers, built-in vocabularies): quick to generate and run',
  },
  full: {
    name: 'full',
    sbertId: FULL_SBERT_ID,
    clapId: FULL_CLAP_ID,
    sbert: { layers: 6, hidden: 384, heads: 12, intermediate: 1536, vocab: 30_522, maxPositions: 512 },
    clap: {
      text: { layers: 12, hidden: 768, heads: 12, intermediate: 3072, vocab: 50_265, maxPositions: 512 },
      audio: { ...FULL_AUDIO },
      projection: 512,
    },
    description:
      'real-size architectures with seeded random weights (all-MiniLM-L6-v2; larger_clap text tower; ' +
      'audio tower compute-matched to HTSAT by estimate), for timing-faithful benchmarks; ~10–20 s to generate, ~830 MB of disk',
    cardNotes: { sbert: FULL_SBERT_NOTE, clap: FULL_CLAP_NOTE },
  },
};

export const MODEL_SET_NAMES = Object.keys(MODEL_SETS) as ModelSetName[];

export function modelSet(name: string): ModelSet {
  if (!Object.hasOwn(MODEL_SETS, name)) {
    throw new UserError(`Unknown model set "${name}".`, `Use one of: ${MODEL_SET_NAMES.join(', ')}.`);
  }
  return MODEL_SETS[name as ModelSetName];
}
