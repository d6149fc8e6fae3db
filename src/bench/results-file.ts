import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatReport } from './format-report.ts';
import type { BenchReport } from './run-bench.ts';

const TITLE = '# Benchmark results';
const INTRO = [
  'Written by `npm run bench` (one section per model set; a run replaces its own section).',
  'Figures are from one run on the machine named in each section; `--json` prints the same figures as one object.',
];

const marker = (label: string, end: boolean) => `<!-- bench:${label}:${end ? 'end' : 'start'} -->`;

/** The Markdown section of one run: its figures, the command, and the JSON for comparisons. */
export function resultsSection(report: BenchReport, command: string): string {
  const label = report.models.label;
  return [
    marker(label, false),
    `## Models: ${label}`,
    '',
    `\`${command}\``,
    '',
    formatReport(report),
    '',
    '<details><summary>JSON</summary>',
    '',
    '```json',
    JSON.stringify(report, null, 1),
    '```',
    '',
    '</details>',
    marker(label, true),
  ].join('\n');
}

/** Replaces this model set's section of `text` (or appends it), keeping the other sections. */
export function mergeSection(text: string, label: string, section: string): string {
  const start = text.indexOf(marker(label, false));
  const endMark = marker(label, true);
  const end = text.indexOf(endMark);
  if (start >= 0 && end > start) return `${text.slice(0, start)}${section}${text.slice(end + endMark.length)}`;
  const base = text.trim() ? text.trimEnd() : [TITLE, '', ...INTRO].join('\n');
  return `${base}\n\n${section}\n`;
}

/** Writes the run into `file` atomically (temp file + rename). */
export async function writeResults(file: string, report: BenchReport, command: string): Promise<void> {
  const existing = await readFile(file, 'utf8').catch(() => '');
  const text = mergeSection(existing, report.models.label, resultsSection(report, command));
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text.endsWith('\n') ? text : `${text}\n`);
  await rename(tmp, file);
}
