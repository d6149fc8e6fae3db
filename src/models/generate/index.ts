/**
 * Generates the project's stand-in models (untrained, seeded, real transformer graphs laid out
 * like the Hugging Face models they replace) so the whole pipeline runs offline: an SBERT model
 * (like Xenova/all-MiniLM-L6-v2) and a CLAP model (like Xenova/larger_clap_music_and_speech),
 * each loadable by @huggingface/transformers. The model set (../model-sets.ts) picks ids and
 * sizes: `cratedigger/tiny-*` by default, `cratedigger/full-*` at the real sizes.
 */
import { join } from 'node:path';
import { UserError } from '../../errors.ts';
import { FULL_CLAP_ID, FULL_SBERT_ID, GENERATED_CLAP_ID, GENERATED_SBERT_ID } from '../generated-ids.ts';
import { modelSet } from '../model-sets.ts';
import type { ModelSet, ModelSetName } from '../model-sets.ts';
import { clapFiles } from './clap-model.ts';
import { exists, hasFiles, readGeneratorRecord, writeModelFolder } from './model-folder.ts';
import { resolveClapOptions, resolveSbertOptions } from './options.ts';
import type { ClapInput, SbertInput } from './options.ts';
import { sbertFiles } from './sbert-model.ts';

export { CLAP_DEFAULTS, SBERT_DEFAULTS, resolveClapOptions, resolveSbertOptions } from './options.ts';
export type { ClapInput, ClapOptions, SbertInput, SbertOptions } from './options.ts';
export { FULL_CLAP_ID, FULL_SBERT_ID, GENERATED_CLAP_ID, GENERATED_SBERT_ID };
export type { ModelSetName };

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
  /** The models dir; folders go to `<outDir>/<set's id>`, e.g. `<outDir>/cratedigger/tiny-sbert`. */
  outDir: string;
  /** Which ids and default sizes (default 'tiny'). */
  set?: ModelSetName;
  seed?: number;
  /**
   * Sizes for the SBERT model over the set's (tiny only: the full set's sizes are fixed), or
   * false to skip it.
   */
  sbert?: SbertInput | false;
  /** Sizes for the CLAP towers over the set's (tiny only), or false to skip it. */
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

/** Paths of the size options actually given (undefined fields do not count). */
function givenSizes(input: object | undefined, prefix = ''): string[] {
  return Object.entries(input ?? {}).flatMap(([key, value]) => {
    if (value === undefined) return [];
    if (typeof value === 'object' && value !== null) return givenSizes(value as object, `${prefix}${key}.`);
    return [`${prefix}${key}`];
  });
}

function defined<T extends object>(partial: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(partial ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The set's sizes with the given ones on top; the full set's sizes cannot be changed. */
function setSizes(set: ModelSet, sbert: SbertInput | undefined, clap: ClapInput | undefined): { sbert: SbertInput; clap: ClapInput } {
  if (set.name === 'full') {
    const given = [...givenSizes(sbert).map((p) => `sbert.${p}`), ...givenSizes(clap).map((p) => `clap.${p}`)];
    if (given.length > 0) {
      throw new UserError(
        `The "full" model set has the real models' sizes, which cannot be changed (got ${given.join(', ')}).`,
        'Drop the size options, or use the "tiny" set (--set tiny) to choose sizes.',
      );
    }
    return { sbert: set.sbert, clap: set.clap };
  }
  return {
    sbert: { ...set.sbert, ...defined(sbert) },
    clap: {
      text: { ...set.clap.text, ...defined(clap?.text) },
      audio: { ...set.clap.audio, ...defined(clap?.audio) },
      projection: clap?.projection ?? set.clap.projection,
    },
  };
}

/** Appends a set's note to the model card; folders without a note keep their exact bytes. */
function withCardNote(files: Record<string, unknown>, note: string | undefined): Record<string, unknown> {
  const card = files['README.md'];
  if (note === undefined || typeof card !== 'string') return files;
  return { ...files, 'README.md': `${card}\n${note}\n` };
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
  const set = modelSet(o.set ?? 'tiny');
  // Validate everything before writing anything.
  const sizes = setSizes(set, o.sbert || undefined, o.clap || undefined);
  const sbert = o.sbert === false ? null : resolveSbertOptions(sizes.sbert);
  const clap = o.clap === false ? null : resolveClapOptions(sizes.clap);
  const plans: Plan[] = [];
  if (sbert) {
    plans.push({
      id: set.sbertId,
      required: SBERT_REQUIRED_FILES,
      record: { version: GENERATOR_VERSION, seed, options: sbert },
      files: () => withCardNote(sbertFiles(sbert, seed, set.sbertId, GENERATOR_VERSION), set.cardNotes?.sbert),
    });
  }
  if (clap) {
    plans.push({
      id: set.clapId,
      required: CLAP_REQUIRED_FILES,
      record: { version: GENERATOR_VERSION, seed, options: clap },
      files: () => withCardNote(clapFiles(clap, seed, set.clapId, GENERATOR_VERSION), set.cardNotes?.clap),
    });
  }
  const results: GeneratedModel[] = [];
  for (const plan of plans) results.push(await realize(plan, o));
  return results;
}

/**
 * Makes sure the set's folders are in `modelsDir`: generates those missing, incomplete, or made
 * with other options, seed or an older generator; keeps the rest. `generated`: anything written.
 */
export async function ensureModelSet(
  name: ModelSetName,
  modelsDir: string,
  onProgress?: (line: string) => void,
): Promise<{ sbertId: string; clapId: string; generated: boolean }> {
  const set = modelSet(name);
  const results = await generateModels({ outDir: modelsDir, set: set.name, refresh: true, onProgress });
  return { sbertId: set.sbertId, clapId: set.clapId, generated: results.some((r) => r.status === 'written') };
}
