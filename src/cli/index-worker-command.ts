import { parseArgs } from 'node:util';
import { loadConfig, modelRuntime } from '../config.ts';
import { UserError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { startChunkWorker } from '../indexing/distributed/chunk-worker.ts';
import { DEFAULT_LOCK_SECONDS } from '../indexing/distributed/protocol.ts';
import { openRedisLink } from '../indexing/distributed/redis-link.ts';
import { intOption } from './int-option.ts';
import { type CommandIo, processIo } from './run-command.ts';

export const INDEX_WORKER_USAGE = `Usage: npm run index-worker -- --queue redis://host:6379 [--audio-root <dir>] [--lock-seconds ${DEFAULT_LOCK_SECONDS}]

Embeds the audio of a distributed index build (\`npm run index -- … --queue <the same URL>\`): takes
chunks of tracks off the queue one at a time, embeds them as a single-process build does (decode,
CLAP windows, audio tower, pooled vector), and stores each chunk's vectors in that Redis for the
assembler. Run one per machine (or per spare core). Models load from MODELS_DIR, which must hold
the assembler's models (a job for other models is refused and the worker stops). The tracks' audio
is read under --audio-root, default the assembler's audio root (the same path on every machine).
Logs are pino lines on stdout. Ctrl-C finishes the current chunk, then exits.

--lock-seconds: how long a chunk stays with a worker that stopped answering (killed, machine lost)
before another worker takes it over (default ${DEFAULT_LOCK_SECONDS}).
--fail-tracks <id,…>: testing aid: chunks holding these track ids fail instead of being embedded.`;

export async function indexWorkerCommand(argv: string[], io: CommandIo = processIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      queue: { type: 'string' },
      'audio-root': { type: 'string' },
      'lock-seconds': { type: 'string' },
      'fail-tracks': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(INDEX_WORKER_USAGE);
    return 0;
  }
  if (!values.queue) throw new UserError('--queue redis://host:6379 is required: the Redis the assembler queued its chunks on.');
  const lockSeconds = intOption('lock-seconds', values['lock-seconds'], 2, 3600);
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, format: config.logFormat, nodeEnv: config.nodeEnv });
  const { dtype: _dtype, ...runtime } = modelRuntime(config);
  const redis = await openRedisLink(values.queue, (err) => logger.warn({ err: err.message }, 'Redis connection problem; reconnecting'));
  const failTracks = values['fail-tracks'] ? new Set(values['fail-tracks'].split(',').map((s) => s.trim()).filter(Boolean)) : undefined;
  const worker = await startChunkWorker({
    redis,
    runtime,
    logger,
    ffmpegPath: config.audio.tools.ffmpegPath,
    ...(values['audio-root'] ? { audioRoot: values['audio-root'] } : {}),
    ...(lockSeconds ? { lockSeconds } : {}),
    ...(failTracks ? { failTracks } : {}),
  });
  // Ctrl-C / SIGTERM: BullMQ's close waits for the chunk in hand, so no work is lost.
  const onSignal = (sig: NodeJS.Signals) => {
    logger.info({ signal: sig }, 'stopping after the current chunk');
    void worker.close();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const { refused } = await worker.stopped;
    await worker.close();
    if (refused) throw new UserError(refused);
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await redis.close();
  }
}
