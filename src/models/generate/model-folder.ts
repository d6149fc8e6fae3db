/**
 * Writing a model folder all at once: files go to a hidden temp folder next to the target, which
 * is then renamed into place, so a reader never sees half a model (and a crash leaves only a
 * temp folder, which the next run ignores).
 */
import { randomBytes } from 'node:crypto';
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** File content: bytes, text, or a JSON-ready object (written pretty-printed). */
export type FileContent = Uint8Array | string | unknown;

function serialize(content: FileContent): Uint8Array | string {
  if (content instanceof Uint8Array || typeof content === 'string') return content;
  return `${JSON.stringify(content, null, 2)}\n`;
}

/**
 * Writes `files` as the folder `dir`. With `replace`, an existing folder is swapped out;
 * without it, a folder that appeared meanwhile (another process generating the same model, e.g.
 * parallel test workers) wins and this call returns 'existing'.
 */
export async function writeModelFolder(
  dir: string,
  files: Record<string, FileContent>,
  { replace }: { replace: boolean },
): Promise<'written' | 'existing'> {
  const parent = dirname(dir);
  await mkdir(parent, { recursive: true });
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmp = join(parent, `.${basename(dir)}.tmp-${suffix}`);
  const old = join(parent, `.${basename(dir)}.old-${suffix}`);
  try {
    for (const [path, content] of Object.entries(files)) {
      const file = join(tmp, path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, serialize(content));
    }
    // A directory cannot be renamed over a non-empty one: move the old one aside first.
    const replacing = replace && (await exists(dir));
    if (replacing) await rename(dir, old);
    try {
      await rename(tmp, dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (!replace && (code === 'ENOTEMPTY' || code === 'EEXIST')) {
        await rm(tmp, { recursive: true, force: true });
        return 'existing';
      }
      throw err;
    }
    if (replacing) await rm(old, { recursive: true, force: true });
    return 'written';
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** True when every listed file is present. */
export async function hasFiles(dir: string, files: readonly string[]): Promise<boolean> {
  for (const file of files) if (!(await exists(join(dir, file)))) return false;
  return true;
}

/** The `cratedigger_generator` record of a folder's config.json, or null (absent or unreadable). */
export async function readGeneratorRecord(dir: string): Promise<unknown> {
  try {
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    return config['cratedigger_generator'] ?? null;
  } catch {
    return null;
  }
}
