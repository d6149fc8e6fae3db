import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateModels } from '../../src/models/generate/index.ts';
import { GENERATED_CLAP_ID, GENERATED_SBERT_ID } from '../../src/models/generated-ids.ts';
import type { EncoderOptions } from '../../src/retrieval/encoders/types.ts';
import type { ModelRuntime } from '../../src/retrieval/recommender-service.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const MODELS_DIR = path.join(REPO_ROOT, 'models');

/** The project's generated models (written by set-up; generated here if a test runs first). */
export async function ensureGeneratedModels(): Promise<void> {
  await generateModels({ outDir: MODELS_DIR });
}

export const runtime: ModelRuntime = { modelsDir: MODELS_DIR, dtype: 'q8', threads: 1, allowRemote: false };

export const sbertOptions: EncoderOptions = { modelId: GENERATED_SBERT_ID, ...runtime };
export const clapOptions: EncoderOptions = { modelId: GENERATED_CLAP_ID, ...runtime };
