import './util/openmp-env.ts'; // first: before faiss-node loads
import { once } from 'node:events';
import { realpathSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Events, RESTEvents, type Client } from 'discord.js';
import dotenv from 'dotenv';
import pino from 'pino';
import { botCommands, commandsByName } from './commands/index.ts';
import { type Config, loadConfig } from './config.ts';
import { type BotContext, closeBotContext, createBotContext } from './discord/bot-context.ts';
import { closeAppServices, openAppServices } from './app/services.ts';
import { createClient } from './discord/client.ts';
import { runConsole, setupHelp } from './console/console-mode.ts';
import { attachHandlers } from './discord/interaction-router.ts';
import { botComponents } from './discord/components.ts';
import { shardLoginProblem } from './discord/shards.ts';
import { isUserError } from './errors.ts';
import { createLogger, type Logger } from './logger.ts';

export interface RunningBot {
  client: Client<true>;
  ctx: BotContext;
  /** Milliseconds from start to ready (models warm, gateway session open). */
  readyMs: number;
  /** Destroys the client, then closes the recommender and the cache. Idempotent. */
  stop(): Promise<void>;
}

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
  attachHandlers(client, ctx, commandsByName(botCommands(config.retrieval)), botComponents());
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
        await client.destroy();
        await closeBotContext(ctx);
        logger.info('bot stopped');
      })()),
  };
}

/** Without a token: the set-up paragraph, then (in a terminal) the console stand-in on the local index. */
async function consoleMain(config: Config): Promise<void> {
  process.stdout.write(setupHelp());
  if (!process.stdin.isTTY) return;
  // Logs go to stderr and only warnings by default, so they do not interleave with the pages.
  const level = config.logLevel === 'info' ? 'warn' : config.logLevel;
  const logger = createLogger({ level, format: config.logFormat, nodeEnv: config.nodeEnv, destination: pino.destination(2) });
  process.stdout.write('\nLoading the models…\n');
  const ctx = await openAppServices(config, logger);
  try {
    await runConsole(ctx, { input: process.stdin, output: process.stdout });
  } finally {
    await closeAppServices(ctx);
  }
}

async function main(): Promise<number> {
  dotenv.config({ quiet: true });
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (!isUserError(err)) throw err;
    process.stderr.write(`cratedigger: ${err.full}\n`);
    return 2;
  }
  if (!config.discord.token) {
    try {
      await consoleMain(config);
      return 0;
    } catch (err) {
      if (!isUserError(err)) throw err;
      process.stderr.write(`cratedigger: ${err.full}\n`);
      return 2;
    }
  }

  const logger = createLogger({ level: config.logLevel, format: config.logFormat, nodeEnv: config.nodeEnv, secrets: [config.discord.token] });
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
  let bot: RunningBot;
  try {
    bot = await startBot(config, logger);
  } catch (err) {
    const message = isUserError(err)
      ? err.full
      : err instanceof Error && /token/i.test(err.message)
        ? `Discord refused the login: ${err.message}`
        : shardLoginProblem(err, config.discord.shards);
    if (message) logger.fatal(message);
    else logger.fatal({ err }, 'could not start the bot');
    return 1;
  }
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => resolve(sig));
  });
  logger.info({ signal }, 'shutting down');
  // A second signal, or a hang, must not keep the process around.
  const force = () => process.exit(1);
  process.once('SIGINT', force).once('SIGTERM', force);
  setTimeout(force, 10_000).unref();
  await bot.stop();
  return 0;
}

function isEntry(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntry()) {
  const code = await main();
  // Lingering sockets or timers in libraries must not keep a finished process alive.
  process.exit(code);
}
