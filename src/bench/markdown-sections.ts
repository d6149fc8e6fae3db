import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.ts';

/**
 * A Markdown results file made of labelled sections (one per model set): a run replaces its own
 * section and keeps the others. Used by bench/RESULTS.md and bench/QUALITY.md.
 */

export interface ResultsDocument {
  /** Marker namespace (`bench`, `eval`): sections of one document never match another's. */
  kind: string;
  title: string;
  intro: readonly string[];
}

export const sectionMarker = (kind: string, label: string, end: boolean) => `<!-- ${kind}:${label}:${end ? 'end' : 'start'} -->`;

/** Replaces the `label` section of `text` (or appends it), keeping the other sections. */
export function mergeLabelledSection(doc: ResultsDocument, text: string, label: string, section: string): string {
  const startMark = sectionMarker(doc.kind, label, false);
  const endMark = sectionMarker(doc.kind, label, true);
  const start = text.indexOf(startMark);
  const end = text.indexOf(endMark);
  if (start >= 0 && end > start) return `${text.slice(0, start)}${section}${text.slice(end + endMark.length)}`;
  const base = text.trim() ? text.trimEnd() : [doc.title, '', ...doc.intro].join('\n');
  return `${base}\n\n${section}\n`;
}

/** Merges the section into `file` and writes it atomically. */
export async function writeLabelledSection(file: string, doc: ResultsDocument, label: string, section: string): Promise<void> {
  const existing = await readFile(file, 'utf8').catch(() => '');
  const text = mergeLabelledSection(doc, existing, label, section);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, text.endsWith('\n') ? text : `${text}\n`);
}
