import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UserError } from '../errors.ts';
import { type CommandIo, processIo, runCommand } from './run-command.ts';
import { writeCatalog } from '../catalog/catalog-file.ts';
import { DEMO_DEFAULT_SEED, DEMO_DEFAULT_TRACKS, generateDemoCatalog } from '../catalog/demo-catalog.ts';
import { downloadJamendoFiles } from '../catalog/jamendo/download.ts';
import { importJamendoFiles } from '../catalog/jamendo/import-files.ts';
import type { JamendoPaths } from '../catalog/jamendo/import-files.ts';
import { formatImportSummary } from '../catalog/jamendo/import-summary.ts';

/**
 * `npm run catalog -- <jamendo|demo> …`: builds catalog files. Exit codes: 0 done,
 * 2 bad usage or input, 1 failure (download impossible, unexpected error).
 */

const USAGE = `Usage:
  npm run catalog -- jamendo --metadata <tsv|metadata_base.csv> [--metadata …] [--captions <captions.csv>]
                             [--tag-map <tag_map.json>] [--meta <raw.meta.tsv>] [--licenses <audio_licenses.txt>]
                             --out <catalog.csv>
  npm run catalog -- jamendo --download [--dir <cache dir>] [--mirror <base url>] [other options as above] --out <catalog.csv>
  npm run catalog -- demo --out <catalog.csv> [--tracks N] [--seed S]

jamendo   Import MTG-Jamendo metadata: autotagging TSVs (several subsets merge by track id) or the
          prototype's metadata_base.csv; captions with keyword tails, tag aliases, credits, licences.
          --download fetches the public TSVs, raw.meta.tsv and audio_licenses.txt first (needs internet;
          cached in --dir, default .cache/mtg-jamendo).
demo      Write the deterministic demo catalog (default ${DEMO_DEFAULT_TRACKS} tracks, seed ${DEMO_DEFAULT_SEED}).`;

export function runCatalogCommand(argv: string[], io: CommandIo = processIo): Promise<number> {
  return runCommand('catalog', () => catalogCommand(argv, io), io);
}

async function catalogCommand(argv: string[], io: CommandIo): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'jamendo':
      return runJamendo(rest, io);
    case 'demo':
      return runDemo(rest, io);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(USAGE);
      return sub === undefined ? 2 : 0;
    default:
      throw new UserError(`Unknown catalog command "${sub}".`, 'Use `jamendo` or `demo` (see --help).');
  }
}

async function runJamendo(args: string[], io: CommandIo): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      metadata: { type: 'string', multiple: true },
      captions: { type: 'string' },
      'tag-map': { type: 'string' },
      meta: { type: 'string' },
      licenses: { type: 'string' },
      out: { type: 'string' },
      download: { type: 'boolean' },
      dir: { type: 'string' },
      mirror: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  if (!values.out) throw new UserError('Missing --out <catalog file>.', 'See `npm run catalog -- --help`.');
  if ((values.dir || values.mirror) && !values.download) {
    throw new UserError('--dir and --mirror only apply with --download.');
  }
  const paths: JamendoPaths = { metadata: values.metadata ?? [] };
  if (values.captions) paths.captions = values.captions;
  if (values['tag-map']) paths.tagMap = values['tag-map'];
  if (values.meta) paths.meta = values.meta;
  if (values.licenses) paths.licenses = values.licenses;

  if (values.download) {
    const files = await downloadJamendoFiles({
      dir: values.dir ?? '.cache/mtg-jamendo',
      ...(values.mirror ? { baseUrl: values.mirror } : {}),
      log: io.out,
    });
    paths.metadata = [...files.metadata, ...paths.metadata];
    paths.meta ??= files.meta;
    paths.licenses ??= files.licenses;
  } else if (paths.metadata.length === 0) {
    throw new UserError(
      'Missing --metadata <file>.',
      'Give MTG-Jamendo TSVs or metadata_base.csv with --metadata (repeatable), or --download to fetch them.',
    );
  }

  const started = Date.now();
  io.out(`importing ${paths.metadata.length} metadata file(s)…`);
  const { tracks, summary } = await importJamendoFiles(paths);
  if (tracks.length === 0) {
    throw new UserError('The metadata files hold no usable tracks; nothing written.', 'See the skipped rows above.');
  }
  const out = resolve(values.out);
  await mkdir(dirname(out), { recursive: true });
  await writeCatalog(out, tracks);
  for (const line of formatImportSummary(summary, values.out)) io.out(line);
  io.out(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}

async function runDemo(args: string[], io: CommandIo): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      out: { type: 'string' },
      tracks: { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  if (!values.out) throw new UserError('Missing --out <catalog file>.', 'See `npm run catalog -- --help`.');
  const count = values.tracks === undefined ? DEMO_DEFAULT_TRACKS : Number(values.tracks);
  if (!Number.isInteger(count) || count < 1 || count > 999_999) {
    throw new UserError(`--tracks must be a whole number from 1 to 999999, got "${values.tracks}".`);
  }
  // Seeds are hashed as text, so "--seed 7" and seed 7 give the same catalog.
  const seed = values.seed ?? DEMO_DEFAULT_SEED;
  const tracks = generateDemoCatalog({ tracks: count, seed });
  const out = resolve(values.out);
  await mkdir(dirname(out), { recursive: true });
  await writeCatalog(out, tracks);
  io.out(`demo catalog: ${tracks.length} tracks (seed ${seed}) → ${values.out}`);
  return 0;
}
