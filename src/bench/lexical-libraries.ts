import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import MiniSearch from 'minisearch';
import { TAG_CATEGORIES, type Track } from '../catalog/track.ts';
import { DEFAULT_FIELD_WEIGHTS, lexicalDocuments } from '../indexing/lexical/lexical-documents.ts';
import { terms } from '../retrieval/lexical/analyzer.ts';
import { LexicalIndex } from '../retrieval/lexical/lexical-index.ts';
import { benchmarkPrompts } from './prompts.ts';
import { summarize } from './stats.ts';

/**
 * Why the lexical stage is not a library: maintained BM25 libraries and ours on the same catalog,
 * fields and weights (caption, keywords, tag words), the same analyzer, plain word queries (no query
 * understanding), top 300. Build, serialize + load, and query p50, one query at a time.
 */

export interface LexicalLibraryEntry {
  library: string;
  buildMs: number;
  /** Serialized size and the time to load it back. */
  fileMb: number;
  loadMs: number;
  p50Ms: number;
  p95Ms: number;
}

interface Contender {
  library: string;
  build(tracks: readonly Track[]): void;
  serialize(): string | Buffer;
  load(data: string | Buffer): void;
  search(prompt: string): void;
}

interface WinkEngine {
  defineConfig(c: object): void;
  definePrepTasks(t: ((x: string | string[]) => string | string[])[]): void;
  addDoc(doc: object, id: number): void;
  consolidate(): void;
  search(q: string, n: number): unknown[];
  exportJSON(): string;
  importJSON(json: string): void;
}

const fieldsOf = (t: Track) => ({
  caption: t.caption,
  keywords: t.keywords.join(' '),
  tags: TAG_CATEGORIES.flatMap((c) => t.tags[c]).join(' '),
});

function contenders(): Contender[] {
  const ours = (): Contender => {
    let index: LexicalIndex;
    return {
      library: 'cratedigger LexicalIndex (typed arrays)',
      build: (tracks) => (index = LexicalIndex.build(lexicalDocuments(tracks), { fieldWeights: DEFAULT_FIELD_WEIGHTS })),
      serialize: () => index.toBytes(),
      load: (data) => (index = LexicalIndex.fromBytes(data as Buffer)),
      search: (prompt) => index.search(terms(prompt).map((term) => ({ term, weight: 1 })), 300),
    };
  };
  const mini = (): Contender => {
    const options = {
      fields: ['caption', 'keywords', 'tags'],
      processTerm: (term: string) => terms(term)[0] ?? null,
      searchOptions: { boost: DEFAULT_FIELD_WEIGHTS },
    };
    let ms = new MiniSearch(options);
    return {
      library: 'minisearch 7 (BM25+)',
      build: (tracks) => ms.addAll(tracks.map((t, id) => ({ id, ...fieldsOf(t) }))),
      serialize: () => JSON.stringify(ms),
      load: (data) => (ms = MiniSearch.loadJSON(data as string, options)),
      search: (prompt) => ms.search(prompt).slice(0, 300),
    };
  };
  // wink-bm25-text-search has no type declarations; its API is a handful of calls.
  const bm25 = createRequire(import.meta.url)('wink-bm25-text-search') as () => WinkEngine;
  const wink = (): Contender => {
    const prep = [(text: string | string[]) => terms(text as string)];
    let engine = bm25();
    return {
      library: 'wink-bm25-text-search 3 (BM25F)',
      build: (tracks) => {
        engine.defineConfig({ fldWeights: DEFAULT_FIELD_WEIGHTS });
        engine.definePrepTasks(prep);
        tracks.forEach((t, id) => engine.addDoc(fieldsOf(t), id));
        engine.consolidate();
      },
      serialize: () => engine.exportJSON(),
      load: (data) => {
        engine = bm25();
        engine.importJSON(data as string);
        engine.definePrepTasks(prep);
      },
      search: (prompt) => engine.search(prompt, 300),
    };
  };
  return [ours(), mini(), wink()];
}

export async function compareLexicalLibraries(tracks: readonly Track[], queries = 200): Promise<LexicalLibraryEntry[]> {
  const prompts = benchmarkPrompts(queries);
  const out: LexicalLibraryEntry[] = [];
  for (const c of contenders()) {
    let t = performance.now();
    c.build(tracks);
    const buildMs = performance.now() - t;
    const data = c.serialize();
    t = performance.now();
    c.load(data);
    const loadMs = performance.now() - t;
    const times: number[] = [];
    for (const [i, prompt] of [...prompts.slice(0, 10), ...prompts].entries()) {
      const s = performance.now();
      c.search(prompt);
      if (i >= 10) times.push(performance.now() - s);
    }
    const stats = summarize(times);
    out.push({
      library: c.library,
      buildMs: Math.round(buildMs),
      fileMb: Math.round((Buffer.byteLength(data) / 2 ** 20) * 10) / 10,
      loadMs: Math.round(loadMs),
      p50Ms: stats.p50,
      p95Ms: stats.p95,
    });
  }
  return out;
}
