import { header, row } from '../../src/bench/format-report.ts';
import type { LagFigures } from '../../src/bench/event-loop-lag.ts';
import { machineLine } from '../../src/bench/machine.ts';
import type { VoiceLoadReport, VoiceStep } from './run-voice-load.ts';

const lag = (l: LagFigures) => `${l.p50Ms} / ${l.p99Ms} / ${l.maxMs}`;

/** How playback went in a step. */
function playbackRow(s: VoiceStep): string {
  const f = s.frames;
  return row([
    s.servers,
    s.playing,
    `${s.firstAudioMs.p50} / ${s.firstAudioMs.max}`,
    s.startMaxGapMs,
    lag(s.startBotLag),
    `${s.settleSec}${s.caughtUp ? '' : ' (not steady)'}`,
    `${f.received.toLocaleString('en-US')} / ${f.expected.toLocaleString('en-US')}`,
    `${f.late} (${f.lateAtBench}) / ${f.missing} / ${f.fill}`,
    s.emulatorUdpDrops ?? '—',
    `${f.badPct} %`,
    `${f.worstServerBadPct} %`,
    `${f.behindP99Ms} / ${f.behindMaxMs}`,
    f.maxGapMs,
    s.passed ? 'yes' : '**no**',
  ]);
}

/** What a step cost, and the lag while it played. */
function costRow(s: VoiceStep): string {
  return row([
    s.servers,
    s.cpu.botPct,
    `${s.cpu.ffmpegPct} (${s.cpu.ffmpegProcesses})`,
    `${s.perServerPct.bot} + ${s.perServerPct.ffmpeg} = **${s.perServerPct.total}**`,
    lag(s.botLag),
    `${s.cpu.benchPct} / ${lag(s.benchLag)}`,
    `${s.benchStalls.count} / ${s.benchStalls.maxMs}`,
    `${s.benchGc.count} / ${s.benchGc.totalMs} / ${s.benchGc.maxMs}`,
    `${s.cpu.machinePct} / ${s.cpu.othersPct}`,
    s.loadAverage,
  ]);
}

/** The answer in one sentence. */
export function voiceAnswer(r: VoiceLoadReport): string {
  const { maxServers, firstFailed } = r.answer;
  const limit = `fewer than ${r.setup.limitPct} % of frames late, missing or filler`;
  if (maxServers === null) return `No step passed (${limit}): the first, ${firstFailed} server(s), failed.`;
  if (firstFailed === null) return `Every step passed (${limit}), up to ${maxServers} servers playing at once; the limit is beyond the ramp.`;
  return `${maxServers} servers playing at once passed (${limit}); ${firstFailed} failed.`;
}

/** The run as Markdown: what ran where, the idle baseline, one row per step, the answer. */
export function formatVoiceLoad(r: VoiceLoadReport): string {
  const s = r.setup;
  const c = s.catalog;
  const paced = Math.max(0, ...r.steps.map((st) => st.spacingMs).filter((ms) => ms > s.startSpacingMs));
  const lines = [
    `Run ${r.startedAt.slice(0, 19).replace('T', ' ')} UTC, ${r.durationSec} s. Machine: ${machineLine(r.machine)}; 1-minute load average ${r.loadAverage.start} at the start, ${r.loadAverage.end} at the end (other work shares it).`,
    `The bot: its own process (the real startBot, ready in ${s.readyMs} ms), @discordjs/voice with ${s.ffmpeg} (libopus, ${s.opusKbps} kbps, Ogg Opus on a pipe). ` +
      `Tracks: ${c.tracks} tracks over ${c.audioFiles} files of ${c.trackSeconds} s, ${c.format}. ` +
      `Discord: the emulator ${s.emulator}. ${s.nice !== 0 ? `The bench and the bot ran at nice ${s.nice} (\`--nice\`; the bot starts ffmpeg 10 nicer than itself): other work shared the machine, and this gives the bot the CPU it asks for. ` : ''}In each step a member of each server joins a voice channel, runs /recommend and presses ▶ Play in voice, one server every ${s.startSpacingMs} ms${paced ? ` (every ${paced} ms from 90 servers on: joins are gateway messages, and discord.js sends at most 120 a minute)` : ''}; ` +
      `after ${s.warmupSec} s of warm-up — longer until every stream is steady, 50 frames a second ± 5 % (after the presses @discordjs/voice's one 20-ms clock for all players stalls while the bot answers, joins and ffmpeg fills its read-ahead, then sends the backlog faster; "silence while starting" is the longest a stream already playing went without a frame meanwhile, "settled" how long until steady) — ${s.windowSec} s are measured; then /voice leave everywhere. The ramp stops at the first step that fails.`,
    '',
    `A frame's slot is its place on @discordjs/voice's 20-ms clock (RTP sequence number; the schedule anchored where the stream was least behind in the window). ` +
      `**Late**: it arrived more than ${s.lateMs} ms after its slot; *at the bench*: due while the bench process's own event loop was stalled (it timestamps the frames) and read right after, so perhaps sent on time — not counted as bad. **Missing**: it never arrived (dropped at the emulator: of those, datagrams the kernel dropped because the bench process fell behind reading its socket — the bench's fault, not the bot's). **Filler**: a silence frame the player sent because ffmpeg had no audio ready. ` +
      `A step passes when every server played and fewer than ${s.limitPct} % of all slots were late, missing or filler. ` +
      `CPU in % of one core over the window, from /proc (utime + stime): the bot process (all threads), its ffmpeg children, per server (the bot's use above idle, plus ffmpeg, divided by the servers), ` +
      `the bench process (emulator: UDP, decryption, gateway, REST), the whole machine and what other processes used. ` +
      `Event-loop lag in ms: a 1-ms timer's delay (p50 / p99 / max). Each server's own figures: \`--json\` (\`perServer\`).`,
    '',
    `Idle (in voice nowhere, ${s.windowSec} s): bot ${r.idle.cpu.botPct} %, bench ${r.idle.cpu.benchPct} %, machine ${r.idle.cpu.machinePct} % (others ${r.idle.cpu.othersPct} %); bot lag ${lag(r.idle.botLag)} ms.`,
    '',
    ...header(
      ['servers', 'playing', 'press → audio p50 / max (ms)', 'silence while starting (ms)', 'bot lag while starting p50 / p99 / max (ms)', 'settled (s)', 'frames received / slots', 'late (at the bench) / missing / filler', 'dropped at the emulator', 'bad', 'worst server', 'behind slot p99 / max (ms)', 'max gap (ms)', 'passed'],
      ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
    ),
    ...r.steps.map(playbackRow),
    '',
    ...header(
      ['servers', 'bot CPU', 'ffmpeg CPU (processes)', 'per server: bot + ffmpeg', 'bot lag p50 / p99 / max (ms)', 'bench CPU / lag p50 / p99 / max (ms)', 'bench stalls > 20 ms / longest (ms)', 'bench GC pauses / total / longest (ms)', 'machine / others CPU', 'load average'],
      ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
    ...r.steps.map(costRow),
    '',
    `**${voiceAnswer(r)}**`,
  ];
  const failures = r.steps.flatMap((st) => st.startFailures.map((f) => `${st.servers} servers: ${f}`));
  if (failures.length) lines.push('', 'Servers that did not play:', ...failures.map((f) => `- ${f}`));
  const warnings = r.steps.flatMap((st) => st.botWarnings.map((w) => `${st.servers} servers: ${w.count} × "${w.msg}"`));
  if (warnings.length) lines.push('', "The bot's warnings and errors (its log):", ...warnings.map((w) => `- ${w}`));
  return lines.join('\n');
}
