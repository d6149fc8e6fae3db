import type { FilterInput } from '../app/recommend-query.ts';

/** The options `recommend` and `similar` share (parseArgs form): how many, from which index, how printed, the filters. */
export const QUERY_OPTIONS = {
  k: { type: 'string', default: '5' },
  candidates: { type: 'string' },
  index: { type: 'string' },
  json: { type: 'boolean', default: false },
  mood: { type: 'string' },
  genre: { type: 'string' },
  instrument: { type: 'string' },
  'max-duration': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The filter options as typed. */
export function filterValues(values: { mood?: string | undefined; genre?: string | undefined; instrument?: string | undefined; 'max-duration'?: string | undefined }): FilterInput {
  return { mood: values.mood, genre: values.genre, instrument: values.instrument, maxDuration: values['max-duration'] };
}
