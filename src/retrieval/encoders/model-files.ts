import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { env } from '@huggingface/transformers';
import { UserError } from '../../errors.ts';
import type { EncoderOptions } from './types.ts';

/** Ids of models the project writes itself (`npm run models:generate`); all others are downloaded. */
const GENERATED_PREFIX = 'cratedigger/';

/** Where transformers.js looks for models, and whether it may fetch them from the hub. */
export type TransformersSettings = Pick<EncoderOptions, 'modelsDir' | 'allowRemote'>;

const localModelPath = (modelsDir: string) => `${path.resolve(modelsDir)}${path.sep}`;

/**
 * transformers.js keeps its settings in one module-level `env` per thread: the thread that loads
 * models (the encoder worker, or a process that embeds in its own thread) sets them once, at its
 * start, before any encoder is made.
 */
export function configureTransformers(settings: TransformersSettings): void {
  env.allowLocalModels = true;
  env.localModelPath = localModelPath(settings.modelsDir);
  env.allowRemoteModels = settings.allowRemote;
  env.cacheDir = path.resolve(settings.modelsDir, '.cache');
}

/**
 * Encoders check the thread's settings instead of changing them: one that was never set would
 * load from transformers.js's default folder, or download.
 */
export function assertTransformersConfigured(opts: TransformersSettings): void {
  if (env.localModelPath === localModelPath(opts.modelsDir) && env.allowRemoteModels === opts.allowRemote) return;
  throw new Error(
    `transformers.js in this thread loads from ${env.localModelPath} (remote ${env.allowRemoteModels ? 'allowed' : 'off'}), ` +
      `not ${localModelPath(opts.modelsDir)} (remote ${opts.allowRemote ? 'allowed' : 'off'}): call configureTransformers once when the thread starts`,
  );
}

/** The ONNX file name transformers.js loads for a dtype (`q8` → `*_quantized.onnx`). */
export function onnxFileName(base: string, dtype: EncoderOptions['dtype']): string {
  return dtype === 'q8' ? `${base}_quantized.onnx` : `${base}.onnx`;
}

/**
 * Fails early, with the command that fixes it, when a model's files are not in `modelsDir`
 * (transformers.js would otherwise report a generic fetch error).
 */
export async function assertModelPresent(opts: EncoderOptions, onnxBases: readonly string[]): Promise<void> {
  if (opts.allowRemote) return;
  const dir = path.resolve(opts.modelsDir, opts.modelId);
  const needed = ['config.json', 'tokenizer.json', ...onnxBases.map((b) => path.join('onnx', onnxFileName(b, opts.dtype)))];
  const missing: string[] = [];
  for (const f of needed) {
    const st = await stat(path.join(dir, f)).catch(() => null);
    if (!st?.isFile()) missing.push(f);
  }
  if (missing.length === 0) return;
  const fix = opts.modelId.startsWith(GENERATED_PREFIX)
    ? 'Run `npm run models:generate` to write the generated models.'
    : `Run \`npm run models:download -- --model ${opts.modelId} --dtype ${opts.dtype}\` on a machine with internet, copy models/ here, or set ALLOW_REMOTE_MODELS=true.`;
  throw new UserError(`Model ${opts.modelId} is missing ${missing.join(', ')} in ${dir}.`, fix);
}

/**
 * ONNX Runtime session settings. Spin-waiting is off by default: ORT's pool threads otherwise
 * busy-wait between operators and after each run, taking the cores the main thread (faiss search,
 * Discord) and the other model need. Measured on 2 cores with full-size q8 models: end to end
 * p50 32 → 12 ms, and 31 → 72 queries/s at 16 concurrent.
 */
export function sessionOptions(threads: number, spinWait = false): Record<string, unknown> {
  return {
    ...(threads > 0 ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {}),
    extra: { session: { intra_op: { allow_spinning: spinWait ? '1' : '0' }, inter_op: { allow_spinning: spinWait ? '1' : '0' } } },
  };
}

/**
 * A short id of a model folder's identity: its config.json and tokenizer.json (for generated
 * models config.json also records seed, sizes and generator version). Recorded in index
 * manifests so an index embedded with another copy of a model is caught. Null if absent.
 */
export async function modelFingerprint(modelsDir: string, modelId: string): Promise<string | null> {
  const hash = createHash('sha256');
  try {
    for (const f of ['config.json', 'tokenizer.json']) hash.update(await readFile(path.resolve(modelsDir, modelId, f)));
  } catch {
    return null;
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * What every encoder does before loading its model: the transformers.js settings of this thread
 * match it, its files are here (else a UserError saying how to get them); then the options
 * transformers.js loads it with (dtype, ONNX Runtime session options).
 */
export async function prepareModelLoad(
  opts: EncoderOptions,
  onnxBases: readonly string[],
): Promise<{ dtype: EncoderOptions['dtype']; session_options: Record<string, unknown> }> {
  assertTransformersConfigured(opts);
  await assertModelPresent(opts, onnxBases);
  return { dtype: opts.dtype, session_options: sessionOptions(opts.threads, opts.spinWait) };
}
