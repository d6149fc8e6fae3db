/**
 * Command-line flags of `npm run models:generate`, turned into `generateModels` options.
 * Generic size flags (--layers, --hidden, …) apply to every tower; per-model flags win over them.
 */
import { parseArgs } from 'node:util';
import { UserError } from '../../errors.ts';
import type { GenerateModelsOptions } from './index.ts';
import { MODEL_SETS, modelSet } from '../model-sets.ts';
import { CLAP_DEFAULTS, SBERT_DEFAULTS } from './options.ts';

export const GENERATE_HELP = `Usage: npm run models:generate -- [options]

Writes untrained stand-in models, laid out like the real Hugging Face ones, so everything
runs offline:
  <out>/${MODEL_SETS.tiny.sbertId}   like Xenova/all-MiniLM-L6-v2 (BERT, last_hidden_state)
  <out>/${MODEL_SETS.tiny.clapId}    like Xenova/larger_clap_music_and_speech (text_embeds, audio_embeds)
Each has fp32 (onnx/*.onnx) and q8 (onnx/*_quantized.onnx) files. Weights come from --seed:
the same options give byte-identical files. Existing complete folders are kept unless --force.

Model sets (--set):
  tiny   (default) ${MODEL_SETS.tiny.sbertId}, ${MODEL_SETS.tiny.clapId}: small towers, sizes below
  full   ${MODEL_SETS.full.sbertId}, ${MODEL_SETS.full.clapId}: the real architectures' sizes
         (MiniLM-L6 6×384, RoBERTa-base text tower 12×768, a ViT audio tower compute-matched
         to HTSAT by estimate) with seeded random weights, so benchmarks time real-size
         compute. Takes ~10–20 s and ~830 MB of disk; its sizes are fixed (no size flags).

General:
  --set <tiny|full>      which model set (default tiny)
  --out <dir>            models dir (default: $MODELS_DIR or "models")
  --seed <n>             weight seed, 0…4294967295 (default 42)
  --only <sbert|clap>    generate just this model (repeatable)
  --force                regenerate folders that already exist
  --refresh              regenerate only folders made with other options or an older generator
  -h, --help             this text

Sizes for every tower of the tiny set (per-model flags below override them):
  --layers <n>  --hidden <n>  --heads <n>  --intermediate <n>
  --vocab <n>            tokenizer size for both models (default: all built-in words)
  --projection <n>       CLAP embedding size (default ${CLAP_DEFAULTS.projection})

SBERT (defaults: ${SBERT_DEFAULTS.layers} layers, hidden ${SBERT_DEFAULTS.hidden}, ${SBERT_DEFAULTS.heads} heads, intermediate ${SBERT_DEFAULTS.intermediate}):
  --sbert-layers --sbert-hidden --sbert-heads --sbert-intermediate --sbert-vocab
  --sbert-max-positions  max tokens (default ${SBERT_DEFAULTS.maxPositions})

CLAP text tower (defaults: ${CLAP_DEFAULTS.text.layers} layers, hidden ${CLAP_DEFAULTS.text.hidden}, ${CLAP_DEFAULTS.text.heads} heads, intermediate ${CLAP_DEFAULTS.text.intermediate}):
  --clap-text-layers --clap-text-hidden --clap-text-heads --clap-text-intermediate
  --clap-vocab           BPE vocabulary size
  --clap-max-positions   max tokens (default ${CLAP_DEFAULTS.text.maxPositions})

CLAP audio tower (defaults: ${CLAP_DEFAULTS.audio.layers} layers, hidden ${CLAP_DEFAULTS.audio.hidden}, ${CLAP_DEFAULTS.audio.heads} heads, intermediate ${CLAP_DEFAULTS.audio.intermediate}):
  --clap-audio-layers --clap-audio-hidden --clap-audio-heads --clap-audio-intermediate
  --clap-audio-patch     patch side over the 1001×64 mel spectrogram (default ${CLAP_DEFAULTS.audio.patch})
  --clap-projection      same as --projection

Examples: npm run models:generate -- --force --seed 7 --sbert-layers 4 --clap-text-hidden 384
          npm run models:generate -- --set full --refresh
`;

const SIZE_FLAGS = [
  'layers', 'hidden', 'heads', 'intermediate', 'vocab', 'projection',
  'sbert-layers', 'sbert-hidden', 'sbert-heads', 'sbert-intermediate', 'sbert-vocab', 'sbert-max-positions',
  'clap-text-layers', 'clap-text-hidden', 'clap-text-heads', 'clap-text-intermediate', 'clap-vocab',
  'clap-max-positions', 'clap-audio-layers', 'clap-audio-hidden', 'clap-audio-heads',
  'clap-audio-intermediate', 'clap-audio-patch', 'clap-projection', 'seed',
] as const;
type SizeFlag = (typeof SIZE_FLAGS)[number];

const MODELS = ['sbert', 'clap'] as const;

function whole(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw.trim())) throw new UserError(`--${flag} expects a whole number; got "${raw}".`, 'See --help.');
  return Number(raw);
}

/** Parsed arguments, or 'help' when help was asked for. */
export function parseGenerateArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): GenerateModelsOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        out: { type: 'string' },
        set: { type: 'string' },
        only: { type: 'string', multiple: true },
        force: { type: 'boolean' },
        refresh: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(SIZE_FLAGS.map((f) => [f, { type: 'string' as const }])),
      },
    });
  } catch (err) {
    throw new UserError(`Bad arguments: ${(err as Error).message.replace(/\.?$/, '.')}`, 'See npm run models:generate -- --help.');
  }
  const v = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (v['help']) return 'help';
  const n = (flag: SizeFlag): number | undefined => whole(flag, v[flag] as string | undefined);
  const pick = (specific: SizeFlag, generic: SizeFlag): number | undefined => n(specific) ?? n(generic);

  const only = (v['only'] as string[] | undefined) ?? [...MODELS];
  for (const model of only) {
    if (!(MODELS as readonly string[]).includes(model)) {
      throw new UserError(`--only takes "sbert" or "clap"; got "${model}".`);
    }
  }
  const sbert = {
    layers: pick('sbert-layers', 'layers'),
    hidden: pick('sbert-hidden', 'hidden'),
    heads: pick('sbert-heads', 'heads'),
    intermediate: pick('sbert-intermediate', 'intermediate'),
    vocab: pick('sbert-vocab', 'vocab'),
    maxPositions: n('sbert-max-positions'),
  };
  const clap = {
    text: {
      layers: pick('clap-text-layers', 'layers'),
      hidden: pick('clap-text-hidden', 'hidden'),
      heads: pick('clap-text-heads', 'heads'),
      intermediate: pick('clap-text-intermediate', 'intermediate'),
      vocab: pick('clap-vocab', 'vocab'),
      maxPositions: n('clap-max-positions'),
    },
    audio: {
      layers: pick('clap-audio-layers', 'layers'),
      hidden: pick('clap-audio-hidden', 'hidden'),
      heads: pick('clap-audio-heads', 'heads'),
      intermediate: pick('clap-audio-intermediate', 'intermediate'),
      patch: n('clap-audio-patch'),
    },
    projection: pick('clap-projection', 'projection'),
  };
  const seed = n('seed');
  const set = modelSet((v['set'] as string | undefined) ?? 'tiny').name;
  return {
    outDir: (v['out'] as string | undefined) ?? env['MODELS_DIR'] ?? 'models',
    set,
    ...(seed === undefined ? {} : { seed }),
    sbert: only.includes('sbert') ? sbert : false,
    clap: only.includes('clap') ? clap : false,
    force: Boolean(v['force']),
    refresh: Boolean(v['refresh']),
  };
}
