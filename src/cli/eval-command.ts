import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { resolveBenchModels } from '../bench/bench-models.ts';
import { describeMachine } from '../bench/machine.ts';
import { writeLabelledSection } from '../bench/markdown-sections.ts';
import { loadConfig, modelRuntime } from '../config.ts';
import { UserError } from '../errors.ts';
import { ensureEvalIndex } from '../eval/eval-index.ts';
import { evalLexicalVariants } from '../eval/lexical-variants.ts';
import { JAMENDO_PARAPHRASES, type ParaphraseTable } from '../eval/paraphrases.ts';
import { formatQualityReport } from '../eval/quality-report.ts';
import { runEval } from '../eval/run-eval.ts';
import { intOption } from './int-option.ts';
import { lexicalOptions } from './lexical-options.ts';
import { resolveIndexDir } from './resolve-index.ts';
import { type CommandIo, processIo } from './run-command.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DEFAULT_JAMENDO = path.resolve(REPO_ROOT, '../shared/data/jamendo');
const DEFAULT_RESULTS = path.join(REPO_ROOT, 'bench', 'QUALITY.md');
const WORK_DIR = path.join(REPO_ROOT, '.cache', 'eval');

export const EVAL_USAGE = `Usage: npm run eval -- [--models tiny|full|<models dir>] [--json] [options]

Measures retrieval quality on the real MTG-Jamendo catalog (18,486 tracks, ../shared/data/jamendo):
queries built from tag pairs that enough tracks share, phrased by templates with the tags' words
(literal split) and with paraphrases that avoid them (paraphrase split), split by tag pair into a
dev half (the fusion weights are tuned on it) and a test half (reported, never tuned on). Metrics:
P@10, nDCG@10, MRR and first-stage recall@N, per configuration (dense only, lexical only, hybrid,
hybrid + query understanding, lexicon resources). One model load, in-process. Results go to
bench/QUALITY.md (one section per model set).

  --models <m>        tiny (default): the generated models; full: real-size generated ones; or a folder
                      of real models (SBERT_MODEL); the catalog is embedded once and cached in .cache/eval
  --index <dir|name>  evaluate this index instead (its tracks and tags; --tag-map for its aliases)
  --tag-map <file>    the catalog's tag map (default: the Jamendo folder's tag_map.json)
  --paraphrases <f>   JSON {category: {tag: [paraphrase, …]}} for the paraphrase split (default: Jamendo's)
  --jamendo <dir>     MTG-Jamendo metadata folder (default ../shared/data/jamendo)
  --limit <n>         only the catalog's first n tracks
  --pairs <n>         tag pairs per category pair (default 60)
  --min-relevant <n>  fewest tracks a tag pair needs to be asked (default 20)
  --no-tune           skip the grid search on the dev half (report the defaults only)
  --json              print one JSON object instead of the tables
  --results <file>    where to write the report (default bench/QUALITY.md); --no-results: nowhere`;

export async function evalCommand(argv: string[], io: CommandIo = processIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      models: { type: 'string', default: 'tiny' },
      index: { type: 'string' },
      'tag-map': { type: 'string' },
      paraphrases: { type: 'string' },
      jamendo: { type: 'string' },
      limit: { type: 'string' },
      pairs: { type: 'string' },
      'min-relevant': { type: 'string' },
      'no-tune': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      results: { type: 'string' },
      'no-results': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(EVAL_USAGE);
    return 0;
  }
  const config = loadConfig();
  const limit = intOption('limit', values.limit, 10);
  const pairs = intOption('pairs', values.pairs, 1);
  const minRelevant = intOption('min-relevant', values['min-relevant'], 1);
  const paraphrases = values.paraphrases ? await readParaphrases(values.paraphrases) : JAMENDO_PARAPHRASES;
  const jamendoDir = path.resolve(values.jamendo ?? DEFAULT_JAMENDO);
  const progress = (line: string) => io.err(`eval: ${line}`);

  let indexDir: string;
  let runtime = modelRuntime(config);
  let label: string;
  let tagMap = values['tag-map'] ? (await lexicalOptions(values['tag-map'])).tagMap : undefined;
  if (values.index) {
    indexDir = resolveIndexDir(values.index, config);
    label = `index ${path.basename(indexDir)}`;
  } else {
    const models = await resolveBenchModels(values.models, config, progress);
    runtime = { ...runtime, modelsDir: models.modelsDir, allowRemote: false };
    const built = await ensureEvalIndex({ jamendoDir, workDir: WORK_DIR, sbertModel: models.sbertId, runtime, ...(limit ? { limit } : {}), onProgress: progress });
    indexDir = built.indexDir;
    tagMap ??= built.tagMap;
    label = models.label;
  }

  const report = await runEval(config, {
    indexDir,
    runtime,
    ...(tagMap ? { tagMap } : {}),
    paraphrases,
    querySet: { ...(pairs ? { pairsPerKind: pairs } : {}), ...(minRelevant ? { minRelevant } : {}) },
    variants: (tracks) => evalLexicalVariants(tagMap, tracks),
    tune: !values['no-tune'],
    onProgress: progress,
  });
  const text = formatQualityReport(report);
  io.out(values.json ? JSON.stringify(report) : text);
  if (!values['no-results']) {
    const file = path.resolve(values.results ?? DEFAULT_RESULTS);
    const command = argv.length ? `npm run eval -- ${argv.join(' ')}` : 'npm run eval';
    const machine = describeMachine();
    const section = [`<!-- eval:${label}:start -->`, `## Models: ${label}`, '', `\`${command}\` on ${machine.cpu} (${machine.cores} cores), Node ${machine.node}`, '', text, `<!-- eval:${label}:end -->`].join('\n');
    await writeLabelledSection(file, { kind: 'eval', title: '# Retrieval quality', intro: QUALITY_INTRO }, label, section);
    io.err(`eval: written to ${path.relative(process.cwd(), file) || file}`);
  }
  return 0;
}

const QUALITY_INTRO = [
  'Written by `npm run eval` (one section per model set; a run replaces its own section).',
  'Tune on the dev half, read the test half. How the query set is built and what each metric means: README, "Retrieval quality".',
];

async function readParaphrases(file: string): Promise<ParaphraseTable> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as ParaphraseTable;
  } catch (err) {
    throw new UserError(`Cannot read the paraphrase table ${file}: ${(err as Error).message}.`, 'Give a JSON file {"mood": {"happy": ["cheerful"]}, …}.');
  }
}
