import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { UserError } from '../errors.ts';
import { buildIndex } from '../indexing/build-index.ts';
import { indexMode } from '../retrieval/artifacts/manifest.ts';
import { type CommandIo, processIo } from './run-command.ts';

export const INDEX_USAGE = `Usage: npm run index -- --catalog <catalog.csv> [--out embeddings/<name>] [--name <name>]
                      [--factory Flat|HNSW32|IVF1024,PQ32np|…] [--ef-search N] [--nprobe N]
                      [--sbert-model <id>] [--clap-model <id>] [--audio-root <dir>] [--quiet]

Embeds each track's caption and tags with the SBERT model, builds the faiss index, and writes the
index folder atomically. Models load from MODELS_DIR (see .env.example).`;

function positiveInt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`--${name} must be a positive whole number (got "${v}").`);
  return n;
}

export async function indexCommand(argv: string[], io: CommandIo = processIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      catalog: { type: 'string' },
      out: { type: 'string' },
      name: { type: 'string' },
      factory: { type: 'string', default: 'Flat' },
      'ef-search': { type: 'string' },
      nprobe: { type: 'string' },
      'sbert-model': { type: 'string' },
      'clap-model': { type: 'string' },
      'audio-root': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(INDEX_USAGE);
    return 0;
  }
  if (!values.catalog) throw new UserError('--catalog <catalog.csv> is required.', 'Make one with `npm run catalog -- demo --out demo/catalog.csv`.');
  const config = loadConfig();
  const outDir = path.resolve(values.out ?? path.join(config.index.embeddingsDir, path.parse(values.catalog).name));
  const efSearch = positiveInt('ef-search', values['ef-search']);
  const nprobe = positiveInt('nprobe', values.nprobe);
  if (values['audio-root']) throw new UserError('--audio-root is not supported yet.');
  const started = Date.now();
  const manifest = await buildIndex({
    catalogFile: values.catalog,
    outDir,
    name: values.name,
    factory: values.factory,
    searchParams: { ...(efSearch ? { efSearch } : {}), ...(nprobe ? { nprobe } : {}) },
    sbertModel: values['sbert-model'] ?? config.models.sbert,
    runtime: { modelsDir: config.models.dir, dtype: config.models.dtype, threads: config.models.threads, allowRemote: config.models.allowRemote },
    silent: values.quiet,
  });
  io.out(
    `Wrote ${outDir}: ${manifest.catalog.tracks} tracks, ${manifest.textIndex.factory}, ${indexMode(manifest)}, version ${manifest.version} (${((Date.now() - started) / 1000).toFixed(1)} s).`,
  );
  return 0;
}
