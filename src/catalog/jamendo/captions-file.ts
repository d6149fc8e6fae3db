import { UserError } from '../../errors.ts';
import { csvRecords } from './csv-records.ts';
import type { ImportProblem } from './problems.ts';

/** The prototype's `captions.csv`: `TRACK_ID,caption`, one generated caption per track. */
export function parseCaptionsCsv(text: string, source: string): { captions: Map<string, string>; problems: ImportProblem[] } {
  const captions = new Map<string, string>();
  const problems: ImportProblem[] = [];
  let idCol = -1;
  let captionCol = -1;
  let width = 0;
  for (const rec of csvRecords(text)) {
    const problem = (message: string) => problems.push({ file: source, line: rec.line, message });
    if ('error' in rec) {
      problem(`not valid CSV: ${rec.error}`);
      continue;
    }
    if (width === 0) {
      const keys = rec.fields.map((f) => f.trim().toLowerCase().replace(/[^a-z]/g, ''));
      idCol = keys.indexOf('trackid');
      captionCol = keys.indexOf('caption');
      if (idCol < 0 || captionCol < 0) {
        throw new UserError(
          `${source}: no TRACK_ID and caption columns (header: ${rec.fields.join(', ')}).`,
          'Captions must be a CSV with the header TRACK_ID,caption.',
        );
      }
      width = rec.fields.length;
      continue;
    }
    if (rec.fields.length !== width) {
      problem(`expected ${width} fields, found ${rec.fields.length}`);
      continue;
    }
    const id = rec.fields[idCol]!.trim();
    if (!id) {
      problem('empty TRACK_ID');
      continue;
    }
    if (captions.has(id)) {
      problem(`second caption for ${id}; row skipped`);
      continue;
    }
    captions.set(id, rec.fields[captionCol]!);
  }
  if (width === 0) throw new UserError(`${source} is empty.`, 'Captions must be a CSV with the header TRACK_ID,caption.');
  return { captions, problems };
}
