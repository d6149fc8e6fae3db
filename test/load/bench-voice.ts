/**
 * `npm run bench:voice`: the bot in its own process plays result lists to more and more servers at
 * once behind the Discord emulator's voice server. Prints the figures and writes them to
 * bench/RESULTS.md as the "voice" section.
 */
import '../../src/util/openmp-env.ts';
import { parseArgs } from 'node:util';
import { intOption } from '../../src/cli/int-option.ts';
import { processIo, type CommandIo } from '../../src/cli/run-command.ts';
import { UserError } from '../../src/errors.ts';
import { OUTPUT_OPTIONS, OUTPUT_USAGE, publishLoadBench, runIfMain } from './load-bench-cli.ts';
import { runVoiceLoad } from './run-voice-load.ts';
import { formatVoiceLoad } from './voice-report.ts';

export const VOICE_LABEL = 'voice';
const DEFAULT_RAMP = [1, 2, 4, 8, 16, 32, 64, 96, 128, 160, 192];
/** The emulator's servers; from 90 on, starts are spaced to 667 ms (discord.js sends at most 120 gateway messages a minute, joins among them). */
const MAX_SERVERS = 250;

export const BENCH_VOICE_USAGE = `Usage: npm run bench:voice -- [options]

Runs the bot (its own process, the real start-up path, the generated models, a temporary catalog
of long MP3 files) behind the local Discord emulator with its voice server, and plays to 1, 2, 4, …
servers at once: in each server a member joins a voice channel, runs /recommend and presses
▶ Play in voice. Once all play it measures, per step: frames arriving late, missing or as filler
against the 20-ms schedule, the CPU of the bot, of its ffmpeg processes and of this process (the
emulator), and the bot's event-loop lag. Stops at the first step with 1 % or more bad frames.
Needs ffmpeg with libopus. Writes bench/RESULTS.md (section "${VOICE_LABEL}").

  --servers <list>     servers playing at once, step by step (default ${DEFAULT_RAMP.join(',')}; at most ${MAX_SERVERS})
  --window <s>         seconds measured per step once all play (default 20)
  --warmup <s>         seconds between all playing and the window, while ffmpeg fills its
                       read-ahead (default 10)
  --spacing <ms>       between two servers' starts in a step: people do not all press at
                       once (default 200; from 90 servers on at least 667, as joins are gateway
                       messages and discord.js sends at most 120 a minute)
  --late-ms <ms>       a frame later than this after its slot is late (default 40)
  --keep-going         run every step, also after one failed
  --nice=<n>           change this process's scheduling priority by n before the bot starts (the
                       bot and the emulator inherit it; the bot starts ffmpeg 10 nicer than
                       itself): on a machine shared with other work, e.g. --nice=-10 gives them
                       the CPU they ask for (negative needs root); default 0
${OUTPUT_USAGE}`;

function serverList(raw: string | undefined): number[] {
  if (raw === undefined) return DEFAULT_RAMP;
  const parts = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const list = parts.map(Number);
  const bad = parts.find((p, i) => !Number.isInteger(list[i]) || list[i]! < 1 || list[i]! > MAX_SERVERS);
  if (bad !== undefined || list.length === 0) throw new UserError(`--servers takes a comma-separated list of whole numbers from 1 to ${MAX_SERVERS}${bad !== undefined ? ` (got "${bad}")` : ''}.`);
  return [...new Set(list)].sort((a, b) => a - b);
}

function niceOption(raw: string | undefined): number {
  if (raw === undefined) return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < -19 || n > 19) throw new UserError(`--nice must be a whole number from -19 to 19 (got "${raw}").`);
  return n;
}

export async function benchVoiceCommand(argv: string[], io: CommandIo = processIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      servers: { type: 'string' },
      window: { type: 'string' },
      warmup: { type: 'string' },
      'late-ms': { type: 'string' },
      spacing: { type: 'string' },
      'keep-going': { type: 'boolean', default: false },
      nice: { type: 'string' },
      ...OUTPUT_OPTIONS,
    },
  });
  if (values.help) {
    io.out(BENCH_VOICE_USAGE);
    return 0;
  }
  const report = await runVoiceLoad({
    servers: serverList(values.servers),
    windowSec: intOption('window', values.window, 1, 600) ?? 20,
    warmupSec: intOption('warmup', values.warmup, 0, 600) ?? 10,
    startSpacingMs: intOption('spacing', values.spacing, 0, 60_000) ?? 200,
    lateMs: intOption('late-ms', values['late-ms'], 1, 10_000) ?? 40,
    limitPct: 1,
    keepGoing: values['keep-going'],
    nice: niceOption(values.nice),
    env: process.env,
    onProgress: (line) => io.err(`bench:voice: ${line}`),
  });
  const markdown = formatVoiceLoad(report);
  // Per-server figures stay in --json: 127 servers over a full ramp would bury the file.
  const summary = { ...report, steps: report.steps.map(({ perServer: _perServer, ...step }) => step) };
  return publishLoadBench({ script: 'bench:voice', label: VOICE_LABEL, title: 'Voice playback: servers playing at once (Discord emulator)', markdown, report, summary }, argv, values, io);
}

await runIfMain(import.meta.url, 'bench:voice', (argv) => benchVoiceCommand(argv));
