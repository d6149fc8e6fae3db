import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import { UserError } from '../errors.ts';
import { ensureModelSet } from '../models/generate/index.ts';
import { MODEL_SETS, type ModelSetName } from '../models/model-sets.ts';

/** The models a benchmark run uses. */
export interface BenchModels {
  /** `tiny`, `full`, or the real model folder given. */
  label: string;
  modelsDir: string;
  sbertId: string;
  clapId: string;
}

export const isSetName = (s: string): s is ModelSetName => Object.hasOwn(MODEL_SETS, s);

/**
 * `--models tiny|full|<dir>`: a generated set (written to the models folder when missing, about
 * 10 s for the full-size one), or a folder of real models named by SBERT_MODEL and CLAP_MODEL.
 */
export async function resolveBenchModels(choice: string, config: Config, onProgress?: (line: string) => void): Promise<BenchModels> {
  if (isSetName(choice)) {
    const ids = await ensureModelSet(choice, config.models.dir, onProgress);
    return { label: choice, modelsDir: config.models.dir, sbertId: ids.sbertId, clapId: ids.clapId };
  }
  const dir = path.resolve(choice);
  if (!existsSync(dir)) {
    throw new UserError(
      `--models ${choice} is neither a model set (${Object.keys(MODEL_SETS).join(', ')}) nor an existing folder.`,
      'Pass --models full for the generated full-size models, or the models folder holding SBERT_MODEL and CLAP_MODEL (see `npm run models:download`).',
    );
  }
  return { label: dir, modelsDir: dir, sbertId: config.models.sbert, clapId: config.models.clap };
}
