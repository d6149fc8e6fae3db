import { realpathSync } from 'node:fs';
import path from 'node:path';
import { resolveAudioRoot } from '../audio/recorded-audio-root.ts';
import type { AppServices } from './services.ts';

/** A folder of the bot's machine and what replies call it; files under it are shown relative to it. */
export interface PathAlias {
  dir: string;
  as: string;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** An absolute POSIX path of two segments or more that no alias covered (not a URL, not `a/b`). */
const ABSOLUTE_PATH = /(?<![\w.~:/-])\/(?:[\w.@+-]+\/)+([\w.@+-]*)/g;

/** The folder as given and, when it differs, its real path (error messages may carry either). */
function spellings(dir: string): string[] {
  const abs = path.resolve(dir);
  try {
    const real = realpathSync(abs);
    return real === abs ? [abs] : [abs, real];
  } catch {
    return [abs];
  }
}

/**
 * Text for Discord without host paths: files under an alias's folder become relative to it, the
 * folder itself becomes its alias, and any other absolute path keeps only its last part. Replies
 * go to strangers' servers; where the bot keeps its files is none of their business.
 */
export function hideHostPaths(text: string, aliases: readonly PathAlias[]): string {
  const spelled = aliases.flatMap((a) => spellings(a.dir).map((dir) => ({ dir, as: a.as })));
  // Deeper folders first, so an audio folder inside EMBEDDINGS_DIR keeps its own alias.
  spelled.sort((a, b) => b.dir.length - a.dir.length);
  let out = text;
  for (const { dir, as } of spelled) {
    if (dir === path.sep) continue;
    const at = `(?<![\\w.@+/-])${escapeRegExp(dir)}`;
    // The folder itself, unless the name goes on (a sentence's full stop does not).
    out = out.replace(new RegExp(`${at}/`, 'g'), '').replace(new RegExp(`${at}(?![\\w@+/-]|\\.[\\w.-])`, 'g'), as);
  }
  return out.replace(ABSOLUTE_PATH, (_m, last: string) => `…/${last}`);
}

/** The bot's folders as replies name them: EMBEDDINGS_DIR, MODELS_DIR, the serving audio folder, the preview cache. */
export function botPathAliases(ctx: Pick<AppServices, 'config' | 'recommender'>): PathAlias[] {
  const { config } = ctx;
  const serving = ctx.recommender.status();
  const audio = resolveAudioRoot(config.audio.root, { dir: serving.dir, audioRoot: serving.manifest.audioRoot });
  return [
    { dir: config.index.embeddingsDir, as: 'EMBEDDINGS_DIR' },
    { dir: config.models.dir, as: 'MODELS_DIR' },
    { dir: config.audio.previewCacheDir, as: 'the preview cache' },
    ...(audio ? [{ dir: audio, as: 'the audio folder' }] : []),
  ];
}

/** `text` as the bot may say it on Discord: see hideHostPaths and botPathAliases. */
export function hideBotPaths(ctx: Pick<AppServices, 'config' | 'recommender'>, text: string): string {
  return hideHostPaths(text, botPathAliases(ctx));
}
