import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { Events, RESTEvents, type Client } from 'discord.js';
import { botCommands, commandsByName } from '../commands/index.ts';
import type { Config } from '../config.ts';
import { type BotContext, closeBotContext, createBotContext } from './bot-context.ts';
import { createClient } from './client.ts';
import { attachHandlers } from './interaction-router.ts';
import { botComponents } from './components.ts';
import { shardLoginProblem } from './shards.ts';
import { attachVoiceEvents } from './voice/voice-players.ts';
import { isUserError } from '../errors.ts';
import type { Logger } from '../logger.ts';

export interface RunningBot {
  client: Client<true>;
  ctx: BotContext;
  /** Milliseconds from start to ready (models warm, gateway session open). */
  readyMs: number;
  /**
   * Lets the commands in flight finish (new ones are told the bot is shutting down; at most
   * SHUTDOWN_DRAIN_MS), leaves voice channels, destroys the client, then closes the recommender and
   * the cache. Idempotent.
   */
  stop(): Promise<void>;
}

/**
 * How long a shutdown waits for the commands in flight: one normally takes a second or two; this
 * leaves time to close everything within src/main/bot.ts's 10 s forced exit (and Docker's default
 * 10 s between its SIGTERM and SIGKILL).
 */
export const SHUTDOWN_DRAIN_MS = 7_000;

/** Connection events as log lines; quiet once `stopping()` says the bot is shutting down on purpose. */
function logClientEvents(client: Client, logger: Logger, stopping: () => boolean): void {
  client.on(Events.Error, (err) => logger.error({ err }, 'discord client error'));
  client.on(Events.Warn, (message) => logger.warn({ message }, 'discord client warning'));
  client.on(Events.ShardDisconnect, (event, shard) => stopping() || logger.warn({ shard, code: event.code }, 'gateway disconnected'));
  client.on(Events.ShardReconnecting, (shard) => stopping() || logger.info({ shard }, 'gateway reconnecting'));
  client.on(Events.ShardResume, (shard, replayed) => logger.info({ shard, replayed }, 'gateway resumed'));
  client.on(Events.ShardError, (err, shard) => stopping() || logger.warn({ err, shard }, 'gateway error'));
  client.rest.on(RESTEvents.RateLimited, (info) =>
    logger.warn({ route: info.route, method: info.method, retryAfterMs: info.retryAfter, global: info.global, scope: info.scope }, 'rate limited; waiting'),
  );
}

/**
 * Starts the bot: recommender with warm models and the cache first, then the Discord login.
 * Resolves once the gateway session is ready, so no interaction ever waits for a model load.
 */
export async function startBot(config: Config, logger: Logger): Promise<RunningBot> {
  if (!config.discord.token) throw new Error('startBot needs DISCORD_TOKEN');
  const t0 = performance.now();
  const ctx = await createBotContext(config, logger);
  const s = ctx.recommender.status();
  logger.info(
    { index: s.name, version: s.version, tracks: s.tracks, mode: s.mode, firstStage: s.firstStage, models: s.models, cache: ctx.cache.label, ms: Math.round(performance.now() - t0) },
    'recommender ready',
  );
  const client = createClient(config);
  let stopping: Promise<void> | undefined;
  logClientEvents(client, logger, () => stopping !== undefined);
  const inFlight = attachHandlers(client, ctx, commandsByName(botCommands(config.retrieval)), botComponents());
  attachVoiceEvents(client, ctx.voice);
  const ready = once(client, Events.ClientReady);
  try {
    await client.login(config.discord.token);
    await ready;
  } catch (err) {
    await client.destroy();
    await closeBotContext(ctx);
    throw err;
  }
  const live = client as Client<true>;
  // Operators include the application's owner (or team): known once logged in.
  await ctx.operators.learnFromApplication(() => live.application.fetch(), logger);
  const readyMs = Math.round(performance.now() - t0);
  logger.info({ user: live.user.tag, guilds: live.guilds.cache.size, shards: [...live.ws.shards.keys()], shardCount: live.options.shardCount, ms: readyMs }, 'bot ready');
  return {
    client: live,
    ctx,
    readyMs,
    stop: () =>
      (stopping ??= (async () => {
        // Destroying the client drops its token, so what a running command still sends would fail.
        if (inFlight.size > 0) logger.info({ running: inFlight.size }, 'waiting for the commands in flight');
        const left = await inFlight.drain(SHUTDOWN_DRAIN_MS);
        if (left > 0) logger.warn({ running: left, waitedMs: SHUTDOWN_DRAIN_MS }, 'stopping with commands still running');
        // Leaving is a gateway message: before the client closes its connection (and after the
        // commands in flight, one of which may have just started playing).
        await ctx.voice.closeAll();
        await client.destroy();
        await closeBotContext(ctx);
        logger.info('bot stopped');
      })()),
  };
}

/**
 * Why the bot could not start, in one line for the log: the person's to fix (settings, a refused
 * token, shards Discord will not accept), or null when it is unexpected (log the error itself).
 */
export function startFailureMessage(err: unknown, shards: Config['discord']['shards']): string | null {
  if (isUserError(err)) return err.full;
  if (err instanceof Error && /token/i.test(err.message)) return `Discord refused the login: ${err.message}`;
  return shardLoginProblem(err, shards) ?? null;
}
