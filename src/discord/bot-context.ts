import { type AppServices, closeAppServices, openAppServices } from '../app/services.ts';
import { findTrackAudio, type TrackAudioIndex } from '../app/track-audio.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { Operators } from './operators.ts';
import type { PageState } from './paged-results/page-model.ts';
import { PageStore } from './paged-results/page-store.ts';
import { VoicePlayers } from './voice/voice-players.ts';

/** What the bot's commands and components use: the application's services, result pages, operators, voice playback. */
export interface BotContext extends AppServices {
  pages: PageStore;
  /** Who may run operator commands (BOT_ADMIN_IDS now; the application's owner once the bot has logged in). */
  operators: Operators;
  /** Voice playback: one session per server. */
  voice: VoicePlayers;
}

/** Where page states live in the cache (any process on the same Redis turns any page). */
export const PAGES_NAMESPACE = 'cratedigger:pages';

export async function createBotContext(config: Config, logger: Logger): Promise<BotContext> {
  const services = await openAppServices(config, logger);
  return {
    ...services,
    pages: new PageStore(services.cache.namespace<PageState>(PAGES_NAMESPACE), config.cache.ttlMs),
    operators: new Operators(config.discord.adminIds),
    voice: new VoicePlayers({
      logger,
      idleMs: config.voice.idleMs,
      tools: { ...config.audio.tools, launcher: services.launcher },
      findAudio: (trackId) => findTrackAudio(trackId, { audioRoot: config.audio.root, previewCacheDir: config.audio.previewCacheDir }, servingIndex(services), logger),
    }),
  };
}

/** The serving index as the voice player looks tracks up in it (read at each track: a /reload may swap it). */
function servingIndex(services: AppServices): TrackAudioIndex {
  const s = services.recommender.status();
  return {
    dir: s.dir,
    audioRoot: s.manifest.audioRoot,
    track(id) {
      const finder = services.trackFinder();
      const row = finder.rowOfId(id);
      const track = row === undefined ? undefined : finder.tracks[row];
      return track?.id === id ? track : undefined;
    },
  };
}

/** Leaves voice (if the bot has not already), then closes the application's services. */
export async function closeBotContext(ctx: BotContext): Promise<void> {
  await ctx.voice.closeAll();
  await closeAppServices(ctx);
}
