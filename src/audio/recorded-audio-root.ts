import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { IndexError } from '../retrieval/artifacts/index-error.ts';
import { INDEX_FILES, type IndexManifest } from '../retrieval/artifacts/manifest.ts';
import { isStrictlyInside } from '../util/inside.ts';

export interface AudioRootSettings {
  /** AUDIO_ROOT: when set, previews read from it and an index's recorded folder is never used. */
  audioRoot: string | undefined;
  embeddingsDir: string;
}

/** The folder audio paths are relative to: AUDIO_ROOT, else the serving index's recorded root (absolute), else none. */
export function resolveAudioRoot(configured: string | undefined, index: { dir: string; audioRoot: string | null }): string | null {
  if (configured) return configured;
  return index.audioRoot === null ? null : path.resolve(index.dir, index.audioRoot);
}

/** The real path, or the path itself when it does not exist (previews will then find no files). */
async function realOrSelf(p: string): Promise<string> {
  return realpath(p).catch(() => p);
}

/**
 * The rule for the audio folder an index records (manifest `audioRoot`, relative to the index
 * folder), which previews read when AUDIO_ROOT is unset: its real path must lie strictly inside
 * the folder that holds EMBEDDINGS_DIR (the project folder by default, where the demo's audio
 * is). An index can thus not make the whole disk, or the bot's own folder, "the audio folder";
 * audio kept elsewhere is served by setting AUDIO_ROOT.
 */
export async function checkRecordedAudioRoot(index: { dir: string; manifest: Pick<IndexManifest, 'audioRoot'> }, settings: AudioRootSettings): Promise<void> {
  const recorded = index.manifest.audioRoot;
  if (settings.audioRoot || recorded === null) return;
  const base = await realOrSelf(path.dirname(path.resolve(settings.embeddingsDir)));
  const folder = await realOrSelf(resolveAudioRoot(undefined, { dir: index.dir, audioRoot: recorded })!);
  if (isStrictlyInside(base, folder)) return;
  throw new IndexError(
    path.join(index.dir, INDEX_FILES.manifest),
    `its audio folder ("${recorded}") is outside the folder that holds EMBEDDINGS_DIR, where the bot reads no audio unless told.`,
    'Set AUDIO_ROOT to the folder with this index\'s audio files, or keep them next to EMBEDDINGS_DIR.',
  );
}
