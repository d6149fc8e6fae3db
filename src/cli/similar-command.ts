import { parseArgs } from 'node:util';
import { acceptOf, checkFilter } from '../app/recommend-query.ts';
import { resolveTrack } from '../app/track-choices.ts';
import { catalogVocabulary } from '../catalog/filters.ts';
import { readIndexTracks } from '../retrieval/artifacts/load-index.ts';
import { loadConfig, modelRuntime } from '../config.ts';
import { UserError } from '../errors.ts';
import { intOption } from './int-option.ts';
import { filterValues, QUERY_OPTIONS } from './query-options.ts';
import { openRecommender } from '../retrieval/recommender-service.ts';
import { TrackFinder } from '../retrieval/track-finder.ts';
import { formatSimilarTable, similarJson } from './format-results.ts';
import { MAX_K } from './recommend-command.ts';
import { resolveIndexDir } from './resolve-index.ts';
import { type CommandIo, processIo } from './run-command.ts';

export const SIMILAR_USAGE = `Usage: npm run similar -- <track id | title, artist or caption words> [--k 5] [--page-size <n>] [--candidates 300]
                       [--index <dir|name>] [--json] [--mood x] [--genre y] [--instrument z] [--max-duration <seconds|m:ss>]`;

/** `npm run similar`: the tracks closest to one track, as /similar answers (audio + text, artist cap, filters). */
export async function similarCommand(argv: string[], io: CommandIo = processIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...QUERY_OPTIONS, 'page-size': { type: 'string' } },
  });
  if (values.help) {
    io.out(SIMILAR_USAGE);
    return 0;
  }
  const config = loadConfig();
  const k = intOption('k', values.k, 1, MAX_K)!;
  const pageSize = intOption('page-size', values['page-size'], 1, MAX_K) ?? k;
  const candidates = intOption('candidates', values.candidates, 1, 100_000) ?? config.retrieval.candidates;
  const text = positionals.join(' ').trim();
  if (!text) throw new UserError('Which track? Give its id or words of its title, artist or description.', 'See `npm run similar -- --help`.');
  // The track and the filters are checked before any model loads (the index's tracks are read,
  // not its embeddings): a typo fails in milliseconds.
  const indexDir = resolveIndexDir(values.index, config);
  const tracks = await readIndexTracks(indexDir);
  const seed = resolveTrack(TrackFinder.build(tracks), text).track;
  const { filter } = checkFilter(filterValues(values), catalogVocabulary(tracks));
  const accept = acceptOf(filter);

  const service = await openRecommender({ indexDir, runtime: modelRuntime(config), settings: config.retrieval });
  try {
    const result = await service.similar({ trackId: seed.id, k, pageSize, candidates, ...(accept ? { accept } : {}) });
    io.out(values.json ? JSON.stringify(similarJson(result)) : formatSimilarTable(result));
  } finally {
    await service.close();
  }
  return 0;
}
