import { parseArgs } from 'node:util';
import { type AudioBench, benchAudio } from '../bench/audio-bench.ts';
import { benchRetrieval, type RetrievalBench } from '../bench/retrieval-bench.ts';
import type { Summary } from '../bench/stats.ts';
import { loadConfig, modelRuntime } from '../config.ts';
import { intOption } from './int-option.ts';
import { resolveIndexDir } from './resolve-index.ts';
import { type CommandIo, processIo } from './run-command.ts';

export const BENCH_USAGE = `Usage: npm run bench -- [--index <dir|name>] [--queries 120] [--warmup 5] [--k 5] [--json] [--no-audio]

Reports figures (no pass/fail): cold start (index, models), per-stage and end-to-end latency
p50/p95 over different prompts, and audio embedding throughput on the generated models.`;

const line = (name: string, s: Summary) =>
  `  ${name.padEnd(12)} p50 ${s.p50.toFixed(2).padStart(8)} ms   p95 ${s.p95.toFixed(2).padStart(8)} ms   mean ${s.mean.toFixed(2).padStart(8)} ms`;

function formatRetrieval(b: RetrievalBench): string {
  return [
    `index ${b.index.name}: ${b.index.tracks} tracks, ${b.index.factory}, ${b.index.mode}; models ${b.models.text}${b.models.clap ? ` + ${b.models.clap}` : ''} (${b.models.dtype})`,
    `cold start: ${b.coldStart.openMs} ms (index ${b.coldStart.indexMs} ms, models ${b.coldStart.modelsMs} ms, in parallel)`,
    `${b.queries} prompts, top ${b.candidates} candidates:`,
    line('text embed', b.stages.textEmbedMs),
    line('faiss search', b.stages.searchMs),
    line('clap text', b.stages.clapTextMs),
    line('rerank', b.stages.rerankMs),
    line('pipeline', b.stages.totalMs),
    line('end to end', b.endToEnd),
    `  throughput   ${b.queriesPerSecond} queries/s (one at a time)`,
  ].join('\n');
}

function formatAudio(a: AudioBench): string {
  return [
    `audio embedding (${a.model.clap}, ${a.model.dtype}; ${a.tracks} tracks, ${a.windows} windows):`,
    line('decode/track', a.decodeMs),
    line('embed/clip', a.embed.msPerClip),
    `  throughput   ${a.embed.windowsPerSec} windows/s, ${a.embed.clipsPerSec} clips/s (worker); build loop ${a.pipeline.tracksPerSec} tracks/s`,
    ...(a.split ? [`  per window   log-mel ${a.split.melMsPerWindow} ms, ONNX ${a.split.onnxMsPerWindow} ms`] : []),
  ].join('\n');
}

export async function benchCommand(argv: string[], io: CommandIo = processIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      index: { type: 'string' },
      queries: { type: 'string' },
      warmup: { type: 'string' },
      k: { type: 'string' },
      json: { type: 'boolean', default: false },
      'no-audio': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(BENCH_USAGE);
    return 0;
  }
  const config = loadConfig();
  const runtime = modelRuntime(config);
  const retrieval = await benchRetrieval({
    indexDir: resolveIndexDir(values.index, config),
    runtime,
    candidates: config.retrieval.candidates,
    queries: intOption('queries', values.queries, 1) ?? 120,
    warmup: intOption('warmup', values.warmup, 0) ?? 5,
    k: intOption('k', values.k, 1) ?? 5,
  });
  const audio = values['no-audio'] ? null : await benchAudio({ runtime, split: true });
  io.out(values.json ? JSON.stringify({ retrieval, audio }) : [formatRetrieval(retrieval), ...(audio ? ['', formatAudio(audio)] : [])].join('\n'));
  return 0;
}
