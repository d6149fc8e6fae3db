import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { getPriority, loadavg, setPriority } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEventLoopLag, type LagFigures } from '../../src/bench/event-loop-lag.ts';
import { describeMachine, type Machine } from '../../src/bench/machine.ts';
import { benchmarkPrompts } from '../../src/bench/prompts.ts';
import { loadConfig } from '../../src/config.ts';
import { deployCommands } from '../../src/discord/deploy-commands.ts';
import { PAGE_EMOJI } from '../../src/discord/paged-results/page-model.ts';
import { PLAY_IN_VOICE_ID } from '../../src/discord/voice/voice-buttons.ts';
import { UserError } from '../../src/errors.ts';
import { DEFAULT_VOICE_KBPS } from '../../src/audio/opus-stream.ts';
import { DiscordEmulator } from '../discord-emulator/index.ts';
import { MODELS_DIR } from '../helpers/paths.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import type { LogLine } from '../bot/helpers/bot-process.ts';
import { BotUnderLoad } from './bot-under-load.ts';
import { cpuBetween, cpuSnapshot, type CpuUse } from './process-cpu.ts';
import { startGcPauses, type GcPauses } from './gc-pauses.ts';
import { startStallRecorder } from './stall-recorder.ts';
import { StreamWatch } from './stream-watch.ts';
import { udpDrops } from './udp-drops.ts';
import { writeVoiceCatalog } from './voice-catalog.ts';
import { FRAME_MS, streamTiming, type StreamTiming } from './voice-frames.ts';

export interface VoiceLoadOptions {
  /** How many servers play at once, step by step (ascending). */
  servers: readonly number[];
  /** Seconds measured in each step, once every server plays. */
  windowSec: number;
  /**
   * Seconds at least between every server playing and the window (ffmpeg fills its read-ahead);
   * then until every stream is steady (see `caughtUp`), at most SETTLE_LIMIT_SEC more.
   */
  warmupSec: number;
  /** A frame arriving more than this after its 20-ms slot is late. */
  lateMs: number;
  /** A step passes with fewer late, missing or filler frames than this share (%). */
  limitPct: number;
  /** Between the starts of two servers in a step (ms): people do not all press at once. */
  startSpacingMs: number;
  /** Go on after a step that failed (default: stop there). */
  keepGoing: boolean;
  /**
   * Scheduling priority (nice) this process takes before it starts the bot, which its threads and
   * ffmpeg children inherit: on a machine shared with other work, a negative value gives the bot
   * the cores it asks for, as on a machine of its own. 0 leaves it as it is.
   */
  nice: number;
  /** Where FFMPEG_PATH and MODELS_DIR may come from; nothing else of it reaches the bot. */
  env: NodeJS.ProcessEnv;
  onProgress: (line: string) => void;
}

/** One server's stream over the window, and how long it took from the press to the first audio. */
export interface ServerFigures extends StreamTiming {
  guild: string;
  firstAudioMs: number | null;
  decryptFailures: number;
}

export interface CpuFigures {
  /** The bot process (every thread), its ffmpeg children, this process (emulator + driver), the machine; % of one core. */
  botPct: number;
  ffmpegPct: number;
  benchPct: number;
  machinePct: number;
  /** Everything else on the machine meanwhile (other work sharing it). */
  othersPct: number;
  ffmpegProcesses: number;
}

export interface VoiceStep {
  servers: number;
  /** Servers whose press was answered "▶ …" and whose audio arrived. */
  playing: number;
  /** What the others were told (or why they never played). */
  startFailures: string[];
  /** The bot's warnings and errors during the step (its log, level ≥ warn), each message once with how often. */
  botWarnings: { msg: string; count: number }[];
  /** Between two servers' starts (ms). */
  spacingMs: number;
  /** From the press to the first audio frame (ms). */
  firstAudioMs: { p50: number; max: number };
  /**
   * From every server playing to the window (s): the warm-up, longer while a stream was not yet
   * steady — stalled, or catching up by sending faster than 50 frames a second (@discordjs/voice's
   * one 20-ms clock for all players fell behind while the bot answered, joined and ffmpeg filled
   * its read-ahead).
   */
  settleSec: number;
  /** False when some stream was still not steady at the limit and all were measured anyway. */
  caughtUp: boolean;
  /** The longest silence of a stream already playing, from its first audio to the window (ms): what the others' start cost it. */
  startMaxGapMs: number;
  /** The bot's event-loop lag from the first press to the window. */
  startBotLag: LagFigures;
  /** All servers together over the window. */
  frames: { expected: number; received: number; late: number; lateAtBench: number; missing: number; fill: number; bad: number; badPct: number; worstServerBadPct: number; behindP99Ms: number; behindMaxMs: number; maxGapMs: number };
  /** Spans over 20 ms in which this process's event loop (which timestamps the frames) did not run, over the window. */
  benchStalls: { count: number; totalMs: number; maxMs: number };
  /** This process's garbage-collection pauses over the window (one cause of its stalls). */
  benchGc: GcPauses;
  /** Datagrams the kernel dropped at the emulator's UDP socket over the window (this process fell behind reading): they count as missing, but are the bench's fault. Null: not readable. */
  emulatorUdpDrops: number | null;
  perServer: ServerFigures[];
  cpu: CpuFigures;
  /** The playing share of the bot's and ffmpeg's CPU per server: (bot − bot idle + ffmpeg) / servers, % of one core. */
  perServerPct: { bot: number; ffmpeg: number; total: number };
  botLag: LagFigures;
  /** This process's event loop: frames are timestamped here, so its lag shows in their arrival. */
  benchLag: LagFigures;
  loadAverage: number;
  passed: boolean;
}

/** Everything `npm run bench:voice` reports (its `--json` object). */
export interface VoiceLoadReport {
  startedAt: string;
  durationSec: number;
  machine: Machine;
  loadAverage: { start: number; end: number };
  setup: {
    ramp: number[];
    windowSec: number;
    warmupSec: number;
    startSpacingMs: number;
    lateMs: number;
    limitPct: number;
    /** The nice value the bench and the bot ran at (the bot starts ffmpeg 10 nicer than itself). */
    nice: number;
    catalog: { tracks: number; audioFiles: number; trackSeconds: number; format: string };
    opusKbps: number;
    ffmpeg: string;
    readyMs: number;
    emulator: string;
  };
  /** The bot in voice nowhere, over one window: what playing adds to. */
  idle: { cpu: CpuFigures; botLag: LagFigures };
  steps: VoiceStep[];
  /** The largest step that passed (null: none), and the first that failed (null: none). */
  answer: { maxServers: number | null; firstFailed: number | null };
}

const oneMinuteLoad = () => Math.round(loadavg()[0]! * 100) / 100;
const r1 = (x: number) => Math.round(x * 10) / 10;
/** Tracks per page: the catalog's tracks fill several pages, so the bot adds ◀️ ▶️ once the list is saved. */
const RESULTS_PER_PAGE = 4;
/** The longest wait beyond the warm-up for the streams to become steady. */
const SETTLE_LIMIT_SEC = 120;
/** How long one /recommend, press or leave may take before it counts as failed. */
const ANSWER_TIMEOUT_MS = 120_000;
/** discord.js sends at most 120 gateway messages a minute per shard; op 4s (joins and leaves) past that wait. */
const GATEWAY_SENDS_PER_MINUTE = 100;
/** From this many servers on, starts are spaced so that joins stay within that budget. */
const PACED_FROM = 90;

/** Between two servers' starts in a step of `n` (ms): as asked, or slower where joins would exceed the gateway's budget. */
export function startSpacing(n: number, asked: number): number {
  return n >= PACED_FROM ? Math.max(asked, Math.ceil(60_000 / PACED_FROM)) : asked;
}

function ffmpegVersion(ffmpeg: string): string {
  try {
    return execFileSync(ffmpeg, ['-hide_banner', '-version'], { encoding: 'utf8' }).split('\n')[0]!.replace(/ Copyright.*/, '');
  } catch {
    return 'unknown';
  }
}

function cpuFigures(use: CpuUse): CpuFigures {
  return {
    botPct: use.processPct,
    ffmpegPct: use.childrenPct,
    benchPct: use.selfPct,
    machinePct: use.machinePct,
    othersPct: r1(Math.max(0, use.machinePct - use.processPct - use.childrenPct - use.selfPct)),
    ffmpegProcesses: use.childrenAtEnd.ffmpeg ?? 0,
  };
}

/** CPU and lags over `seconds`, starting now. */
async function measureWindow(bot: BotUnderLoad, seconds: number): Promise<{ start: number; end: number; cpu: CpuFigures; botLag: LagFigures; benchLag: LagFigures }> {
  await bot.startLag();
  const benchLag = startEventLoopLag();
  const before = cpuSnapshot(bot.pid);
  await sleep(seconds * 1000);
  const after = cpuSnapshot(bot.pid);
  const lag = benchLag.stop();
  const botLag = await bot.stopLag();
  return { start: before.at, end: after.at, cpu: cpuFigures(cpuBetween(before, after)), botLag, benchLag: lag };
}

function aggregate(perServer: readonly ServerFigures[]): VoiceStep['frames'] {
  const sum = (pick: (s: ServerFigures) => number) => perServer.reduce((n, s) => n + pick(s), 0);
  const max = (pick: (s: ServerFigures) => number) => perServer.reduce((n, s) => Math.max(n, pick(s)), 0);
  const expected = sum((s) => s.expected);
  const bad = sum((s) => s.bad);
  return {
    expected,
    received: sum((s) => s.received),
    late: sum((s) => s.late),
    lateAtBench: sum((s) => s.lateAtReceiver),
    missing: sum((s) => s.missing),
    fill: sum((s) => s.fill),
    bad,
    badPct: expected ? Math.round((bad / expected) * 10_000) / 100 : 0,
    worstServerBadPct: max((s) => (s.expected ? Math.round((s.bad / s.expected) * 10_000) / 100 : 0)),
    behindP99Ms: max((s) => s.behindMs.p99),
    behindMaxMs: max((s) => s.behindMs.max),
    maxGapMs: max((s) => s.maxGapMs),
  };
}

/**
 * The bot (its own process, the real startBot) plays to more and more servers at once behind the
 * Discord emulator: in each step, a member of each server joins a voice channel, runs /recommend
 * and presses ▶ Play in voice; once all play, a window measures the frames that arrive, the CPU of
 * the bot, its ffmpeg children and this process, and both event loops' lag. Then /voice leave
 * everywhere, and the next step. The ramp stops at the first step over the limit.
 */
export async function runVoiceLoad(o: VoiceLoadOptions): Promise<VoiceLoadReport> {
  const started = new Date();
  const ramp = [...o.servers].sort((a, b) => a - b);
  const maxServers = ramp.at(-1)!;
  const ffmpeg = o.env.FFMPEG_PATH || 'ffmpeg';
  const { dir, cleanup } = await tempDir('voice-load');
  // Long enough that the first track plays through the slowest step: starts, warm-up, window, leave.
  const startsSec = (maxServers * startSpacing(maxServers, o.startSpacingMs)) / 1000;
  const trackSeconds = Math.ceil(startsSec + o.warmupSec + SETTLE_LIMIT_SEC + o.windowSec + 120);
  const report: VoiceLoadReport = {
    startedAt: started.toISOString(),
    durationSec: 0,
    machine: describeMachine(),
    loadAverage: { start: oneMinuteLoad(), end: 0 },
    setup: {
      ramp,
      windowSec: o.windowSec,
      warmupSec: o.warmupSec,
      startSpacingMs: o.startSpacingMs,
      lateMs: o.lateMs,
      limitPct: o.limitPct,
      nice: getPriority(),
      catalog: { tracks: 0, audioFiles: 0, trackSeconds, format: 'MP3 128 kbps, 44.1 kHz stereo (pink noise under a gliding tone)' },
      opusKbps: DEFAULT_VOICE_KBPS,
      ffmpeg: ffmpegVersion(ffmpeg),
      readyMs: 0,
      emulator: 'in this process: every RTP packet authenticated and decrypted (AES-256-GCM), Opus not decoded',
    },
    idle: { cpu: { botPct: 0, ffmpegPct: 0, benchPct: 0, machinePct: 0, othersPct: 0, ffmpegProcesses: 0 }, botLag: { p50Ms: 0, p99Ms: 0, maxMs: 0, samples: 0 } },
    steps: [],
    answer: { maxServers: null, firstFailed: null },
  };
  let emu: DiscordEmulator | undefined;
  let bot: BotUnderLoad | undefined;
  if (o.nice !== 0) {
    try {
      const target = getPriority() + o.nice;
      // Every thread of this process (V8's garbage-collection helpers too), and what it starts later.
      for (const tid of readdirSync('/proc/self/task')) setPriority(Number(tid), target);
    } catch (err) {
      await cleanup();
      throw new UserError(`Cannot change the scheduling priority by ${o.nice} (${(err as NodeJS.ErrnoException).code ?? String(err)}).`, 'A negative --nice needs root or CAP_SYS_NICE; leave --nice out to run at the usual priority.');
    }
    report.setup.nice = getPriority();
  }
  try {
    o.onProgress(`catalog: ${trackSeconds}-s audio files and an index with the generated models`);
    const catalog = await writeVoiceCatalog(dir, { trackSeconds, ffmpeg });
    report.setup.catalog = { ...report.setup.catalog, tracks: catalog.tracks, audioFiles: catalog.audioFiles };
    // Each session keeps only its latest frames (enough for the window and the late ones after it):
    // tracing every frame of every stream made this process's garbage collector pause for seconds.
    const keepFrames = Math.ceil((o.windowSec + 5) * (1000 / FRAME_MS));
    emu = await DiscordEmulator.start({ voice: true, voiceDecode: false, voiceKeepFrames: keepFrames, guilds: maxServers, members: maxServers });
    const env: NodeJS.ProcessEnv = {
      DISCORD_TOKEN: emu.token,
      DISCORD_API_URL: emu.apiUrl,
      DISCORD_APPLICATION_ID: emu.applicationId,
      MODELS_DIR: o.env.MODELS_DIR || MODELS_DIR,
      EMBEDDINGS_DIR: catalog.embeddingsDir,
      INDEX_NAME: catalog.indexName,
      AUDIO_ROOT: catalog.audioRoot,
      PREVIEW_CACHE_DIR: path.join(dir, 'previews'),
      FFMPEG_PATH: ffmpeg,
      VOICE_IDLE_SECONDS: '3600',
      ORT_THREADS: '1',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      // The voice server's throw-away TLS certificate.
      NODE_EXTRA_CA_CERTS: emu.voice.caCertPath,
    };
    const config = loadConfig(env);
    await deployCommands({ discord: { token: emu.token, applicationId: emu.applicationId, apiUrl: emu.apiUrl, guildId: undefined, adminGuildId: undefined }, retrieval: config.retrieval });
    o.onProgress('starting the bot');
    bot = await BotUnderLoad.start(env);
    report.setup.readyMs = bot.readyMs;

    o.onProgress(`idle: ${o.windowSec} s with nothing playing`);
    const idle = await measureWindow(bot, o.windowSec);
    report.idle = { cpu: idle.cpu, botLag: idle.botLag };

    const inVoice = new Set<number>();
    const prompts = benchmarkPrompts(ramp.reduce((a, b) => a + b, 0));
    let promptIx = 0;
    for (const n of ramp) {
      o.onProgress(`${n} server(s): waiting for the gateway's send budget`);
      await gatewayBudget(emu, Math.min(n, PACED_FROM));
      const spacingMs = startSpacing(n, o.startSpacingMs);
      o.onProgress(`${n} server(s): /recommend and ▶ Play in voice in each`);
      const servers = emu.guilds.slice(0, n);
      const pressedAt = new Map<string, number>();
      const startFailures: string[] = [];
      const logFrom = bot.logs().length;
      await bot.startLag();
      // Each server's stream, followed from its first frame on (the emulator keeps only the latest).
      const liveFrames = (guild: string) => {
        const s = emu!.voice.session(guild);
        return s && !s.closed ? s.frames : undefined;
      };
      const watch = new StreamWatch(liveFrames);
      const guildIds = servers.map((g) => g.guild.id);
      const watching = setInterval(() => watch.update(guildIds), 250);
      try {
        await Promise.all(
          servers.map(async (g, i) => {
            // People do not all press at the same moment: one server starts every startSpacingMs.
            await sleep(i * spacingMs);
            if (!inVoice.has(i)) {
              await emu!.joinVoice({ user: emu!.members[i]!, channelId: g.voiceChannels[0]!.id, guild: g.guild.id });
              inVoice.add(i);
            }
            const started = await pressPlay(emu!, i, prompts[promptIx++]!);
            if (typeof started === 'number') pressedAt.set(g.guild.id, started);
            else startFailures.push(`server ${i + 1}: ${started.failure}`);
          }),
        );
      } finally {
        clearInterval(watching);
      }
      const pressed = [...pressedAt.keys()];
      const audioDeadline = performance.now() + ANSWER_TIMEOUT_MS;
      for (;;) {
        watch.update(pressed);
        if (pressed.every((g) => watch.firstAudio(g) !== undefined) || performance.now() > audioDeadline) break;
        await sleep(100);
      }
      startFailures.push(...pressed.filter((g) => watch.firstAudio(g) === undefined).map((g) => `no audio arrived in server ${g}`));
      const firstAudio = new Map(pressed.flatMap((g) => (watch.firstAudio(g) !== undefined ? [[g, watch.firstAudio(g)! - pressedAt.get(g)!] as const] : [])));

      o.onProgress(`${n} server(s): ${firstAudio.size} playing; warm-up ${o.warmupSec} s or until every stream is steady, then ${o.windowSec} s measured`);
      const settleFrom = performance.now();
      const warmupEnd = settleFrom + o.warmupSec * 1000;
      while (performance.now() < warmupEnd) {
        watch.update(firstAudio.keys());
        await sleep(Math.min(500, Math.max(0, warmupEnd - performance.now())));
      }
      const caughtUp = await settled(emu, watch, [...firstAudio.keys()], SETTLE_LIMIT_SEC * 1000);
      const settleSec = r1((performance.now() - settleFrom) / 1000);
      if (!caughtUp) o.onProgress(`${n} server(s): not steady after ${settleSec} s; measured anyway`);
      watch.update(firstAudio.keys());
      const startLag = await bot.stopLag();
      const startMaxGapMs = Math.round(Math.max(0, ...[...firstAudio.keys()].map((g) => watch.longestGap(g))));
      const dropsBefore = udpDrops(emu.voice.udpPort);
      const stallRecorder = startStallRecorder();
      const gc = startGcPauses();
      const window = await measureWindow(bot, o.windowSec);
      const loadAverage = oneMinuteLoad();
      // Frames of slots near the end of the window may still be on their way.
      await sleep(Math.max(1000, o.lateMs * 5));
      const dropsAfter = udpDrops(emu.voice.udpPort);
      const stalls = stallRecorder.stop();
      const benchGc = gc.stop();
      const windowStalls = stalls.filter((st) => st.to > window.start && st.from < window.end);
      const perServer: ServerFigures[] = servers.map((g) => {
        const s = emu!.voice.session(g.guild.id);
        const timing = streamTiming(firstAudio.has(g.guild.id) && s ? s.frames : [], window, o.lateMs, stalls);
        return { guild: g.guild.id, ...timing, firstAudioMs: firstAudio.has(g.guild.id) ? Math.round(firstAudio.get(g.guild.id)!) : null, decryptFailures: s?.decryptFailures ?? 0 };
      });
      const frames = aggregate(perServer);
      const starts = [...firstAudio.values()].sort((a, b) => a - b);
      const idleBot = report.idle.cpu.botPct;
      const step: VoiceStep = {
        servers: n,
        playing: firstAudio.size,
        startFailures,
        spacingMs,
        settleSec,
        caughtUp,
        startMaxGapMs,
        startBotLag: startLag,
        firstAudioMs: { p50: Math.round(starts[Math.floor((starts.length - 1) / 2)] ?? 0), max: Math.round(starts.at(-1) ?? 0) },
        frames,
        benchStalls: {
          count: windowStalls.length,
          totalMs: Math.round(windowStalls.reduce((n, st) => n + st.to - st.from, 0)),
          maxMs: Math.round(Math.max(0, ...windowStalls.map((st) => st.to - st.from))),
        },
        benchGc,
        emulatorUdpDrops: dropsBefore === null || dropsAfter === null ? null : dropsAfter - dropsBefore,
        perServer,
        cpu: window.cpu,
        perServerPct: {
          bot: r1(Math.max(0, window.cpu.botPct - idleBot) / n),
          ffmpeg: r1(window.cpu.ffmpegPct / n),
          total: r1((Math.max(0, window.cpu.botPct - idleBot) + window.cpu.ffmpegPct) / n),
        },
        botLag: window.botLag,
        benchLag: window.benchLag,
        loadAverage,
        botWarnings: warningsIn(bot.logs().slice(logFrom)),
        passed: firstAudio.size === n && frames.badPct < o.limitPct,
      };
      report.steps.push(step);
      o.onProgress(
        `${n} server(s): ${frames.badPct}% late/missing/filler frames (worst server ${frames.worstServerBadPct}%), max gap ${frames.maxGapMs} ms; ` +
          `CPU bot ${step.cpu.botPct}%, ffmpeg ${step.cpu.ffmpegPct}%, bench ${step.cpu.benchPct}%; bot lag p99 ${step.botLag.p99Ms} ms → ${step.passed ? 'passed' : 'FAILED'}`,
      );

      o.onProgress(`${n} server(s): /voice leave in each`);
      await leaveAll(emu, bot, servers.map((g) => g.guild.id));
      // Read already: the frames of ended sessions would only make this process's collector work.
      for (const session of emu.voice.sessions) if (session.closed) session.frames.length = 0;
      if (!step.passed && !o.keepGoing) break;
    }
    const passed = report.steps.filter((s) => s.passed).map((s) => s.servers);
    const failed = report.steps.find((s) => !s.passed);
    report.answer = {
      maxServers: passed.filter((n) => failed === undefined || n < failed.servers).at(-1) ?? null,
      firstFailed: failed?.servers ?? null,
    };
  } finally {
    await bot?.stop();
    await emu?.close();
    await cleanup();
  }
  report.loadAverage.end = oneMinuteLoad();
  report.durationSec = Math.round((Date.now() - started.getTime()) / 100) / 10;
  return report;
}

/** A stream is steady when it sent real time's frames (50 a second) ± 5 % over the last STEADY_SPAN_MS, STEADY_CHECKS times in a row, 0.5 s apart. */
const STEADY_SPAN_MS = 2000;
const STEADY_FRAMES = STEADY_SPAN_MS / FRAME_MS;
const STEADY_CHECKS = 3;

/**
 * Waits until every stream is steady: neither stalled (fewer frames than real time) nor catching
 * up after a stall (more: @discordjs/voice sends the backlog of its 20-ms clock as fast as it can).
 * False when some still were not after `limitMs`.
 */
async function settled(emu: DiscordEmulator, watch: StreamWatch, guilds: readonly string[], limitMs: number): Promise<boolean> {
  const end = performance.now() + limitMs;
  let inARow = 0;
  for (;;) {
    watch.update(guilds);
    const since = performance.now() - STEADY_SPAN_MS;
    const steady = guilds.every((g) => {
      const frames = emu.voice.session(g)?.frames ?? [];
      let recent = 0;
      for (let i = frames.length - 1; i >= 0 && frames[i]!.arrivedAt >= since; i--) recent++;
      return Math.abs(recent - STEADY_FRAMES) <= STEADY_FRAMES * 0.05;
    });
    inARow = steady ? inARow + 1 : 0;
    if (inARow >= STEADY_CHECKS) return true;
    if (performance.now() > end) return false;
    await sleep(500);
  }
}

/**
 * In server `i`, its member runs /recommend and presses ▶ Play in voice on the results, as a
 * person would once the message is there. When the press was answered "▶ …": the moment of the
 * press (performance.now()); else what went wrong.
 */
async function pressPlay(emu: DiscordEmulator, i: number, prompt: string): Promise<number | { failure: string }> {
  const user = emu.members[i]!;
  const guild = emu.guilds[i]!.guild.id;
  try {
    const ix = await emu.sendCommand({ name: 'recommend', options: { prompt, count: RESULTS_PER_PAGE }, user, guild });
    const results = await ix.waitForOriginal(undefined, { timeoutMs: ANSWER_TIMEOUT_MS, what: `/recommend in server ${i + 1}` });
    if (!results.data.embeds.length || results.ephemeral) return { failure: `/recommend answered "${results.data.content}"` };
    // The bot saves the list a moment after the reply shows, then adds ◀️ ▶️: a press before that finds no list.
    await emu.waitFor(() => emu.reactionsOn(results.id)[PAGE_EMOJI.next]?.includes(emu.botUser.id), { timeoutMs: ANSWER_TIMEOUT_MS, what: `▶️ under the results in server ${i + 1}` });
    const at = performance.now();
    const press = await emu.clickButton({ messageId: results.id, customId: PLAY_IN_VOICE_ID, user });
    const answer = await press.waitForOriginal(undefined, { timeoutMs: ANSWER_TIMEOUT_MS, what: `the answer to ▶ Play in voice in server ${i + 1}` });
    return answer.data.content.startsWith('▶') ? at : { failure: `▶ Play in voice answered "${answer.data.content}"` };
  } catch (err) {
    // A wait that timed out: the step goes on without this server.
    return { failure: err instanceof Error ? err.message.split('\n')[0]! : String(err) };
  }
}

/** Warnings and errors in the bot's log lines, each message once with how often. */
function warningsIn(lines: readonly LogLine[]): { msg: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const l of lines) {
    if (l.level < 40) continue;
    const err = l.err as { message?: string } | undefined;
    const msg = err?.message ? `${l.msg.replace(/ \(ref [0-9a-f]{6}\)/, '')}: ${err.message.split('\n')[0]!.slice(0, 200)}` : l.msg;
    counts.set(msg, (counts.get(msg) ?? 0) + 1);
  }
  return [...counts].map(([msg, count]) => ({ msg, count }));
}

/**
 * Waits until the bot's op 4s of the last minute leave room for `joins` more (discord.js holds
 * gateway sends past 120 a minute, and a join held back long enough fails).
 */
async function gatewayBudget(emu: DiscordEmulator, joins: number): Promise<void> {
  const recent = () => emu.gateway.voiceStateRequests.filter((r) => r.at > Date.now() - 61_000).length;
  while (recent() > 0 && recent() + joins > GATEWAY_SENDS_PER_MINUTE) await sleep(1000);
}

/** /voice leave in each server by its member; resolves once the bot is out of voice there and its ffmpeg processes are gone. */
async function leaveAll(emu: DiscordEmulator, bot: BotUnderLoad, guilds: readonly string[]): Promise<void> {
  await Promise.all(
    guilds.map(async (guild, i) => {
      if (emu.botVoiceChannel(guild) === null) return;
      const ix = await emu.sendCommand({ name: 'voice', subcommand: 'leave', user: emu.members[i]!, guild });
      await ix.waitForOriginal(undefined, { timeoutMs: ANSWER_TIMEOUT_MS, what: `/voice leave in server ${i + 1}` });
    }),
  );
  await emu.waitFor(() => guilds.every((g) => emu.botVoiceChannel(g) === null), { timeoutMs: ANSWER_TIMEOUT_MS, what: 'the bot out of voice everywhere' });
  await emu.waitFor(() => !cpuSnapshot(bot.pid).children.some((c) => c.comm === 'ffmpeg'), { timeoutMs: ANSWER_TIMEOUT_MS, what: "the bot's ffmpeg processes gone" });
}
