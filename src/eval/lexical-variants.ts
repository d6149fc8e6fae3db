import type { TagMap } from '../catalog/tags.ts';
import { captionAssociations } from '../indexing/lexical/caption-associations.ts';
import { wordnetSynonyms } from '../indexing/lexical/wordnet-synonyms.ts';
import type { Track } from '../catalog/track.ts';
import type { LexicalVariant } from './run-eval.ts';

/**
 * The lexical stages the evaluation compares. The first is what `npm run index` builds (the
 * default); the others add or remove a resource of the tag lexicon, to show what each is worth.
 */
export function evalLexicalVariants(tagMap: TagMap | undefined, tracks: readonly Track[]): LexicalVariant[] {
  const aliases = tagMap ? { tagMap } : {};
  const wordnet = wordnetSynonyms(tracks);
  const captions = captionAssociations(tracks);
  return [
    { name: 'default: tags, aliases, rules, WordNet, caption associations', options: { ...aliases, synonyms: [wordnet, captions] } },
    { name: 'without WordNet', options: { ...aliases, synonyms: [captions] } },
    { name: 'without caption associations', options: { ...aliases, synonyms: [wordnet] } },
    { name: 'without either', options: { ...aliases, synonyms: [] } },
    ...(tagMap ? [{ name: 'without aliases', options: { synonyms: [wordnet, captions] } }] : []),
  ];
}
