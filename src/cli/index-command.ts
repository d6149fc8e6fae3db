import path from 'node:path';
import { parseArgs } from 'node:util';
import { readCatalog } from '../catalog/catalog-file.ts';
import { loadConfig, modelRuntime } from '../config.ts';
import { UserError } from '../errors.ts';
import { intOption } from './int-option.ts';
import { buildIndex } from '../indexing/build-index.ts';
import { buildAudioIndex } from '../indexing/audio/build-audio-index.ts';
import { isBuildInterrupted } from '../indexing/audio/interrupted.ts';
import { prebuildPreviews } from '../indexing/audio/previews.ts';
import { EXIT_INTERRUPTED, stopOnSignals } from '../indexing/audio/stop-on-signals.ts';
import { type IndexManifest, indexMode } from '../retrieval/artifacts/manifest.ts';
import { type CommandIo, processIo } from './run-command.ts';
import { describeLexicon, lexicalOptions } from './lexical-options.ts';
import { addLexicalStage } from '../indexing/lexical/add-lexical-stage.ts';
import { resolveIndexDir } from './resolve-index.ts';
import { buildDistributedIndex, DEFAULT_CHUNK_SIZE } from '../indexing/distributed/build-distributed-index.ts';
import { DEFAULT_ATTEMPTS } from '../indexing/distributed/protocol.ts';
import { openRedisLink } from '../indexing/distributed/redis-link.ts';

export const INDEX_USAGE = `Usage: npm run index -- --catalog <catalog.csv> [--out embeddings/<name>] [--name <name>]
       npm run index -- --add-lexical <index dir|name> [--tag-map tag_map.json]
                      [--factory Flat|IVF4096,Flat|HNSW32|IVF4096,SQ8|…] [--ef-search N] [--nprobe N]
                      [--sbert-model <id>] [--audio-root <dir> [--clap-model <id>] [--previews]]
                      [--tag-map tag_map.json] [--no-lexical] [--quiet]
                      [--queue redis://host:6379 [--chunk-size 64] [--attempts 3]]

Embeds each track's caption and tags with the SBERT model, builds the faiss index, and writes the
index folder atomically, with the lexical stage (BM25F over captions, keywords and tags, and the
tag lexicon that query understanding reads; --tag-map adds the catalog's tag aliases to it;
--no-lexical builds a dense-only index). Without --factory: Flat (exact) up to 50,000 tracks, IVF-Flat above
(about 4·√n lists, nprobe 1/32 of them: recall@300 ≥ 0.95 at a few ms per query up to a million tracks;
see the README's Performance section). Models load from MODELS_DIR (see .env.example).

With --audio-root, also embeds each track's audio (catalog paths under that folder, e.g.
MTG-Jamendo's 48/948.mp3) with the CLAP model (default CLAP_MODEL; the generated one is
cratedigger/tiny-clap): the index then reranks by sound (two-stage). Progress is saved in
<out>.partial/ as it goes: after Ctrl-C or a crash, the same command resumes. Files that are
missing, unreadable or silent are listed in <out>/audio_failures.csv. --previews also makes the
preview clips (PREVIEW_CACHE_DIR) the bot attaches.

With --queue (and --audio-root), the audio is embedded by \`npm run index-worker -- --queue <URL>\`
processes on any number of machines: this command queues the catalog in chunks of --chunk-size
tracks (default ${DEFAULT_CHUNK_SIZE}) on that Redis, embeds the text meanwhile, waits with a progress bar,
and writes the same index a single-process build writes. A chunk is tried --attempts times (default
${DEFAULT_ATTEMPTS}); one that fails every time fails the build, naming it, with nothing written. Run the same
command again to resume: chunks done stay in Redis. See the README's "Building on many machines".

--add-lexical adds (or rebuilds) the lexical stage of an existing index in place, from its tracks:
for indexes built before it, or imported from the Python prototype. Nothing is re-embedded.`;

export async function indexCommand(argv: string[], io: CommandIo = processIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      catalog: { type: 'string' },
      out: { type: 'string' },
      name: { type: 'string' },
      factory: { type: 'string' },
      'ef-search': { type: 'string' },
      nprobe: { type: 'string' },
      'sbert-model': { type: 'string' },
      'clap-model': { type: 'string' },
      'audio-root': { type: 'string' },
      previews: { type: 'boolean', default: false },
      'tag-map': { type: 'string' },
      'no-lexical': { type: 'boolean', default: false },
      'add-lexical': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      queue: { type: 'string' },
      'chunk-size': { type: 'string' },
      attempts: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(INDEX_USAGE);
    return 0;
  }
  if (values['add-lexical']) {
    const dir = resolveIndexDir(values['add-lexical'], loadConfig());
    const started = Date.now();
    const manifest = await addLexicalStage(dir, await lexicalOptions(values['tag-map']));
    io.out(`Added the lexical stage to ${dir}: ${manifest.lexical!.terms} terms, tag lexicon ${describeLexicon(manifest)}, version ${manifest.version} (${((Date.now() - started) / 1000).toFixed(1)} s).`);
    return 0;
  }
  if (!values.catalog) throw new UserError('--catalog <catalog.csv> is required.', 'Make one with `npm run catalog -- demo --out demo/catalog.csv`.');
  const audioRoot = values['audio-root'];
  if (!audioRoot && values['clap-model']) throw new UserError('--clap-model needs --audio-root: CLAP embeds the tracks\' audio.');
  if (!audioRoot && values.queue) throw new UserError('--queue needs --audio-root: the workers embed the tracks\' audio.');
  if (!values.queue && (values['chunk-size'] || values.attempts)) throw new UserError('--chunk-size and --attempts go with --queue (a distributed build).');
  if (!audioRoot && values.previews) throw new UserError('--previews needs --audio-root: clips are cut from the tracks\' audio.');
  const config = loadConfig();
  const outDir = path.resolve(values.out ?? path.join(config.index.embeddingsDir, path.parse(values.catalog).name));
  const efSearch = intOption('ef-search', values['ef-search'], 1);
  const nprobe = intOption('nprobe', values.nprobe, 1);
  const started = Date.now();
  const common = {
    catalogFile: values.catalog,
    outDir,
    name: values.name,
    ...(values.factory ? { factory: values.factory } : {}),
    searchParams: { ...(efSearch ? { efSearch } : {}), ...(nprobe ? { nprobe } : {}) },
    sbertModel: values['sbert-model'] ?? config.models.sbert,
    runtime: modelRuntime(config),
    silent: values.quiet,
    lexical: values['no-lexical'] ? (false as const) : await lexicalOptions(values['tag-map']),
  };

  const wrote = (manifest: IndexManifest) =>
    io.out(
      `Wrote ${outDir}: ${manifest.catalog.tracks} tracks, ${manifest.textIndex.factory}, ${indexMode(manifest)}, ${manifest.lexical ? `lexical stage with tag lexicon ${describeLexicon(manifest)}` : 'no lexical stage'}, version ${manifest.version} (${((Date.now() - started) / 1000).toFixed(1)} s).`,
    );
  if (!audioRoot) {
    wrote(await buildIndex(common));
    return 0;
  }
  const chunkSize = intOption('chunk-size', values['chunk-size'], 1, 10_000);
  const attempts = intOption('attempts', values.attempts, 1, 100);
  const clapModel = values['clap-model'] ?? config.models.clap;
  const stop = stopOnSignals(io.err);
  try {
    try {
      if (values.queue) {
        const redis = await openRedisLink(values.queue, (err) => io.err(`index: Redis: ${err.message}`));
        try {
          const report = await buildDistributedIndex({ ...common, audioRoot, clapModel, redis, stop: stop.signal, log: io.err, ...(chunkSize ? { chunkSize } : {}), ...(attempts ? { attempts } : {}) });
          wrote(report.manifest);
        } finally {
          await redis.close();
        }
      } else {
        const report = await buildAudioIndex({ ...common, audioRoot, clapModel, ffmpegPath: config.audio.tools.ffmpegPath, stop: stop.signal, log: io.err });
        wrote(report.manifest);
      }
    } catch (err) {
      if (!isBuildInterrupted(err)) throw err;
      io.err(`index: ${err.full}`);
      return EXIT_INTERRUPTED;
    }
    if (values.previews) {
      try {
        const report = await prebuildPreviews(await readCatalog(values.catalog), {
          ...config.audio.tools,
          audioRoot,
          cacheDir: config.audio.previewCacheDir,
          excerptSec: config.audio.previewSeconds,
          silent: values.quiet,
          signal: stop.signal,
        });
        io.err(`previews in ${config.audio.previewCacheDir}: ${report.made} made, ${report.cached} cached, ${report.originals} originals (no-derivatives licences), ${report.none} without a clip.`);
      } catch (err) {
        if (!stop.signal.aborted) throw err;
        io.err('index: stopped while making previews; the index is written and the clips made so far are kept. Run again to finish them.');
        return EXIT_INTERRUPTED;
      }
    }
  } finally {
    stop.release();
  }
  return 0;
}
