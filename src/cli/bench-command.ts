import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatFaissReport, formatReport, formatSimilarReport, formatTrackSearchReport } from '../bench/format-report.ts';
import { writeFaissResults, writeResults, writeSimilarResults, writeTrackSearchResults } from '../bench/results-file.ts';
import { runBench, runFaissBenchAlone, runSimilarBenchAlone, runTrackSearchBench } from '../bench/run-bench.ts';
import { loadConfig } from '../config.ts';
import { UserError } from '../errors.ts';
import { intOption } from './int-option.ts';
import { resolveIndexDir } from './resolve-index.ts';
import { type CommandIo, processIo } from './run-command.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DEFAULT_JAMENDO = path.resolve(REPO_ROOT, '../shared/data/jamendo');
const DEFAULT_RESULTS = path.join(REPO_ROOT, 'bench', 'RESULTS.md');
const DEFAULT_FAISS_SIZES = [18_486, 100_000, 1_000_000];
const DEFAULT_TRACK_SEARCH_SIZES = [18_486, 1_000_000];
const DEFAULT_SIMILAR_SIZES = [100_000, 1_000_000];

export const BENCH_USAGE = `Usage: npm run bench -- [--models tiny|full|<models dir>] [--json] [options]

Reports figures (no pass/fail) and writes them to bench/RESULTS.md (one section per model set):
cold start; per-stage, end-to-end and cache-hit latency (p50/p95/p99) over different prompts;
throughput at several concurrencies with the main thread's event-loop lag; peak RSS of the
serving process; text and audio index build throughput; FAISS scaling on synthetic vectors;
the lexical stage and track search (autocomplete) by catalog size.

  --models <m>            tiny (default): the generated test models; full: generated models with
                          the real architectures (all-MiniLM-L6-v2, CLAP's RoBERTa-base text tower),
                          written to MODELS_DIR on first use (~10 s, ~830 MB); or a folder of real
                          models named by SBERT_MODEL and CLAP_MODEL
  --json                  print one JSON object instead of the tables
  --queries <n>           different prompts per measurement (default 500)
  --warmup <n>            prompts run first, not counted (default 20)
  --concurrency <list>    callers at once for throughput (default 1,4,16)
  --throughput-queries <n> prompts per concurrency level (default 200)
  --jamendo <dir>         MTG-Jamendo metadata for the 18,486-track bench index (default ../shared/data/jamendo)
  --index <dir|name>      bench this index instead (no text build figure)
  --faiss-sizes <list>    synthetic 384-d index sizes (default 18486,100000,1000000; "none" skips):
                          Flat, HNSW32 (up to 100,000: its 1M build takes ~40 min), IVF-Flat, IVF-SQ8
                          and IVF-PQ fast-scan with exact re-rank (about 4·√n lists); 1M takes ~30 min,
                          each build and search in a process of its own (at most ~6 GB at 1M)
  --ef-search-sweep <list> extra HNSW efSearch values measured on the same graphs (default 1536,3072;
                          "none" skips)
  --nprobe-sweep <list>   extra IVF nprobe values measured on the same lists (default 32,64,128;
                          "none" skips)
  --faiss-only            run the FAISS scaling section alone (synthetic vectors; no index build,
                          models or serving run) and write it to its own section of the results file
  --lexical-sizes <list>  lexical stage sizes in documents (default 18486,100000,1000000; "none" skips;
                          synthetic documents made from the Jamendo catalog; 1M takes ~1 min),
                          with minisearch and wink-bm25-text-search compared on the real catalog
  --track-search-sizes <list> track search (autocomplete, seed lookup) sizes (default 18486,1000000;
                          "none" skips): the real Jamendo tracks up to their number, synthetic named
                          tracks beyond (1M takes ~2 min, mostly building its lexical index)
  --similar-sizes <list>  "more like this" audio-side sizes (default 100000,1000000; "none" skips):
                          synthetic 512-d catalogs, Flat and IVF (about 4·√n lists) compared on
                          the same seeds; similar() itself is always timed on the bench index
  --similar-only          run the similar section alone (the bench index, or --index, and the
                          audio-side sizes; no serving run) into its own section of the results file
  --track-search-only     run the track search section alone (no index build, models or serving run)
                          and write it to its own section of the results file
  --no-audio              skip the audio tower throughput
  --results <file>        where to write the results (default bench/RESULTS.md)
  --no-results            do not write a results file`;

function intList(name: string, raw: string | undefined, fallback: number[], min: number): number[] {
  if (raw === undefined) return fallback;
  if (raw.trim() === 'none') return [];
  const values = raw.split(',').map((part) => intOption(name, part.trim(), min)!);
  if (values.length === 0) throw new UserError(`--${name} needs a comma-separated list of whole numbers.`);
  return values;
}

export async function benchCommand(argv: string[], io: CommandIo = processIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      models: { type: 'string', default: 'tiny' },
      json: { type: 'boolean', default: false },
      queries: { type: 'string' },
      warmup: { type: 'string' },
      concurrency: { type: 'string' },
      'throughput-queries': { type: 'string' },
      jamendo: { type: 'string' },
      index: { type: 'string' },
      'faiss-sizes': { type: 'string' },
      'lexical-sizes': { type: 'string' },
      'ef-search-sweep': { type: 'string' },
      'nprobe-sweep': { type: 'string' },
      'faiss-only': { type: 'boolean', default: false },
      'track-search-sizes': { type: 'string' },
      'track-search-only': { type: 'boolean', default: false },
      'similar-sizes': { type: 'string' },
      'similar-only': { type: 'boolean', default: false },
      'no-audio': { type: 'boolean', default: false },
      results: { type: 'string' },
      'no-results': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(BENCH_USAGE);
    return 0;
  }
  const jamendoDir = path.resolve(values.jamendo ?? DEFAULT_JAMENDO);
  const trackSearchSizes = intList('track-search-sizes', values['track-search-sizes'], DEFAULT_TRACK_SEARCH_SIZES, 1);
  const onProgress = (line: string) => io.err(`bench: ${line}`);
  const resultsFile = values['no-results'] ? null : path.resolve(values.results ?? DEFAULT_RESULTS);
  const command = `npm run bench -- ${argv.join(' ')}`.trim();
  /** Writes a report into its section of the results file (unless --no-results) and prints it. */
  const publish = async <R>(report: R, write: (file: string, r: R, command: string) => Promise<void>, format: (r: R) => string): Promise<number> => {
    if (resultsFile) {
      await write(resultsFile, report, command);
      io.err(`bench: results written to ${path.relative(process.cwd(), resultsFile) || resultsFile}`);
    }
    io.out(values.json ? JSON.stringify(report) : format(report));
    return 0;
  };
  const faissSizes = intList('faiss-sizes', values['faiss-sizes'], DEFAULT_FAISS_SIZES, 1000);
  const efSearchSweep = intList('ef-search-sweep', values['ef-search-sweep'], [1536, 3072], 1);
  const nprobeSweep = intList('nprobe-sweep', values['nprobe-sweep'], [32, 64, 128], 1);
  if (values['faiss-only']) {
    if (faissSizes.length === 0) throw new UserError('--faiss-only needs at least one size.', 'Leave --faiss-sizes out, or give sizes.');
    const report = await runFaissBenchAlone({ faissSizes, efSearchSweep, nprobeSweep, onProgress });
    return publish(report, writeFaissResults, formatFaissReport);
  }
  if (values['track-search-only']) {
    if (trackSearchSizes.length === 0) throw new UserError('--track-search-only needs at least one size.', 'Leave --track-search-sizes out, or give sizes.');
    const report = await runTrackSearchBench({ jamendoDir, trackSearchSizes, onProgress });
    return publish(report, writeTrackSearchResults, formatTrackSearchReport);
  }
  const config = loadConfig();
  const similarSizes = intList('similar-sizes', values['similar-sizes'], DEFAULT_SIMILAR_SIZES, 1000);
  if (values['similar-only']) {
    const report = await runSimilarBenchAlone(config, {
      models: values.models,
      ...(values.index ? { indexDir: resolveIndexDir(values.index, config) } : {}),
      jamendoDir,
      similarSizes,
      onProgress,
    });
    return publish(report, writeSimilarResults, formatSimilarReport);
  }
  const report = await runBench(config, {
    models: values.models,
    ...(values.index ? { indexDir: resolveIndexDir(values.index, config) } : {}),
    jamendoDir,
    queries: intOption('queries', values.queries, 1) ?? 500,
    warmup: intOption('warmup', values.warmup, 0) ?? 20,
    concurrency: intList('concurrency', values.concurrency, [1, 4, 16], 1),
    throughputQueries: intOption('throughput-queries', values['throughput-queries'], 1) ?? 200,
    faissSizes,
    lexicalSizes: intList('lexical-sizes', values['lexical-sizes'], DEFAULT_FAISS_SIZES, 1000),
    trackSearchSizes,
    similarSizes,
    efSearchSweep,
    nprobeSweep,
    audio: !values['no-audio'],
    onProgress,
  });
  return publish(report, writeResults, formatReport);
}
