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

export const INDEX_USAGE = `Usage: npm run index -- --catalog <catalog.csv> [--out embeddings/<name>] [--name <name>]
       npm run index -- --add-lexical <index dir|name> [--tag-map tag_map.json]
                      [--factory Flat|HNSW32|IVF1024,PQ32np|…] [--ef-search N] [--nprobe N]
                      [--sbert-model <id>] [--audio-root <dir> [--clap-model <id>] [--previews]]
                      [--tag-map tag_map.json] [--no-lexical] [--quiet]

Embeds each track's caption and tags with the SBERT model, builds the faiss index, and writes the
index folder atomically, with the lexical stage (BM25F over captions, keywords and tags, and the
tag lexicon that query understanding reads; --tag-map adds the catalog's tag aliases to it;
--no-lexical builds a dense-only index). Without --factory: Flat (exact) up to 50,000 tracks, HNSW32 above
(recall@300 ≥ 0.95 at a few ms per query; see the README's Performance section). Models load from MODELS_DIR (see .env.example).

With --audio-root, also embeds each track's audio (catalog paths under that folder, e.g.
MTG-Jamendo's 48/948.mp3) with the CLAP model (default CLAP_MODEL; the generated one is
cratedigger/tiny-clap): the index then reranks by sound (two-stage). Progress is saved in
<out>.partial/ as it goes: after Ctrl-C or a crash, the same command resumes. Files that are
missing, unreadable or silent are listed in <out>/audio_failures.csv. --previews also makes the
preview clips (PREVIEW_CACHE_DIR) the bot attaches.

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
  const stop = stopOnSignals(io.err);
  try {
    try {
      const report = await buildAudioIndex({ ...common, audioRoot, clapModel: values['clap-model'] ?? config.models.clap, ffmpegPath: config.audio.tools.ffmpegPath, stop: stop.signal, log: io.err });
      wrote(report.manifest);
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
