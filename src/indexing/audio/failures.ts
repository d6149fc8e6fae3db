import { stringify } from 'csv-stringify/sync';
import type { AudioErrorCode } from '../../audio/audio-error.ts';

/** Why a track got no audio embedding: the decoder's codes, plus two of the index build's own. */
export type AudioFailureReason = AudioErrorCode | 'no-path' | 'no-vector';

/** One track without an audio embedding, as reported in `audio_failures.csv`. */
export interface AudioFailure {
  /** Row of the track in the catalog (and in every matrix of the index). */
  index: number;
  trackId: string;
  /** The catalog's path, as written there (never resolved: it may be the unsafe part). */
  path: string;
  reason: AudioFailureReason;
  message: string;
}

export const FAILURE_REPORT_COLUMNS = ['track_id', 'path', 'reason', 'message'] as const;

/** The CSV kept beside the index: one line per failed track, in catalog order. */
export function failureReportCsv(failures: readonly AudioFailure[]): string {
  const rows = [...failures].sort((a, b) => a.index - b.index).map((f) => [f.trackId, f.path, f.reason, f.message]);
  return stringify([[...FAILURE_REPORT_COLUMNS], ...rows]);
}

/** `missing 2, silent 1` — most frequent first, then by name. */
export function countByReason(failures: readonly AudioFailure[]): string {
  const counts = new Map<string, number>();
  for (const f of failures) counts.set(f.reason, (counts.get(f.reason) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
}
