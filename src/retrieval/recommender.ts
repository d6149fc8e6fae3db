import { performance } from 'node:perf_hooks';
import type { Track } from '../catalog/track.ts';
import type { LoadedIndex } from './artifacts/load-index.ts';
import type { EncoderSet } from './encoders/encoder-set.ts';
import { row } from './matrix.ts';
import { normalizePrompt } from './prompt.ts';
import type { TurnQueue } from '../util/turn-queue.ts';
import { rerank } from './rerank.ts';
import { matchedTags, namedTags, runFirstStage, type StageCandidate } from './first-stage.ts';
import { understandQuery, type QueryUnderstanding, type TagRef } from './query/understand.ts';
import { describeFirstStage, type FirstStageScoring, resolveFirstStage } from './scoring.ts';

export type RetrievalMode = 'two-stage' | 'text-only';

export interface RecommendRequest {
  prompt: string;
  /** Results wanted (top-K). */
  k: number;
  /** First-stage pool size (top-N by text similarity). */
  candidates?: number;
  /** Keeps only tracks it accepts (catalog filters); the pool widens until enough remain. */
  accept?: (track: Track) => boolean;
}

/** What the pipeline understood of a prompt: the tags it names and the ones it rules out. */
export interface Understood {
  tags: TagRef[];
  excluded: TagRef[];
  /** The text the encoders and the lexical stage read (the prompt without its negations). */
  searchText: string;
}

export interface Recommendation {
  rank: number;
  trackId: string;
  score: number;
  textScore: number;
  audioScore: number | null;
  textRank: number;
  audioRank: number | null;
  /** First-stage parts: cosine with the prompt's embedding, raw BM25F; null when not computed. */
  denseScore: number | null;
  lexicalScore: number | null;
  /** Tags the prompt names that this track carries ("piano", "calm"). */
  matchedTags: string[];
  track: Track;
}

/** Wall time of each step of one query, as the pipeline waits for it. */
export interface StageTimings {
  textEmbedMs: number;
  searchMs: number;
  /** Waiting for CLAP's prompt embedding after the search (it is computed while the search runs). */
  clapTextMs: number;
  rerankMs: number;
  totalMs: number;
}

export interface IndexInfo {
  name: string;
  tracks: number;
  version: string;
  dir: string;
}

export interface RecommendResult {
  query: string;
  mode: RetrievalMode;
  /** Size of the reranked pool (after filters). */
  candidates: number;
  results: Recommendation[];
  timings: StageTimings;
  index: IndexInfo;
  /** The first stage as it ran, in words ("hybrid (convex, lexical 0.5) + tags (boost 0.5)"). */
  firstStage: string;
  understood: Understood;
}

export interface RecommenderSettings {
  candidates: number;
  /**
   * Weight of the text score in the final score: 0 = CLAP only, as the prototype. Undefined:
   * the index's recommendation (manifest `scoring`), else 0.
   */
  textWeight?: number;
  maxPromptChars: number;
  /** First-stage overrides (FIRST_STAGE, LEXICAL_WEIGHT, …); unset fields: the index's, then the defaults. */
  firstStage?: Partial<FirstStageScoring>;
  /** Track-to-track similarity: audio weight and artist cap (SIMILAR_AUDIO_WEIGHT, SIMILAR_PER_ARTIST); unset: the defaults. */
  similar?: { audioWeight?: number | undefined; perArtist?: number | undefined };
}

/** An index with the encoders that embed prompts for it. Swapped as a whole on reload. */
export interface Engine {
  index: LoadedIndex;
  encoders: EncoderSet;
}

export function indexInfo(index: LoadedIndex): IndexInfo {
  return { name: index.manifest.name, tracks: index.tracks.length, version: index.manifest.version, dir: index.dir };
}

/** TEXT_WEIGHT when set, else the index's recommendation (manifest `scoring`), else 0 (CLAP only). */
export function fusionWeight(settings: Pick<RecommenderSettings, 'textWeight'>, index: LoadedIndex): number {
  return settings.textWeight ?? index.manifest.scoring?.textWeight ?? 0;
}

/** The first-stage scoring for this index: settings, then the index's recommendation, then the defaults. */
export function firstStageScoring(settings: Pick<RecommenderSettings, 'firstStage'>, index: LoadedIndex): FirstStageScoring {
  return resolveFirstStage(settings.firstStage, index.manifest.scoring?.firstStage, index.lexical !== null);
}

/** "calm · piano · not voice": the tags a prompt named and ruled out; empty when none. */
export function describeUnderstood(u: Pick<Understood, 'tags' | 'excluded'>): string {
  return [...new Set([...u.tags.map((t) => t.tag), ...u.excluded.map((t) => `not ${t.tag}`)])].join(' · ');
}

function understood(u: QueryUnderstanding | null, query: string): Understood {
  const { wanted, excluded } = namedTags(u);
  return { tags: wanted.flatMap((w) => w.tags), excluded, searchText: u?.searchText ?? query };
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/**
 * The two-stage pipeline: prompt → SBERT → faiss top-N → CLAP text embedding → rerank by the
 * precomputed CLAP audio embeddings of the N → top-K. Pure with respect to its engine: each call
 * takes the engine current when it starts, so a reload never changes a query in flight. With
 * `turns`, the synchronous steps (search, rerank) wait for a turn of the event loop.
 */
export async function recommendWith(
  engine: Engine,
  settings: RecommenderSettings,
  req: RecommendRequest,
  turns?: TurnQueue,
): Promise<RecommendResult> {
  const t0 = performance.now();
  const query = normalizePrompt(req.prompt, settings.maxPromptChars);
  const { index, encoders } = engine;
  const k = Math.max(1, Math.floor(req.k));
  const pool = Math.max(k, Math.floor(req.candidates ?? settings.candidates));

  const scoring = firstStageScoring(settings, index);
  const understanding = scoring.understanding && index.lexical ? understandQuery(query, index.lexical.lexicon) : null;
  const searchText = understanding?.searchText ?? query;

  const twoStage = index.mode === 'two-stage' && index.audio !== null && encoders.clapText !== null;
  const needsDense = scoring.kind !== 'lexical' || !index.lexical;
  // Both prompt embeddings are asked for at once: the worker computes CLAP's right after SBERT's,
  // while this thread runs the faiss search, so the search costs no wall time of its own.
  const textPending = needsDense ? encoders.text.embed([searchText]) : null;
  const clapPending = twoStage ? encoders.clapText!.embed([searchText]) : null;
  clapPending?.catch(() => undefined); // awaited below; a failure of the text stage must not leave it unhandled

  const textVec = textPending ? row(await textPending, 0) : null;
  await turns?.take();
  const t1 = performance.now();

  const candidates = runFirstStage(index, { textVec, text: searchText, understanding }, scoring, pool, req.accept);
  const t2 = performance.now();

  const clapVec = clapPending ? row(await clapPending, 0) : null;
  await turns?.take();
  const t3 = performance.now();

  const textWeight = fusionWeight(settings, index);
  const ranked = rerank(candidates, clapVec, twoStage ? index.audio : null, textWeight).slice(0, k);
  const stage = new Map<number, StageCandidate>(candidates.map((c) => [c.row, c]));
  const results: Recommendation[] = ranked.map((c, i) => {
    const track = index.tracks[c.row]!;
    const first = stage.get(c.row);
    return {
      rank: i + 1,
      trackId: track.id,
      score: c.score,
      textScore: c.textScore,
      audioScore: c.audioScore,
      textRank: c.textRank,
      audioRank: c.audioRank,
      denseScore: first?.denseScore ?? null,
      lexicalScore: first?.lexicalScore ?? null,
      matchedTags: matchedTags(track, understanding),
      track,
    };
  });
  const t4 = performance.now();
  return {
    query,
    mode: twoStage ? 'two-stage' : 'text-only',
    candidates: candidates.length,
    results,
    timings: {
      textEmbedMs: round(t1 - t0),
      searchMs: round(t2 - t1),
      clapTextMs: round(t3 - t2),
      rerankMs: round(t4 - t3),
      totalMs: round(t4 - t0),
    },
    index: indexInfo(index),
    firstStage: describeFirstStage(scoring),
    understood: understood(understanding, query),
  };
}
