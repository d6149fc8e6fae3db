import { mkdir, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { generateModels } from '../../src/models/generate/index.ts';
import { GENERATED_CLAP_ID, GENERATED_SBERT_ID } from '../../src/models/generated-ids.ts';
import { configureTransformers } from '../../src/retrieval/encoders/model-files.ts';
import type { EncoderOptions } from '../../src/retrieval/encoders/types.ts';
import type { ModelRuntime } from '../../src/retrieval/recommender-service.ts';
import { MODELS_DIR } from './paths.ts';

/** The project's generated models (written by set-up; generated here if a test runs first). */
export async function ensureGeneratedModels(): Promise<void> {
  await generateModels({ outDir: MODELS_DIR });
}

/**
 * Sets this test process's transformers.js up to load from `modelsDir`, as a worker does at its
 * start: files that make encoders in their own thread call it once.
 */
export function useModelsIn(modelsDir = MODELS_DIR): void {
  configureTransformers({ modelsDir, allowRemote: false });
}

export const runtime: ModelRuntime = { modelsDir: MODELS_DIR, dtype: 'q8', threads: 1, allowRemote: false };

export const sbertOptions: EncoderOptions = { modelId: GENERATED_SBERT_ID, ...runtime };
export const clapOptions: EncoderOptions = { modelId: GENERATED_CLAP_ID, ...runtime };

/**
 * A models folder whose SBERT model is a symlink to the generated one, so a test can take the
 * model away (a worker restart then fails to load it) and give it back.
 */
export async function removableSbertModels(dir: string): Promise<{ modelsDir: string; remove: () => Promise<void>; restore: () => Promise<void> }> {
  const link = path.join(dir, GENERATED_SBERT_ID);
  const restore = () => symlink(path.join(MODELS_DIR, GENERATED_SBERT_ID), link);
  await mkdir(path.dirname(link), { recursive: true });
  await restore();
  return { modelsDir: dir, remove: () => rm(link), restore };
}
