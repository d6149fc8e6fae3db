/**
 * `npm run bench:bot`: the bot in its own process behind the Discord emulator, under bursts of
 * /recommend and under faults (/reload, Redis down, the encoder worker killed). Prints the figures
 * and writes them to bench/RESULTS.md as the "bot-load" section.
 */
import '../../src/util/openmp-env.ts';
import { parseArgs } from 'node:util';
import { intOption } from '../../src/cli/int-option.ts';
import { processIo, type CommandIo } from '../../src/cli/run-command.ts';
import { UserError } from '../../src/errors.ts';
import { OUTPUT_OPTIONS, OUTPUT_USAGE, publishLoadBench, runIfMain } from './load-bench-cli.ts';
import { formatBotLoad } from './report.ts';
import { runBotLoad, SCENARIOS, type Scenario } from './run-bot-load.ts';

export const BOT_LOAD_LABEL = 'bot-load';

export const BENCH_BOT_USAGE = `Usage: npm run bench:bot -- [options]

Runs the bot (its own process, the real start-up path, the models and index of your settings:
MODELS_DIR, EMBEDDINGS_DIR, INDEX_NAME) behind the local Discord emulator and reports, per
scenario, unanswered and failed interactions, acknowledgement and answer latency, and the bot's
RSS. Needs redis-server for the fault scenarios. Writes bench/RESULTS.md (section "${BOT_LOAD_LABEL}").

  --interactions <n>   /recommend per burst, all at once, distinct prompts (default 200)
  --bursts <n>         how many times the burst runs: the first on an empty cache, then the same
                       again (default 2); the bot's memory is read after each
  --members <n>        people asking (default 50)
  --servers <n>        servers they ask in (default 10)
  --callers <n>        people asking at once in the fault scenarios (default 16)
  --fault-queries <n>  /recommend per fault scenario (default 64)
  --scenarios <list>   any of ${SCENARIOS.join(',')} (default all)
  --answer-timeout <s> longest wait for one answer before it counts as unanswered (default 180)
${OUTPUT_USAGE}`;

function scenarioList(raw: string | undefined): Scenario[] {
  if (raw === undefined) return [...SCENARIOS];
  const list = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = list.find((s) => !(SCENARIOS as readonly string[]).includes(s));
  if (unknown !== undefined || list.length === 0) throw new UserError(`--scenarios takes a comma-separated list of ${SCENARIOS.join(', ')}${unknown ? ` (got "${unknown}")` : ''}.`);
  return list as Scenario[];
}

export async function benchBotCommand(argv: string[], io: CommandIo = processIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      interactions: { type: 'string' },
      bursts: { type: 'string' },
      members: { type: 'string' },
      servers: { type: 'string' },
      callers: { type: 'string' },
      'fault-queries': { type: 'string' },
      scenarios: { type: 'string' },
      'answer-timeout': { type: 'string' },
      ...OUTPUT_OPTIONS,
    },
  });
  if (values.help) {
    io.out(BENCH_BOT_USAGE);
    return 0;
  }
  const members = intOption('members', values.members, 1, 10_000) ?? 50;
  const servers = intOption('servers', values.servers, 1, 1000) ?? 10;
  if (servers > members) throw new UserError(`--servers (${servers}) cannot exceed --members (${members}): each server needs someone asking.`);
  const report = await runBotLoad({
    interactions: intOption('interactions', values.interactions, 1, 10_000) ?? 200,
    bursts: intOption('bursts', values.bursts, 1, 100) ?? 2,
    members,
    servers,
    callers: intOption('callers', values.callers, 1, 1000) ?? 16,
    faultQueries: intOption('fault-queries', values['fault-queries'], 4, 10_000) ?? 64,
    scenarios: scenarioList(values.scenarios),
    answerTimeoutMs: (intOption('answer-timeout', values['answer-timeout'], 1, 900) ?? 180) * 1000,
    env: process.env,
    onProgress: (line) => io.err(`bench:bot: ${line}`),
  });
  const markdown = formatBotLoad(report);
  return publishLoadBench({ script: 'bench:bot', label: BOT_LOAD_LABEL, title: 'The bot under load and faults (Discord emulator)', markdown, report }, argv, values, io);
}

await runIfMain(import.meta.url, 'bench:bot', (argv) => benchBotCommand(argv));
