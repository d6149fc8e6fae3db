import { formatFaissReport, formatReport, formatSimilarReport, formatTrackSearchReport } from './format-report.ts';
import type { BenchReport, FaissOnlyReport, SimilarOnlyReport, TrackSearchReport } from './run-bench.ts';
import { mergeLabelledSection, type ResultsDocument, sectionMarker, writeLabelledSection } from './markdown-sections.ts';

const RESULTS_DOC: ResultsDocument = {
  kind: 'bench',
  title: '# Benchmark results',
  intro: [
    'Written by `npm run bench` (one section per model set), `npm run bench:bot` (the bot under load) and `npm run bench:voice` (voice playback); a run replaces its own section.',
    'Figures are from one run on the machine named in each section; `--json` prints the same figures as one object.',
  ],
};

const marker = (label: string, end: boolean) => sectionMarker(RESULTS_DOC.kind, label, end);

/** A labelled section: heading, the command that wrote it, the figures as Markdown, and the JSON for comparisons. */
export function labelledSection(label: string, heading: string, command: string, markdown: string, json: unknown): string {
  return [
    marker(label, false),
    `## ${heading}`,
    '',
    `\`${command}\``,
    '',
    markdown,
    '',
    '<details><summary>JSON</summary>',
    '',
    '```json',
    JSON.stringify(json, null, 1),
    '```',
    '',
    '</details>',
    marker(label, true),
  ].join('\n');
}

/** The Markdown section of one run: its figures, the command, and the JSON for comparisons. */
export function resultsSection(report: BenchReport, command: string): string {
  const label = report.models.label;
  return labelledSection(label, `Models: ${label}`, command, formatReport(report), report);
}

/** Replaces this model set's section of `text` (or appends it), keeping the other sections. */
export function mergeSection(text: string, label: string, section: string): string {
  return mergeLabelledSection(RESULTS_DOC, text, label, section);
}

/** Writes the run into `file` atomically (temp file + rename). */
export async function writeResults(file: string, report: BenchReport, command: string): Promise<void> {
  await writeLabelledSection(file, RESULTS_DOC, report.models.label, resultsSection(report, command));
}

/** Writes a section made by `labelledSection` (e.g. the bot under load) into `file`, keeping the others. */
export async function writeResultsSection(file: string, label: string, section: string): Promise<void> {
  await writeLabelledSection(file, RESULTS_DOC, label, section);
}

/** The label of the section `--track-search-only` writes (a full run carries the same table in its own). */
export const TRACK_SEARCH_LABEL = 'track-search';

/** Writes a `--track-search-only` run into `file` as its own section. */
export async function writeTrackSearchResults(file: string, report: TrackSearchReport, command: string): Promise<void> {
  const section = labelledSection(TRACK_SEARCH_LABEL, 'Track search (autocomplete)', command, formatTrackSearchReport(report), report);
  await writeLabelledSection(file, RESULTS_DOC, TRACK_SEARCH_LABEL, section);
}

/** The label of the section `--similar-only` writes (a full run carries the same tables in its own). */
export const SIMILAR_LABEL = 'similar';

/** Writes a `--similar-only` run into `file` as its own section. */
export async function writeSimilarResults(file: string, report: SimilarOnlyReport, command: string): Promise<void> {
  const section = labelledSection(SIMILAR_LABEL, '"More like this" (similar)', command, formatSimilarReport(report), report);
  await writeLabelledSection(file, RESULTS_DOC, SIMILAR_LABEL, section);
}

/** The label of the section `--faiss-only` writes (a full run carries the same table in its own). */
export const FAISS_LABEL = 'faiss';

/** Writes a `--faiss-only` run into `file` as its own section. */
export async function writeFaissResults(file: string, report: FaissOnlyReport, command: string): Promise<void> {
  const section = labelledSection(FAISS_LABEL, 'FAISS scaling (first stage, synthetic 384-d)', command, formatFaissReport(report), report);
  await writeLabelledSection(file, RESULTS_DOC, FAISS_LABEL, section);
}
