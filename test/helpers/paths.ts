import { existsSync } from 'node:fs';
import path from 'node:path';

/** The repository's folder (tests run the CLI and the bot from here). */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

/** The generated models `npm run setup` writes (cratedigger/tiny-sbert, cratedigger/tiny-clap). */
export const MODELS_DIR = path.join(REPO_ROOT, 'models');

/** Real MTG-Jamendo metadata beside the repository (../shared/data/jamendo), never copied into it. */
export const JAMENDO_DATA_DIR = path.resolve(REPO_ROOT, '../shared/data/jamendo');
export const HAS_JAMENDO_DATA = existsSync(JAMENDO_DATA_DIR);

/**
 * The title of a suite that needs the MTG-Jamendo data: where the data is missing it says the
 * suite is skipped and why. Use with `describe.runIf(HAS_JAMENDO_DATA)`.
 */
export function needsJamendoData(title: string): string {
  return HAS_JAMENDO_DATA ? title : `${title} — skipped: no MTG-Jamendo data at ${JAMENDO_DATA_DIR}`;
}
