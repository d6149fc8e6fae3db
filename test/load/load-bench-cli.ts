/**
 * What `npm run bench:bot` and `npm run bench:voice` share: the output options, writing their
 * section of bench/RESULTS.md, printing, and running as the process's entry point.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import dotenv from 'dotenv';
import { labelledSection, writeResultsSection } from '../../src/bench/results-file.ts';
import { runCommand, type CommandIo } from '../../src/cli/run-command.ts';
import { REPO_ROOT } from '../helpers/paths.ts';

/** parseArgs options every load bench takes besides its own. */
export const OUTPUT_OPTIONS = {
  json: { type: 'boolean', default: false },
  results: { type: 'string' },
  'no-results': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The usage lines of OUTPUT_OPTIONS (help is implied). */
export const OUTPUT_USAGE = `  --json               print one JSON object instead of the tables
  --results <file>     where to write the results (default bench/RESULTS.md)
  --no-results         do not write a results file`;

export interface LoadBenchOutput {
  /** The npm script, e.g. "bench:voice": the results file's command line and the progress prefix. */
  script: string;
  /** The section's label in the results file, and its heading. */
  label: string;
  title: string;
  markdown: string;
  /** The whole report: printed with --json. */
  report: unknown;
  /** What the results file's JSON holds, when not the whole report. */
  summary?: unknown;
}

/** Writes the section (unless --no-results) and prints the tables or, with --json, the report. */
export async function publishLoadBench(out: LoadBenchOutput, argv: string[], values: { json: boolean; results?: string | undefined; 'no-results': boolean }, io: CommandIo): Promise<number> {
  if (!values['no-results']) {
    const file = path.resolve(values.results ?? path.join(REPO_ROOT, 'bench', 'RESULTS.md'));
    const command = argv.length ? `npm run ${out.script} -- ${argv.join(' ')}` : `npm run ${out.script}`;
    await writeResultsSection(file, out.label, labelledSection(out.label, out.title, command, out.markdown, out.summary ?? out.report));
    io.err(`${out.script}: results written to ${path.relative(process.cwd(), file) || file}`);
  }
  io.out(values.json ? JSON.stringify(out.report) : out.markdown);
  return 0;
}

/** Runs `command` with the process's arguments when `moduleUrl` is the entry point (`npm run …`). */
export async function runIfMain(moduleUrl: string, script: string, command: (argv: string[]) => Promise<number>): Promise<void> {
  if (!process.argv[1] || path.resolve(process.argv[1]) !== fileURLToPath(moduleUrl)) return;
  dotenv.config({ quiet: true });
  process.exitCode = await runCommand(script, () => command(process.argv.slice(2)));
}
