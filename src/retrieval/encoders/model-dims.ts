import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** Output sizes of well-known models, for when their files are not on this machine. */
const KNOWN_DIMS: Record<string, number> = {
  'Xenova/all-MiniLM-L6-v2': 384,
  'sentence-transformers/all-MiniLM-L6-v2': 384,
  'Xenova/larger_clap_music_and_speech': 512,
  'Xenova/larger_clap_music': 512,
  'Xenova/clap-htsat-unfused': 512,
};

/**
 * The embedding size a model produces, from its `config.json` (BERT: hidden_size; CLAP:
 * projection_dim) without loading weights; else from the table of known models; else null.
 */
export async function modelOutputDim(modelsDir: string, modelId: string): Promise<number | null> {
  try {
    const config = JSON.parse(await readFile(path.join(modelsDir, modelId, 'config.json'), 'utf8')) as Record<string, unknown>;
    const dim = config.model_type === 'clap' ? config.projection_dim : config.hidden_size;
    if (typeof dim === 'number') return dim;
  } catch {
    // Not downloaded or unreadable: fall back to what is known of the model.
  }
  return KNOWN_DIMS[modelId] ?? null;
}
