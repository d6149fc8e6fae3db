import { checkRecordedAudioRoot } from '../audio/recorded-audio-root.ts';
import { openCacheBackend, type CacheBackend } from '../cache/cache-backend.ts';
import type { SafeCache } from '../cache/safe-cache.ts';
import { catalogVocabulary, type TagVocabulary } from '../catalog/filters.ts';
import type { Track } from '../catalog/track.ts';
import { type Config, modelRuntime } from '../config.ts';
import { createPreviewProvider, type PreviewProvider } from './track-preview.ts';
import type { Logger } from '../logger.ts';
import type { Recommendation, RetrievalMode } from '../retrieval/recommender.ts';
import { startEncoderWorker } from '../retrieval/encoders/worker/worker-encoders.ts';
import { openRecommender, type RecommenderService } from '../retrieval/recommender-service.ts';
import { TrackFinder } from '../retrieval/track-finder.ts';
import { type ProcessLauncher, workerLauncher } from '../util/process-launcher.ts';

/** A query's results as the result cache keeps them. */
export interface CachedResults {
  v: 1;
  query: string;
  mode: RetrievalMode;
  indexName: string;
  indexVersion: string;
  results: Recommendation[];
  /** The tags the prompt named and ruled out, in words (absent in entries cached before it existed). */
  understood?: string;
  /** "More like this" results: the seed track, and why closeness is by text alone (or null). */
  similar?: { seed: Track; note: string | null };
}

/**
 * The services every front end's use cases run on (the bot, the console, the bench), built once
 * and passed explicitly (no module singletons): tests build their own.
 */
export interface AppServices {
  config: Config;
  logger: Logger;
  recommender: RecommenderService;
  cache: CacheBackend;
  results: SafeCache<CachedResults>;
  previews: PreviewProvider;
  /**
   * Starts ffmpeg and ffprobe from a worker thread (previews, voice playback): a fork holds the
   * thread that makes it for 15–50 ms, which the main event loop cannot spare.
   */
  launcher: ProcessLauncher;
  /** Tags of the serving index per category (filters, autocomplete); computed once per loaded index. */
  vocabulary(): TagVocabulary;
  /**
   * Finds tracks of the serving index by id, name or caption words (track autocomplete, seed
   * lookup); built on first use per loaded index (cheap: see bench/RESULTS.md, track search).
   */
  trackFinder(): TrackFinder;
}

/**
 * ffmpeg and ffprobe run this much nicer than the bot: on a busy machine their encoding waits,
 * not the thread that answers Discord and sends voice frames (their output runs seconds ahead).
 */
export const CHILD_NICENESS = 10;

/** Where results live in the cache (shared by every process on one Redis). */
export const RESULTS_NAMESPACE = 'cratedigger:results';

/** Opens the index with warm models (they have embedded once in the worker) and the cache. */
export async function openAppServices(config: Config, logger: Logger): Promise<AppServices> {
  const cache = await openCacheBackend(config.cache, logger);
  const launcher = workerLauncher({ niceness: CHILD_NICENESS });
  let recommender: RecommenderService;
  try {
    recommender = await openRecommender({
      indexDir: config.index.dir,
      runtime: modelRuntime(config),
      settings: config.retrieval,
      acceptIndex: (index) => checkRecordedAudioRoot(index, { audioRoot: config.audio.root, embeddingsDir: config.index.embeddingsDir }),
      // Supervised: a crashed worker is restarted, and each restart is logged with its cause.
      startEncoders: (spec) => startEncoderWorker(spec, { logger }),
    });
  } catch (err) {
    await cache.close();
    throw err;
  }
  const previews = createPreviewProvider(
    {
      audioRoot: config.audio.root,
      cacheDir: config.audio.previewCacheDir,
      cacheMaxBytes: config.audio.previewCacheMaxBytes,
      excerptSec: config.audio.previewSeconds,
      tools: { ...config.audio.tools, launcher },
    },
    () => {
      const s = recommender.status();
      return { dir: s.dir, audioRoot: s.manifest.audioRoot };
    },
    logger,
  );
  // Keyed by the loaded track list, so a reload gets its own and the old one goes with its index.
  const vocabularies = new WeakMap<readonly Track[], TagVocabulary>();
  const vocabulary = (): TagVocabulary => {
    const tracks = recommender.tracks();
    let v = vocabularies.get(tracks);
    if (!v) vocabularies.set(tracks, (v = catalogVocabulary(tracks)));
    return v;
  };
  vocabulary();
  // Same keying; the finder searches captions through the index's own lexical stage.
  const finders = new WeakMap<readonly Track[], TrackFinder>();
  const trackFinder = (): TrackFinder => {
    // Tracks and lexical stage from one engine (recommender.tracks() is this same array), so a
    // reload between two reads cannot pair one index's tracks with another's postings.
    const { tracks, lexical } = recommender.engine().index;
    let f = finders.get(tracks);
    if (!f) finders.set(tracks, (f = TrackFinder.build(tracks, lexical?.index ?? null)));
    return f;
  };
  // Built now rather than at the first autocomplete, which Discord gives 3 s: ~25 ms at 18k
  // tracks, ~4 s at 1M (bench/RESULTS.md, track-search).
  trackFinder();
  return {
    config,
    logger,
    vocabulary,
    trackFinder,
    recommender,
    cache,
    results: cache.namespace<CachedResults>(RESULTS_NAMESPACE),
    previews,
    launcher,
  };
}

/** Closes what openAppServices opened; each part is closed even when another fails. */
export async function closeAppServices(ctx: AppServices): Promise<void> {
  const results = await Promise.allSettled([ctx.recommender.close(), ctx.cache.close(), ctx.launcher.close()]);
  for (const r of results) if (r.status === 'rejected') ctx.logger.warn({ err: r.reason }, 'error while closing');
}
