import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A reader for Princeton WordNet 3.0's database files (Debian's `wordnet-base`:
 * /usr/share/wordnet/index.{noun,adj,…} and data.{noun,adj,…}). Only what the tag lexicon needs:
 * a lemma's senses in frequency order, and each synset's words, lexicographer file and pointers.
 * Format: wndb(5WN). Byte offsets in the index files are positions in the data files.
 */

export const WORDNET_DIR = '/usr/share/wordnet';

export type WordNetPos = 'noun' | 'adj' | 'verb' | 'adv';
const POS_CODE: Record<string, WordNetPos> = { n: 'noun', v: 'verb', a: 'adj', s: 'adj', r: 'adv' };

export interface Pointer {
  symbol: string;
  pos: WordNetPos;
  offset: number;
  /** Lexical pointers name a word of the source and target synsets (1-based); 0: the whole synset. */
  sourceWord: number;
  targetWord: number;
}

export interface Synset {
  pos: WordNetPos;
  offset: number;
  /** Lexicographer file number (06 noun.artifact, 10 noun.communication, 12 noun.feeling, …). */
  lexFile: number;
  /** Lower-case lemmas, multi-word ones with underscores (`double_bass`). */
  words: string[];
  pointers: Pointer[];
}

export class WordNet {
  private readonly index = new Map<WordNetPos, Map<string, number[]>>();
  private readonly data = new Map<WordNetPos, Buffer>();
  private readonly synsets = new Map<string, Synset>();

  private constructor(dir: string) {
    for (const pos of ['noun', 'adj', 'verb', 'adv'] as const) {
      this.data.set(pos, readFileSync(path.join(dir, `data.${pos}`)));
      const lemmas = new Map<string, number[]>();
      for (const line of readFileSync(path.join(dir, `index.${pos}`), 'latin1').split('\n')) {
        if (!line || line.startsWith(' ')) continue; // licence header lines start with two spaces
        const f = line.trim().split(' ');
        const synsetCount = Number(f[2]);
        const pointerCount = Number(f[3]);
        const offsets = f.slice(4 + pointerCount + 2, 4 + pointerCount + 2 + synsetCount).map(Number);
        lemmas.set(f[0]!, offsets);
      }
      this.index.set(pos, lemmas);
    }
  }

  /** The database in `dir`, or null when it is not installed there. */
  static open(dir = WORDNET_DIR): WordNet | null {
    return existsSync(path.join(dir, 'data.noun')) && existsSync(path.join(dir, 'index.noun')) ? new WordNet(dir) : null;
  }

  /** Synsets of a lemma (lower case, underscores for spaces), most frequent sense first. */
  senses(lemma: string, pos: WordNetPos): Synset[] {
    return (this.index.get(pos)!.get(lemma) ?? []).map((o) => this.synset(pos, o));
  }

  synset(pos: WordNetPos, offset: number): Synset {
    const key = `${pos}:${offset}`;
    let s = this.synsets.get(key);
    if (!s) this.synsets.set(key, (s = parseSynset(this.data.get(pos)!, pos, offset)));
    return s;
  }
}

function parseSynset(buf: Buffer, pos: WordNetPos, offset: number): Synset {
  const end = buf.indexOf(0x0a, offset);
  const line = buf.toString('latin1', offset, end < 0 ? buf.length : end);
  const f = line.split(' | ')[0]!.split(' ');
  const lexFile = Number(f[1]);
  const wordCount = parseInt(f[3]!, 16);
  const words: string[] = [];
  let i = 4;
  for (let w = 0; w < wordCount; w++, i += 2) words.push(f[i]!.toLowerCase().replace(/\(.*\)$/, '')); // "(a)"/"(p)" adjective markers
  const pointerCount = Number(f[i++]);
  const pointers: Pointer[] = [];
  for (let p = 0; p < pointerCount; p++, i += 4) {
    const st = f[i + 3]!;
    pointers.push({ symbol: f[i]!, offset: Number(f[i + 1]), pos: POS_CODE[f[i + 2]!]!, sourceWord: parseInt(st.slice(0, 2), 16), targetWord: parseInt(st.slice(2), 16) });
  }
  return { pos, offset, lexFile, words, pointers };
}
