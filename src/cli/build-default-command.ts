import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeCatalog } from '../catalog/catalog-file.ts';
import { generateDemoCatalog } from '../catalog/demo-catalog.ts';
import { loadConfig } from '../config.ts';
import { buildIndex } from '../indexing/build-index.ts';
import { INDEX_FILES } from '../retrieval/artifacts/manifest.ts';
import { GENERATED_SBERT_ID } from '../models/generated-ids.ts';
import { type CommandIo, processIo } from './run-command.ts';

/** Where the demo catalog (and its synthesized audio) live: generated, never committed. */
export const DEMO_DIR = 'demo';
export const DEFAULT_INDEX_NAME = 'default';

/**
 * Builds the embedded default index: the deterministic demo catalog, embedded with the generated
 * models, in EMBEDDINGS_DIR/default. Kept when present unless --force.
 */
export async function buildDefaultCommand(argv: string[], io: CommandIo = processIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { force: { type: 'boolean', default: false }, quiet: { type: 'boolean', default: false } } });
  const config = loadConfig();
  const outDir = path.join(config.index.embeddingsDir, DEFAULT_INDEX_NAME);
  if (!values.force && existsSync(path.join(outDir, INDEX_FILES.manifest))) {
    io.out(`default index present: ${outDir}`);
    return 0;
  }
  const demoDir = path.resolve(DEMO_DIR);
  await mkdir(demoDir, { recursive: true });
  const catalogFile = path.join(demoDir, 'catalog.csv');
  await writeCatalog(catalogFile, generateDemoCatalog());
  const manifest = await buildIndex({
    catalogFile,
    outDir,
    name: DEFAULT_INDEX_NAME,
    factory: 'Flat',
    sbertModel: GENERATED_SBERT_ID,
    runtime: { modelsDir: config.models.dir, dtype: config.models.dtype, threads: config.models.threads, allowRemote: false },
    silent: values.quiet,
  });
  io.out(`default index built: ${outDir} (${manifest.catalog.tracks} demo tracks, version ${manifest.version})`);
  return 0;
}
