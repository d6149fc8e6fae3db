import type { TagMap } from '../catalog/tags.ts';
import type { Track } from '../catalog/track.ts';
import type { Config } from '../config.ts';
import { modelRuntime } from '../config.ts';
import { buildLexicalStage, type LexicalStageOptions } from '../indexing/lexical/build-lexical-stage.ts';
import type { LoadedLexical } from '../retrieval/artifacts/load-index.ts';
import { TagLexicon } from '../retrieval/query/tag-lexicon.ts';
import { type Engine, type RecommenderSettings, recommendWith } from '../retrieval/recommender.ts';
import { openRecommender, type ModelRuntime } from '../retrieval/recommender-service.ts';
import { DEFAULT_FIRST_STAGE, type FirstStageScoring } from '../retrieval/scoring.ts';
import { type ConfigResult, evaluateConfig, memoizedEncoders } from './evaluate.ts';
import type { ParaphraseTable } from './paraphrases.ts';
import { buildQuerySet, type QuerySetOptions } from './query-set.ts';
import { PLAIN_HYBRID_GRID, tuneOnDev, type TuningRow, UNDERSTANDING_GRID } from './tune.ts';

/** The three prompts of the Python prototype's README, shown as a qualitative table. */
export const PROTOTYPE_PROMPTS = [
  'Dark aesthetic rock piece with female vocals and electro guitar',
  'A fast techno with futuristic vibe and synth',
  'Morning yoga soundtrack with sounds of ocean waves, nature',
] as const;

/**
 * The hybrid without query understanding, when not tuned in this run: the best plain fusion on the
 * full catalog's dev half (bench/QUALITY.md).
 */
export const PLAIN_HYBRID: Partial<FirstStageScoring> = { kind: 'hybrid', understanding: false, fusion: 'convex', lexicalWeight: 0.5, tagBoost: 0 };

/** A way to build the lexical stage (which resources feed its tag lexicon). */
export interface LexicalVariant {
  name: string;
  options: LexicalStageOptions;
}

export interface EvalOptions {
  indexDir: string;
  /** The catalog's tag map (aliases), for the lexical stage and to keep paraphrases honest. */
  tagMap?: TagMap;
  paraphrases?: ParaphraseTable;
  querySet?: QuerySetOptions;
  /** Lexical stages to compare (given the index's tracks); the first is the one `npm run index` builds (the default). */
  variants: (tracks: readonly Track[]) => readonly LexicalVariant[];
  /** Run the grid search on the dev half (else report the built-in defaults only). */
  tune: boolean;
  /** Overrides the models folder (real models with --models <dir>). */
  runtime?: ModelRuntime;
  onProgress?: (line: string) => void;
}

export interface ExampleRow {
  prompt: string;
  understood: string;
  results: { rank: number; trackId: string; tags: string; matched: string[] }[];
}

export interface EvalReport {
  startedAt: string;
  durationSec: number;
  index: { name: string; tracks: number; textModel: string; mode: string };
  candidates: number;
  queries: Record<string, number>;
  defaults: FirstStageScoring;
  /** Best on dev with query understanding, and without it (the plain hybrid). */
  chosen: { understanding: Partial<FirstStageScoring> | null; plain: Partial<FirstStageScoring> | null };
  tuning: { understanding: TuningRow[]; plain: TuningRow[] };
  configs: ConfigResult[];
  examples: ExampleRow[];
}

export async function runEval(config: Config, o: EvalOptions): Promise<EvalReport> {
  const started = new Date();
  const t0 = performance.now();
  const say = o.onProgress ?? (() => undefined);
  const service = await openRecommender({
    indexDir: o.indexDir,
    runtime: o.runtime ?? modelRuntime(config),
    settings: config.retrieval,
  });
  try {
    const served = service.engine();
    const engine: Engine = { index: served.index, encoders: memoizedEncoders(served.encoders) };
    const tracks = engine.index.tracks;
    const settings: RecommenderSettings = { ...config.retrieval, firstStage: {} };

    const variants = o.variants(tracks);
    say(`lexical stages: ${variants.map((v) => v.name).join(', ')}`);
    const lexical = new Map<string, LoadedLexical>();
    for (const v of variants) {
      const built = buildLexicalStage(tracks, v.options);
      lexical.set(v.name, { index: built.index, lexicon: new TagLexicon(built.lexicon) });
    }
    const base = lexical.get(variants[0]!.name)!;
    const withBase: Engine = { index: { ...engine.index, lexical: base }, encoders: engine.encoders };

    const queries = buildQuerySet(tracks, { ...o.querySet, ...(o.paraphrases ? { paraphrases: o.paraphrases } : {}), ...(o.tagMap ? { aliases: o.tagMap } : {}) });
    const counts: Record<string, number> = {};
    for (const q of queries) for (const k of [`${q.split}/${q.half}`, q.split]) counts[k] = (counts[k] ?? 0) + 1;
    say(`queries: ${queries.length} (${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')})`);

    let tuning: EvalReport['tuning'] = { understanding: [], plain: [] };
    if (o.tune) {
      const progress = (what: string) => (done: number, total: number) => {
        if (done === total || done % 12 === 0) say(`tuning ${what} on dev: ${done}/${total}`);
      };
      tuning = {
        understanding: await tuneOnDev(withBase, settings, queries, UNDERSTANDING_GRID, progress('hybrid + tags')),
        plain: await tuneOnDev(withBase, settings, queries, PLAIN_HYBRID_GRID, progress('plain hybrid')),
      };
    }
    const chosen = { understanding: tuning.understanding[0]?.firstStage ?? null, plain: tuning.plain[0]?.firstStage ?? null };

    const plainHybrid: Partial<FirstStageScoring> = chosen.plain ?? PLAIN_HYBRID;
    const configs: { name: string; firstStage: Partial<FirstStageScoring>; lexical?: LoadedLexical }[] = [
      { name: 'dense only', firstStage: { kind: 'dense', understanding: false } },
      { name: 'lexical only', firstStage: { kind: 'lexical', understanding: false } },
      { name: 'hybrid', firstStage: plainHybrid },
      { name: 'dense + tags', firstStage: { ...DEFAULT_FIRST_STAGE, kind: 'dense' } },
      { name: 'lexical + tags', firstStage: { ...DEFAULT_FIRST_STAGE, kind: 'lexical' } },
      { name: 'hybrid + tags (default)', firstStage: DEFAULT_FIRST_STAGE },
    ];
    if (chosen.understanding && !sameScoring(chosen.understanding, DEFAULT_FIRST_STAGE)) {
      configs.push({ name: 'hybrid + tags (best on dev)', firstStage: { ...DEFAULT_FIRST_STAGE, ...chosen.understanding } });
    }
    for (const v of variants.slice(1)) configs.push({ name: `hybrid + tags, lexicon: ${v.name}`, firstStage: DEFAULT_FIRST_STAGE, lexical: lexical.get(v.name)! });

    const results: ConfigResult[] = [];
    for (const c of configs) {
      say(`evaluating: ${c.name}`);
      results.push((await evaluateConfig(withBase, settings, queries, { name: c.name, firstStage: c.firstStage, ...(c.lexical ? { lexical: c.lexical } : {}) })).result);
    }

    const examples = await exampleRows(withBase, settings);
    const st = service.status();
    return {
      startedAt: started.toISOString(),
      durationSec: Math.round((performance.now() - t0) / 1000),
      index: { name: st.name, tracks: st.tracks, textModel: st.models.text, mode: st.mode },
      candidates: settings.candidates,
      queries: counts,
      defaults: DEFAULT_FIRST_STAGE,
      chosen,
      tuning,
      configs: results,
      examples,
    };
  } finally {
    await service.close();
  }
}

function sameScoring(a: Partial<FirstStageScoring>, b: FirstStageScoring): boolean {
  return (Object.keys(a) as (keyof FirstStageScoring)[]).every((k) => a[k] === b[k] || (k === 'rrfK' && a.fusion !== 'rrf') || (k === 'lexicalWeight' && a.fusion === 'rrf'));
}

async function exampleRows(engine: Engine, settings: RecommenderSettings): Promise<ExampleRow[]> {
  const rows: ExampleRow[] = [];
  for (const prompt of PROTOTYPE_PROMPTS) {
    const r = await recommendWith(engine, { ...settings, firstStage: DEFAULT_FIRST_STAGE }, { prompt, k: 5 });
    const u = r.understood;
    rows.push({
      prompt,
      understood: [...u.tags.map((t) => t.tag), ...u.excluded.map((t) => `not ${t.tag}`)].join(' · ') || '(no tag)',
      results: r.results.map((x) => ({
        rank: x.rank,
        trackId: x.trackId,
        tags: [...x.track.tags.mood, ...x.track.tags.genre, ...x.track.tags.instrument].join(', '),
        matched: x.matchedTags,
      })),
    });
  }
  return rows;
}

