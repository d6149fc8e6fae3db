/**
 * `npm start`: the bot, or without DISCORD_TOKEN the set-up paragraph and (in a terminal) the
 * console stand-in. Process concerns only: .env, config, logs, signals, the exit code.
 */
import '../util/openmp-env.ts'; // first: before faiss-node loads
import dotenv from 'dotenv';
import pino from 'pino';
import { presentError } from '../app/present-error.ts';
import { closeAppServices, openAppServices } from '../app/services.ts';
import { runCommand } from '../cli/run-command.ts';
import { type Config, loadConfig } from '../config.ts';
import { runConsole, setupHelp } from '../console/console-mode.ts';
import { type RunningBot, startBot, startFailureMessage } from '../discord/start-bot.ts';
import { createLogger } from '../logger.ts';

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

/** Runs the bot until SIGINT or SIGTERM, then shuts it down cleanly. */
async function botMain(config: Config, token: string): Promise<number> {
  const logger = createLogger({ level: config.logLevel, format: config.logFormat, nodeEnv: config.nodeEnv, secrets: [token] });
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
  let bot: RunningBot;
  try {
    bot = await startBot(config, logger);
  } catch (err) {
    const message = startFailureMessage(err, config.discord.shards);
    if (message) logger.fatal(message);
    else presentError(err, (ref) => logger.fatal({ err, ref }, `could not start the bot (ref ${ref})`));
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

dotenv.config({ quiet: true });
let config: Config | undefined;
const configured = await runCommand('cratedigger', async () => {
  config = loadConfig();
});
let code = configured;
if (config && configured === 0) {
  const ready = config;
  const token = ready.discord.token;
  code = token ? await botMain(ready, token) : await runCommand('cratedigger', () => consoleMain(ready));
}
// Lingering sockets or timers in libraries must not keep a finished process alive.
process.exit(code);
