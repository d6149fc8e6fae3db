import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

export interface TempDir {
  dir: string;
  /** Removes the folder and all in it; fine to call when it is gone already. */
  cleanup: () => Promise<void>;
}

/** A fresh folder under the system temp dir, `cratedigger-<prefix>-…`. */
export async function tempDir(prefix: string): Promise<TempDir> {
  const dir = await mkdtemp(path.join(tmpdir(), `cratedigger-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * A temp folder for a whole test file, made at once and removed after its tests, whether they ran
 * or were skipped. Call it at the top level of the file.
 */
export async function fileTempDir(prefix: string): Promise<string> {
  const made = await tempDir(prefix);
  afterAll(made.cleanup);
  return made.dir;
}
