/**
 * Generates the project's stand-in models (untrained, seeded, real transformer graphs laid out
 * like the Hugging Face models they replace) so the whole pipeline runs offline:
 * `cratedigger/tiny-sbert` (like Xenova/all-MiniLM-L6-v2) and `cratedigger/tiny-clap` (like
 * Xenova/larger_clap_music_and_speech), each loadable by @huggingface/transformers.
 */
import { join } from 'node:path';
import { UserError } from '../../errors.ts';
import { GENERATED_CLAP_ID, GENERATED_SBERT_ID } from '../generated-ids.ts';
import { clapFiles } from './clap-model.ts';
import { exists, hasFiles, readGeneratorRecord, writeModelFolder } from './model-folder.ts';
import { resolveClapOptions, resolveSbertOptions } from './options.ts';
import type { ClapInput, SbertInput } from './options.ts';
import { sbertFiles } from './sbert-model.ts';

export { CLAP_DEFAULTS, SBERT_DEFAULTS, resolveClapOptions, resolveSbertOptions } from './options.ts';
export type { ClapInput, ClapOptions, SbertInput, SbertOptions } from './options.ts';
export { GENERATED_CLAP_ID, GENERATED_SBERT_ID };

export const DEFAULT_SEED = 42;

/**
 * Bumped whenever the same seed and options would give different files (weights, graph, layout):
 * recorded in config.json, so a kept folder from an older generator is reported as differing.
 */
export const GENERATOR_VERSION = 1;

/** Files whose presence makes a folder complete (a kept folder must have them all). */
export const SBERT_REQUIRED_FILES = [
  'config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'onnx/model.onnx',
  'onnx/model_quantized.onnx',
] as const;

export const CLAP_REQUIRED_FILES = [
  'config.json',
  'preprocessor_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'onnx/text_model.onnx',
  'onnx/text_model_quantized.onnx',
  'onnx/audio_model.onnx',
  'onnx/audio_model_quantized.onnx',
] as const;

export interface GenerateModelsOptions {
  /** The models dir; folders go to `<outDir>/cratedigger/tiny-*`. */
  outDir: string;
  seed?: number;
  /** Sizes for the SBERT model, or false to skip it. */
  sbert?: SbertInput | false;
  /** Sizes for the CLAP towers, or false to skip it. */
  clap?: ClapInput | false;
  /** Regenerate folders that already exist. */
  force?: boolean;
  /** Regenerate folders made with other options, seed or generator version (set-up uses it). */
  refresh?: boolean;
  /** Called with one line per model as it starts. */
  onProgress?: (message: string) => void;
}

export interface GeneratedModel {
  id: string;
  dir: string;
  /** `kept`: a complete folder was already there (and `force` was not set). */
  status: 'written' | 'kept';
  /** For kept folders: true when made with another seed, other options or an older generator. */
  differs: boolean;
  milliseconds: number;
}

function checkSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new UserError(`The seed must be an integer from 0 to 4294967295; got ${seed}.`, 'Fix --seed.');
  }
}

interface Plan {
  id: string;
  required: readonly string[];
  record: unknown;
  files: () => Record<string, unknown>;
}

async function realize(plan: Plan, o: GenerateModelsOptions): Promise<GeneratedModel> {
  const started = performance.now();
  const dir = join(o.outDir, ...plan.id.split('/'));
  if (!o.force && (await hasFiles(dir, plan.required))) {
    const existing = await readGeneratorRecord(dir);
    const differs = JSON.stringify(existing) !== JSON.stringify(plan.record);
    if (!(differs && o.refresh)) return { id: plan.id, dir, status: 'kept', differs, milliseconds: performance.now() - started };
  }
  o.onProgress?.(`generating ${plan.id} → ${dir}`);
  // An incomplete folder is replaced; a missing one may be written meanwhile by a parallel run
  // with the same options (deterministic, so identical), which then wins.
  const replace = Boolean(o.force) || (await exists(dir));
  const outcome = await writeModelFolder(dir, plan.files(), { replace });
  const status = outcome === 'written' ? 'written' : 'kept';
  const differs = status === 'kept' && JSON.stringify(await readGeneratorRecord(dir)) !== JSON.stringify(plan.record);
  return { id: plan.id, dir, status, differs, milliseconds: performance.now() - started };
}

/** Writes (or keeps) the requested model folders; returns one entry per model. */
export async function generateModels(o: GenerateModelsOptions): Promise<GeneratedModel[]> {
  const seed = o.seed ?? DEFAULT_SEED;
  checkSeed(seed);
  // Validate everything before writing anything.
  const sbert = o.sbert === false ? null : resolveSbertOptions(o.sbert);
  const clap = o.clap === false ? null : resolveClapOptions(o.clap);
  const plans: Plan[] = [];
  if (sbert) {
    plans.push({
      id: GENERATED_SBERT_ID,
      required: SBERT_REQUIRED_FILES,
      record: { version: GENERATOR_VERSION, seed, options: sbert },
      files: () => sbertFiles(sbert, seed, GENERATED_SBERT_ID, GENERATOR_VERSION),
    });
  }
  if (clap) {
    plans.push({
      id: GENERATED_CLAP_ID,
      required: CLAP_REQUIRED_FILES,
      record: { version: GENERATOR_VERSION, seed, options: clap },
      files: () => clapFiles(clap, seed, GENERATED_CLAP_ID, GENERATOR_VERSION),
    });
  }
  const results: GeneratedModel[] = [];
  for (const plan of plans) results.push(await realize(plan, o));
  return results;
}
