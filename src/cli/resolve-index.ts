import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';

/** `--index` takes a folder path, or the name of a folder under EMBEDDINGS_DIR. */
export function resolveIndexDir(arg: string | undefined, config: Config): string {
  if (!arg) return config.index.dir;
  if (existsSync(arg) || arg.includes('/') || arg.includes(path.sep)) return path.resolve(arg);
  return path.join(config.index.embeddingsDir, arg);
}
