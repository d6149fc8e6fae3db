import { describe, expect, it } from 'vitest';
import { CLAP_WINDOW_POLICY, cutWindows, planWindows, repeatPad, type WindowPolicy } from '../../src/audio/windows.ts';
import { CLAP_SAMPLE_RATE, CLAP_WINDOW_SAMPLES } from '../../src/retrieval/encoders/types.ts';

const W = 480_000;
const SR = 48_000;

/** Byte-exact equality (vitest's deep equal is slow on arrays of 100k+ elements). */
function same(a: Float32Array | undefined, b: Float32Array): boolean {
  if (!a || a.length !== b.length) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** samples[i] = i + 1, so every sample says where it came from (exact in float32 below 2^24). */
function ramp(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => i + 1);
}

describe('CLAP_WINDOW_POLICY', () => {
  it('as the index manifest stores it (JSON), plans the same windows; in place it cannot be changed', () => {
    const stored = JSON.parse(JSON.stringify(CLAP_WINDOW_POLICY)) as WindowPolicy;
    for (const seconds of [0.5, 3, 10, 15, 29, 45, 600]) {
      const n = Math.round(seconds * SR);
      expect(planWindows(n, stored), `${seconds} s`).toEqual(planWindows(n, CLAP_WINDOW_POLICY));
    }
    expect(() => {
      (CLAP_WINDOW_POLICY as WindowPolicy).maxWindows = 5;
    }).toThrow(TypeError);
  });

  it('cuts windows of exactly what the CLAP audio encoder takes: 10 s at 48 kHz', () => {
    for (const win of cutWindows(ramp(45 * CLAP_SAMPLE_RATE))) expect(win.length).toBe(CLAP_WINDOW_SAMPLES);
    expect(CLAP_WINDOW_POLICY.sampleRate).toBe(CLAP_SAMPLE_RATE);
  });
});

describe('planWindows / cutWindows', () => {
  it('pads a 3 s track CLAP-style: three copies, then zeros', () => {
    const src = ramp(3 * SR);
    const [win, ...rest] = cutWindows(src);
    expect(rest).toHaveLength(0);
    expect(win!.length).toBe(W);
    expect(win!.buffer).not.toBe(src.buffer);
    for (let r = 0; r < 3; r++) {
      expect(same(win!.subarray(r * 3 * SR, (r + 1) * 3 * SR), src)).toBe(true);
    }
    expect(win!.subarray(9 * SR).every((x) => x === 0)).toBe(true);
    expect(win![9 * SR - 1]).toBe(3 * SR);
  });

  it('pads a 7 s track with one copy and 3 s of zeros (⌊10/7⌋ = 1)', () => {
    const src = ramp(7 * SR);
    const [win] = cutWindows(src);
    expect(same(win!.subarray(0, 7 * SR), src)).toBe(true);
    expect(win!.subarray(7 * SR).every((x) => x === 0)).toBe(true);
  });

  it('tiles a window length that divides 10 s exactly, with no zeros left', () => {
    const win = repeatPad(ramp(2 * SR), W);
    expect(win[2 * SR]).toBe(1);
    expect(win[W - 1]).toBe(2 * SR);
    expect(win.every((x) => x !== 0)).toBe(true);
  });

  it('pads a single-sample track to a constant window of that sample', () => {
    const [win] = cutWindows(Float32Array.of(0.25));
    expect(win!.length).toBe(W);
    expect(win!.every((x) => x === 0.25)).toBe(true);
  });

  it('gives exactly 10 s as one window: the input itself, as a view', () => {
    const src = ramp(W);
    const wins = cutWindows(src);
    expect(wins).toHaveLength(1);
    expect(wins[0]!.buffer).toBe(src.buffer);
    expect(wins[0]!.byteOffset).toBe(0);
    expect(wins[0]!.length).toBe(W);
  });

  it('covers a 15 s track with two overlapping windows: start and end', () => {
    expect(planWindows(15 * SR)).toEqual([
      { start: 0, length: W, padded: false },
      { start: 5 * SR, length: W, padded: false },
    ]);
    const src = ramp(15 * SR);
    const [a, b] = cutWindows(src);
    expect(a![0]).toBe(1);
    expect(b![W - 1]).toBe(15 * SR);
    expect(b!.buffer).toBe(src.buffer);
  });

  it('gives 10 s + 1 sample two windows one sample apart', () => {
    expect(planWindows(W + 1).map((s) => s.start)).toEqual([0, 1]);
  });

  it('covers a 25 s track with three evenly spaced windows (0, 7.5 s, 15 s)', () => {
    expect(planWindows(25 * SR).map((s) => s.start)).toEqual([0, 7.5 * SR, 15 * SR]);
  });

  it('cuts exactly 30 s into three consecutive windows', () => {
    expect(planWindows(30 * SR).map((s) => s.start)).toEqual([0, W, 2 * W]);
  });

  it('takes three consecutive centred windows when the middle 60 % is under 30 s (40 s track)', () => {
    // 60 % of 40 s = 24 s < 30 s, so the region is 30 s centred: 5 s .. 35 s.
    expect(planWindows(40 * SR).map((s) => s.start)).toEqual([5 * SR, 15 * SR, 25 * SR]);
  });

  it('spreads three windows over the middle 60 % of a 4-minute track', () => {
    const total = 240 * SR;
    const spans = planWindows(total);
    // Region 48 s .. 192 s: windows at 48 s, 115 s (centre) and 182 s (ending at 192 s).
    expect(spans.map((s) => s.start / SR)).toEqual([48, 115, 182]);
    const centre = spans[1]!.start + W / 2;
    expect(centre).toBe(total / 2);
    const src = ramp(total);
    const wins = cutWindows(src);
    expect(wins.map((w) => w[0])).toEqual([48 * SR + 1, 115 * SR + 1, 182 * SR + 1]);
    expect(wins.every((w) => w.length === W && w.buffer === src.buffer)).toBe(true);
  });

  it('keeps every window inside the track and of full length for many lengths', () => {
    for (const sec of [10, 10.5, 11, 19.99, 20, 29, 30.01, 31, 33, 45, 50, 61, 99.7, 600]) {
      const total = Math.round(sec * SR);
      const spans = planWindows(total);
      expect(spans.length).toBe(Math.min(3, Math.ceil(total / W)));
      for (const s of spans) {
        expect(Number.isInteger(s.start)).toBe(true);
        expect(s.start).toBeGreaterThanOrEqual(0);
        expect(s.start + s.length).toBeLessThanOrEqual(total);
        expect(s.length).toBe(W);
      }
      // Ascending, and symmetric about the middle (up to one sample of rounding).
      const starts = spans.map((s) => s.start);
      expect([...starts].sort((a, b) => a - b)).toEqual(starts);
      const first = spans[0]!.start;
      const lastEnd = spans.at(-1)!.start + W;
      expect(Math.abs(first - (total - lastEnd))).toBeLessThanOrEqual(1);
    }
  });

  it('follows a custom policy (window size, count, fraction)', () => {
    const policy: WindowPolicy = { ...CLAP_WINDOW_POLICY, windowSamples: 10, maxWindows: 2, middleFraction: 0.5 };
    expect(planWindows(100, policy)).toEqual([
      { start: 25, length: 10, padded: false },
      { start: 65, length: 10, padded: false },
    ]);
    expect(cutWindows(ramp(4), policy)[0]).toEqual(Float32Array.of(1, 2, 3, 4, 1, 2, 3, 4, 0, 0));
  });

  it('refuses empty input and nonsense policies', () => {
    expect(() => planWindows(0)).toThrow(/at least one/);
    expect(() => cutWindows(new Float32Array(0))).toThrow(RangeError);
    expect(() => planWindows(10, { ...CLAP_WINDOW_POLICY, maxWindows: 0 })).toThrow(/maxWindows/);
    expect(() => planWindows(10, { ...CLAP_WINDOW_POLICY, middleFraction: 0 })).toThrow(/middleFraction/);
  });
});
