import { readTagMapFile } from '../catalog/tags.ts';
import type { LexicalStageOptions } from '../indexing/lexical/build-lexical-stage.ts';
import { WORDNET_DIR } from '../indexing/lexical/wordnet.ts';
import type { IndexManifest } from '../retrieval/artifacts/manifest.ts';

/** The lexical stage's inputs from the command line: the tag map file, when given. */
export async function lexicalOptions(tagMapFile: string | undefined): Promise<LexicalStageOptions> {
  return tagMapFile ? { tagMap: await readTagMapFile(tagMapFile) } : {};
}

/** "195 tags, 86 aliases, 12 rules, 1,234 WordNet forms" from the manifest's counts; names a missing WordNet. */
export function describeLexicon(manifest: IndexManifest): string {
  const r = manifest.lexical?.lexicon ?? {};
  const parts = Object.entries(r).map(([k, v]) => `${v} ${k}`);
  return `(${parts.join(', ')})${r.wordnet === 0 ? `; WordNet not found in ${WORDNET_DIR} (Debian: apt-get install wordnet-base), synonyms skipped` : ''}`;
}
