import type { ImportSummary } from './build-catalog.ts';
import { formatProblem } from './problems.ts';

const CATEGORY_LABEL = { mood: 'mood/theme', genre: 'genre', instrument: 'instrument' } as const;

/**
 * The import's report as plain lines: one fact per line, `name: number …`, so people can read
 * it and scripts can grep it. Problems are listed (up to `maxProblems`) with file and line.
 */
export function formatImportSummary(s: ImportSummary, out: string, maxProblems = 20): string[] {
  const lines: string[] = [];
  for (const src of s.sources) lines.push(`read ${src.file} (${src.format}): ${src.rows} rows`);
  lines.push(`tracks: ${s.tracks}`);
  for (const [category, label] of Object.entries(CATEGORY_LABEL) as [keyof typeof CATEGORY_LABEL, string][]) {
    const t = s.tags[category];
    lines.push(`${label}: ${t.distinct} tags, ${t.tracks} tracks with one`);
  }
  if (s.captions) {
    const c = s.captions;
    lines.push(
      `captions: ${c.joined + c.fromTags} (${c.joined} joined, ${c.fromTags} written from tags); ` +
        `${c.withKeywordTail} with a keyword tail; ${c.unmatched} for unknown tracks`,
    );
  } else {
    lines.push(`captions: ${s.tracks} written from tags (no captions file)`);
  }
  lines.push(`keywords: ${s.keywords.tracks} tracks with keywords`);
  lines.push(`titles: ${s.titles}` + (s.unmatchedCredits ? ` (${s.unmatchedCredits} credit rows for other tracks)` : ''));
  lines.push(`licences: ${s.licenses}` + (s.unmatchedLicenses ? ` (${s.unmatchedLicenses} blocks for other tracks)` : ''));
  lines.push(`rows skipped or with problems: ${s.problems.length}`);
  for (const p of s.problems.slice(0, maxProblems)) lines.push(`  ${formatProblem(p)}`);
  if (s.problems.length > maxProblems) lines.push(`  … and ${s.problems.length - maxProblems} more`);
  lines.push(`wrote ${out}`);
  return lines;
}
