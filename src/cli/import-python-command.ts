import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { UserError } from '../errors.ts';
import { importPythonArtifacts, PYTHON_FILES } from '../indexing/import-python.ts';
import { type CommandIo, processIo } from './run-command.ts';

export const IMPORT_PYTHON_USAGE = `Usage: npm run import-python -- --dir <prototype output dir> [--out embeddings/<name>] [--name <name>]
                              [--catalog <catalog.csv with credits>] [--sbert-model <id>] [--clap-model <id>] [--factory Flat|HNSW32|…]

Reads the Python prototype's ${Object.values(PYTHON_FILES).join(', ')}
(clap_audio_embs.npy may be a raw float32 memmap without a header) and writes an index folder that
serves /recommend like a native one. Vectors are re-normalized; rows, widths and the faiss index are
checked against each other and against the configured models (SBERT_MODEL, CLAP_MODEL).
--catalog joins credits (title, artist, licence, path, duration) by track id, e.g. a catalog made by
\`npm run catalog -- jamendo … --meta raw.meta.tsv --licenses audio_licenses.txt\`.`;

export async function importPythonCommand(argv: string[], io: CommandIo = processIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      dir: { type: 'string' },
      out: { type: 'string' },
      name: { type: 'string' },
      catalog: { type: 'string' },
      'sbert-model': { type: 'string' },
      'clap-model': { type: 'string' },
      factory: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(IMPORT_PYTHON_USAGE);
    return 0;
  }
  if (!values.dir) throw new UserError('--dir <folder> is required.', 'Give the folder where the prototype wrote meta_index.csv and its .npy files.');
  const config = loadConfig();
  const outDir = path.resolve(values.out ?? path.join(config.index.embeddingsDir, 'prototype'));
  const report = await importPythonArtifacts({
    dir: values.dir,
    outDir,
    name: values.name,
    sbertModel: values['sbert-model'] ?? config.models.sbert,
    clapModel: values['clap-model'] ?? config.models.clap,
    modelsDir: config.models.dir,
    dtype: config.models.dtype,
    ...(values.factory ? { factory: values.factory } : {}),
    creditsCatalog: values.catalog,
  });
  for (const w of report.warnings) io.err(`import-python: warning: ${w}`);
  io.out(
    [
      `Wrote ${outDir} (version ${report.manifest.version}):`,
      `  tracks: ${report.rows}`,
      `  audio embeddings: ${report.audioEmbedded} (${report.rows - report.audioEmbedded} without; they rank after tracks with audio)`,
      `  text index: ${report.manifest.textIndex.factory}, ${report.manifest.models.text.dim} dimensions (${report.manifest.models.text.id})`,
      `  CLAP: ${report.manifest.models.clap?.id} (${report.manifest.models.clap?.dim} dimensions)`,
      ...(values.catalog ? [`  credits joined: ${report.creditsJoined} of ${report.rows}`] : []),
    ].join('\n'),
  );
  return 0;
}
