import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { isStrictlyInside } from '../util/inside.ts';
import { AudioError } from './audio-error.ts';

/**
 * Resolves a catalog path (`48/948.mp3`) under an audio root, refusing anything that would read
 * outside it: absolute paths, `..` escapes, and symlinks whose real target leaves the root.
 * Resolves to the real path of an existing file; fails with `unsafe-path` or `missing`.
 */
export async function resolveUnderRoot(root: string, relPath: string): Promise<string> {
  checkRelative(relPath);
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new AudioError('missing', root, `Audio root not found: ${root}.`, 'Set the audio root to the folder holding the audio files.');
    }
    throw err;
  }
  const lexical = path.resolve(realRoot, relPath);
  if (!isStrictlyInside(realRoot, lexical)) throw unsafe(relPath, 'it points outside the audio root');
  let real: string;
  try {
    real = await realpath(lexical);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new AudioError('missing', lexical, `Audio file not found: ${relPath} (under ${root}).`, 'Check the audio root and the track path.');
    }
    if (code === 'ELOOP') throw unsafe(relPath, 'it is a symlink loop');
    throw err;
  }
  if (!isStrictlyInside(realRoot, real)) throw unsafe(relPath, 'it is a symlink to a file outside the audio root');
  if (!(await stat(real)).isFile()) {
    throw new AudioError('unreadable', real, `${relPath} is not a file.`, 'Point the track path at an audio file.');
  }
  return real;
}

/**
 * Where a catalog path lands under the root, for files about to be written (so not existing
 * yet, and no symlink to follow): the same refusals as `resolveUnderRoot`, checked on the text.
 */
export function resolveUnderRootLexically(root: string, relPath: string): string {
  checkRelative(relPath);
  const absRoot = path.resolve(root);
  const file = path.resolve(absRoot, relPath);
  if (!isStrictlyInside(absRoot, file)) throw unsafe(relPath, 'it points outside the audio root');
  return file;
}

/**
 * MTG-Jamendo ships a low-quality variant of each file next to (or instead of) the full one:
 * `48/948.mp3` → `48/948.low.mp3`. Undefined when the path has no extension or is `.low` already.
 */
export function lowQualityVariant(relPath: string): string | undefined {
  const ext = path.posix.extname(relPath);
  if (!ext) return undefined;
  const stem = relPath.slice(0, -ext.length);
  if (stem.endsWith('.low')) return undefined;
  return `${stem}.low${ext}`;
}

export interface ResolvedAudio {
  /** Real path of the file to read. */
  file: string;
  /** True when the full file was missing and its `.low` variant is used. */
  lowQuality: boolean;
}

/** `resolveUnderRoot`, falling back to the `.low` variant when the full file is missing. */
export async function resolveTrackAudio(root: string, relPath: string): Promise<ResolvedAudio> {
  try {
    return { file: await resolveUnderRoot(root, relPath), lowQuality: false };
  } catch (err) {
    const low = lowQualityVariant(relPath);
    if (!(err instanceof AudioError && err.code === 'missing') || !low) throw err;
    try {
      return { file: await resolveUnderRoot(root, low), lowQuality: true };
    } catch (lowErr) {
      // Report the path the catalog names, not the fallback nobody asked for.
      if (lowErr instanceof AudioError && lowErr.code === 'missing') {
        throw new AudioError('missing', err.file, `Audio file not found: ${relPath} (nor ${path.posix.basename(low)}) under ${root}.`,
          'Check the audio root and the track path.');
      }
      throw lowErr;
    }
  }
}

function checkRelative(relPath: string): void {
  if (!relPath || !relPath.trim()) throw unsafe(relPath, 'it is empty');
  if (relPath.includes('\0')) throw unsafe(relPath, 'it contains a NUL byte');
  if (path.posix.isAbsolute(relPath) || path.win32.isAbsolute(relPath)) {
    throw unsafe(relPath, 'it is absolute; catalog paths are relative to the audio root');
  }
  if (relPath.split(/[\\/]/).includes('..')) throw unsafe(relPath, 'it contains ".."');
}

function unsafe(relPath: string, why: string): AudioError {
  return new AudioError('unsafe-path', relPath, `Refusing audio path ${JSON.stringify(relPath)}: ${why}.`,
    'Track paths must stay inside the audio root.');
}
