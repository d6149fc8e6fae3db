import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';

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
 * A temp folder for a whole test file, made at once and removed after its tests. Call it at the
 * top level of the file. Not for files whose tests may all be skipped: vitest then runs none of
 * the file's hooks, so the folder would stay (use suiteTempDir inside the skippable describe).
 */
export async function fileTempDir(prefix: string): Promise<string> {
  const made = await tempDir(prefix);
  afterAll(made.cleanup);
  return made.dir;
}

/**
 * A temp folder for the describe it is called in: made before the suite's other beforeAll hooks
 * (call it first), removed after its tests even when a hook failed, and never made when the
 * suite is skipped. `path` is usable from its hooks and tests on.
 */
export function suiteTempDir(prefix: string): { readonly path: string } {
  let made: TempDir | undefined;
  beforeAll(async () => {
    made = await tempDir(prefix);
  });
  afterAll(() => made?.cleanup());
  return {
    get path(): string {
      if (!made) throw new Error(`the ${prefix} temp folder is used before its suite started`);
      return made.dir;
    },
  };
}
