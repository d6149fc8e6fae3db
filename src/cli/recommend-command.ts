import { parseArgs } from 'node:util';
import { checkQuery } from '../app/recommend-query.ts';
import { catalogVocabulary } from '../catalog/filters.ts';
import { readIndexTracks } from '../retrieval/artifacts/load-index.ts';
import { loadConfig, modelRuntime } from '../config.ts';
import { intOption } from './int-option.ts';
import { filterValues, QUERY_OPTIONS } from './query-options.ts';
import { normalizePrompt } from '../retrieval/prompt.ts';
import { openRecommender } from '../retrieval/recommender-service.ts';
import { formatResultTable, resultJson } from './format-results.ts';
import { resolveIndexDir } from './resolve-index.ts';
import { type CommandIo, processIo } from './run-command.ts';

export const RECOMMEND_USAGE = `Usage: npm run recommend -- "<prompt>" [--k 5] [--candidates 300] [--index <dir|name>] [--json]
                         [--mood x] [--genre y] [--instrument z] [--max-duration <seconds|m:ss>]`;

/** Largest --k: results beyond a few dozen are noise for a listener. */
export const MAX_K = 100;

export async function recommendCommand(argv: string[], io: CommandIo = processIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: QUERY_OPTIONS,
  });
  if (values.help) {
    io.out(RECOMMEND_USAGE);
    return 0;
  }
  const config = loadConfig();
  const k = intOption('k', values.k, 1, MAX_K)!;
  const candidates = intOption('candidates', values.candidates, 1, 100_000) ?? config.retrieval.candidates;
  // Checked as the bot checks them, before any model loads: a bad prompt or filter fails in
  // milliseconds (the index's tracks are read for its tags; its embeddings and models are not).
  const prompt = normalizePrompt(positionals.join(' '), config.retrieval.maxPromptChars);
  const indexDir = resolveIndexDir(values.index, config);
  const { accept } = checkQuery(
    { prompt, ...filterValues(values) },
    config.retrieval.maxPromptChars,
    catalogVocabulary(await readIndexTracks(indexDir)),
  );

  const service = await openRecommender({ indexDir, runtime: modelRuntime(config), settings: config.retrieval });
  try {
    const result = await service.recommend({ prompt, k, candidates, ...(accept ? { accept } : {}) });
    io.out(values.json ? JSON.stringify(resultJson(result)) : formatResultTable(result));
  } finally {
    await service.close();
  }
  return 0;
}
