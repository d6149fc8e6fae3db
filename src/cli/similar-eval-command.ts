import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { similarAgreement, synthStyleKey } from '../eval/similar-agreement.ts';
import { loadIndexFolder } from '../retrieval/artifacts/load-index.ts';
import { similarSettings } from '../retrieval/recommender-service.ts';
import { intOption } from './int-option.ts';
import { resolveIndexDir } from './resolve-index.ts';
import { type CommandIo, processIo } from './run-command.ts';
import { UserError } from '../errors.ts';

export const SIMILAR_EVAL_USAGE = `Usage: npm run eval:similar -- [--index <dir|name>] [--seeds 400] [--k 10] [--weights 0,0.3,0.5,0.7,1] [--synth-style] [--json]

How often "more like this" neighbours share the seed's style (a genre; tag overlap), per audio
weight, against random tracks. Reads the index's stored embeddings only: no model loads.
--synth-style adds how often they share the seed's synthesized style (tempo, loudness, voices,
beat): for the demo index, whose audio the project synthesizes from the tags.`;

export async function similarEvalCommand(argv: string[], io: CommandIo = processIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      index: { type: 'string' },
      seeds: { type: 'string', default: '400' },
      k: { type: 'string', default: '10' },
      weights: { type: 'string', default: '0,0.3,0.5,0.7,1' },
      json: { type: 'boolean', default: false },
      'synth-style': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(SIMILAR_EVAL_USAGE);
    return 0;
  }
  const config = loadConfig();
  const weights = values.weights.split(',').map((w) => Number(w.trim()));
  if (weights.some((w) => !Number.isFinite(w) || w < 0 || w > 1)) throw new UserError(`--weights must be numbers from 0 to 1 (got "${values.weights}").`);
  const index = await loadIndexFolder(resolveIndexDir(values.index, config));
  const settings = similarSettings(config.retrieval);
  const rows = await similarAgreement(index, settings, { seeds: intOption('seeds', values.seeds, 1)!, k: intOption('k', values.k, 1, 100)!, weights, ...(values['synth-style'] ? { styleKey: synthStyleKey } : {}) });
  if (values.json) {
    io.out(JSON.stringify({ index: index.manifest.name, tracks: index.tracks.length, mode: index.mode, defaultAudioWeight: settings.audioWeight, rows }));
    return 0;
  }
  io.out(`${index.manifest.name} (${index.tracks.length} tracks, ${index.mode}); this index's audio weight: ${settings.audioWeight}`);
  const style = values['synth-style'];
  io.out(`| audio weight | neighbours sharing a genre | tag Jaccard | same artist |${style ? ' same synthesized style |' : ''}`);
  io.out(`| --- | ---: | ---: | ---: |${style ? ' ---: |' : ''}`);
  for (const r of rows) {
    io.out(`| ${r.audioWeight === null ? 'random tracks' : r.audioWeight} | ${r.genreShare} | ${r.tagJaccard} | ${r.sameArtist} |${style ? ` ${r.sameStyle} |` : ''}`);
  }
  return 0;
}
