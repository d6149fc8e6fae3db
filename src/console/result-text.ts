import { formatDuration } from '../catalog/filters.ts';
import { truncate } from '../discord/embed-limits.ts';
import { clampPage, entryLabel, pageEntries, type ResultView, scoreLine, statusLine } from '../app/result-view.ts';

/** One page of results as plain text (the console stand-in for the embed). Pure. */
export function renderPageText(view: ResultView, page: number): string {
  const p = clampPage(view, page);
  const lines = [`"${truncate(view.prompt, 200)}"`];
  if (view.filter) lines.push(`Filters: ${view.filter}`);
  if (view.understood) lines.push(`Understood: ${view.understood}`);
  if (view.preview) lines.push(view.preview);
  lines.push('');
  const entries = pageEntries(view, p);
  for (const e of entries) {
    const dur = e.durationSec !== undefined ? `  [${formatDuration(e.durationSec)}]` : '';
    lines.push(`${String(e.rank).padStart(2)}. ${truncate(entryLabel(e), 70)}${dur}  ${scoreLine(e)}`);
    const tags = [e.mood, e.genre, e.instrument].flat();
    if (tags.length) lines.push(`    ${truncate(tags.join(', '), 90)}`);
    if (e.matched?.length) lines.push(`    matched: ${e.matched.join(' · ')}`);
    if (e.caption.trim()) lines.push(`    ${truncate(e.caption.replace(/\s+/g, ' ').trim(), 90)}`);
    if (e.url) lines.push(`    ${e.url}`);
  }
  if (!view.entries.length) lines.push('No tracks matched. Try other words, or fewer filters.');
  lines.push('', statusLine(view, p));
  return lines.join('\n');
}
