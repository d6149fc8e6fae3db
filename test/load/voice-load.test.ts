/**
 * `npm run bench:voice` at a tiny size, as a real process: the bot plays to one, then two servers,
 * and the report has each step's frames, CPU and lag. Behaviour only: audio arrived in every
 * server, ffmpeg ran per server, figures are there and add up. No timing is asserted.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runScript } from '../helpers/run-cli.ts';
import type { VoiceLoadReport } from './run-voice-load.ts';
import { formatVoiceLoad } from './voice-report.ts';

const WINDOW_SEC = 3;
let report: VoiceLoadReport;
let stderr: string;

beforeAll(async () => {
  // --keep-going: both steps run even if a busy machine makes the first one late.
  const args = ['--servers', '1,2', '--window', String(WINDOW_SEC), '--warmup', '1', '--keep-going', '--no-results', '--json'];
  const run = await runScript('test/load/bench-voice.ts', args, {}, 600_000);
  stderr = run.stderr;
  expect(run.code, run.stderr).toBe(0);
  report = JSON.parse(run.stdout) as VoiceLoadReport;
}, 620_000);

describe('npm run bench:voice (tiny)', () => {
  it('describes the run: machine, load, the ramp, the catalog, ffmpeg', () => {
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.loadAverage.start).toBeGreaterThanOrEqual(0);
    expect(report.setup).toMatchObject({ ramp: [1, 2], windowSec: WINDOW_SEC, warmupSec: 1, lateMs: 40, limitPct: 1, nice: 0, startSpacingMs: 200, opusKbps: 96 });
    expect(report.setup.catalog.tracks).toBeGreaterThan(0);
    expect(report.setup.catalog.trackSeconds).toBeGreaterThan(WINDOW_SEC);
    expect(report.setup.ffmpeg).toMatch(/^ffmpeg version /);
    expect(report.setup.readyMs).toBeGreaterThan(0);
    expect(stderr).toContain('bench:voice: 2 server(s): /recommend and ▶ Play in voice in each');
  });

  it('idles with no ffmpeg running, and measures the bot there', () => {
    expect(report.idle.cpu.ffmpegProcesses).toBe(0);
    expect(report.idle.botLag.samples).toBeGreaterThan(0);
  });

  it('plays in every server of every step: audio arrived from one ffmpeg per server, every slot accounted for', () => {
    expect(report.steps.map((s) => s.servers)).toEqual([1, 2]);
    for (const step of report.steps) {
      expect(step.startFailures).toEqual([]);
      expect(step.playing).toBe(step.servers);
      expect(step.perServer).toHaveLength(step.servers);
      expect(new Set(step.perServer.map((s) => s.guild)).size).toBe(step.servers);
      expect(step.cpu.ffmpegProcesses).toBe(step.servers);
      expect(step.settleSec).toBeGreaterThanOrEqual(1);
      expect(step.startMaxGapMs).toBeGreaterThanOrEqual(0);
      expect(step.startBotLag.samples).toBeGreaterThan(0);
      for (const s of step.perServer) {
        expect(s.firstAudioMs).not.toBeNull();
        // The window lasts at least WINDOW_SEC: at least 50 slots a second.
        expect(s.expected).toBeGreaterThanOrEqual(WINDOW_SEC * 50 - 1);
        expect(s.received).toBeGreaterThan(0);
        expect(s.received + s.missing).toBe(s.expected);
        expect(s.bad).toBeLessThanOrEqual(s.expected);
        expect(s.decryptFailures).toBe(0);
      }
      const f = step.frames;
      expect(f.expected).toBe(step.perServer.reduce((n, s) => n + s.expected, 0));
      expect(f.received).toBe(step.perServer.reduce((n, s) => n + s.received, 0));
      expect(step.emulatorUdpDrops).toBeGreaterThanOrEqual(0);
      expect(f.lateAtBench).toBeLessThanOrEqual(f.late);
      expect(step.benchStalls.count).toBeGreaterThanOrEqual(0);
      expect(step.botLag.samples).toBeGreaterThan(0);
      expect(step.benchLag.samples).toBeGreaterThan(0);
      expect(step.cpu.machinePct).toBeGreaterThan(0);
      expect(step.passed).toBe(f.badPct < 1);
    }
  });

  it('answers with the largest passing step before the first failure', () => {
    const failed = report.steps.find((s) => !s.passed)?.servers ?? null;
    expect(report.answer.firstFailed).toBe(failed);
    const before = report.steps.filter((s) => s.passed && (failed === null || s.servers < failed)).map((s) => s.servers);
    expect(report.answer.maxServers).toBe(before.at(-1) ?? null);
  });

  it('formats a row per step and the answer', () => {
    const md = formatVoiceLoad(report);
    // Playback, then cost: one row per step in each table.
    expect(md.match(/^\| 1 \| 1 \| \d+ \/ \d+ \| \d+ \| [\d.]+ \/ [\d.]+ \/ [\d.]+ \| [\d.]+ \| [\d,]+ \/ [\d,]+ \|/gm)).toHaveLength(1);
    expect(md.match(/^\| 2 \| 2 \| \d+ \/ \d+ \| \d+ \| [\d.]+ \/ [\d.]+ \/ [\d.]+ \| [\d.]+ \| [\d,]+ \/ [\d,]+ \|/gm)).toHaveLength(1);
    expect(md.match(/^\| [12] \| [\d.]+ \| [\d.]+ \(\d+\) \|/gm)).toHaveLength(2);
    expect(md).toMatch(/^\| 1 \| 1 \| .*\| \d+ \(\d+\) \/ \d+ \/ \d+ \|/m);
    expect(md).toMatch(/\*\*(Every step passed|\d+ servers playing at once passed|No step passed)/);
  });
});

describe('npm run bench:voice options', () => {
  it('prints its usage, and refuses a bad server list with a clear message', async () => {
    const help = await runScript('test/load/bench-voice.ts', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: npm run bench:voice -- [options]');
    const bad = await runScript('test/load/bench-voice.ts', ['--servers', '1,0,4']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--servers takes a comma-separated list of whole numbers from 1 to 250 (got "0")');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});
