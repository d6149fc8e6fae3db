/**
 * The bot under load, in a process of its own: the real startBot with the configuration from the
 * environment, so its memory is the bot's alone. Driven over IPC by the load run: `memory` asks for
 * its RSS, `crash-worker` makes its encoder worker thread exit for real (the test hook the
 * worker-restart tests use), `lag-start`/`lag-stop` measure its event-loop lag over a window (the
 * voice bench). SIGTERM stops it cleanly.
 */
import '../../src/util/openmp-env.ts'; // first: before faiss-node loads
import { startEventLoopLag, type LagMeter } from '../../src/bench/event-loop-lag.ts';
import { startBot } from '../../src/discord/start-bot.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { crashEncoderWorker } from '../../src/retrieval/encoders/worker/worker-encoders.ts';
import type { ChildReply, ChildRequest } from './child-protocol.ts';

const config = loadConfig();
const logger = createLogger({ level: config.logLevel, format: 'json', secrets: [config.discord.token] });
const bot = await startBot(config, logger);
const reply = (message: ChildReply) => process.send?.(message);
let lagMeter: LagMeter | undefined;

process.on('message', (message: ChildRequest) => {
  if (message.op === 'memory') {
    const rssBytes = process.memoryUsage.rss();
    // What is still referenced once garbage is gone (started with --expose-gc): comparable between readings.
    globalThis.gc?.();
    const after = process.memoryUsage();
    reply({ op: 'memory', rssBytes, rssAfterGcBytes: after.rss, heapUsedBytes: after.heapUsed });
  }
  else if (message.op === 'crash-worker') {
    crashEncoderWorker(bot.ctx.recommender.engine().encoders, 'now');
    reply({ op: 'crash-worker' });
  }
  else if (message.op === 'lag-start') {
    lagMeter?.stop();
    lagMeter = startEventLoopLag();
    reply({ op: 'lag-start' });
  }
  else if (message.op === 'lag-stop') {
    const lag = lagMeter?.stop() ?? { p50Ms: 0, p99Ms: 0, maxMs: 0, samples: 0 };
    lagMeter = undefined;
    reply({ op: 'lag-stop', lag });
  }
});
process.once('SIGTERM', () => {
  void bot.stop().then(() => process.exit(0));
});
reply({ op: 'ready', readyMs: bot.readyMs });
