import { describe, expect, it } from 'vitest';
import type { Track, TrackTags } from '../../src/catalog/track.ts';
import { fnv1a } from '../../src/util/prng.ts';
import { fft } from '../helpers/fft.ts';
import { styleOf } from '../../src/audio/synth-style.ts';
import { demoDurationSec, DEMO_SAMPLE_RATE, synthesizeTrack } from '../../src/audio/synth.ts';

const SR = DEMO_SAMPLE_RATE;

function track(id: string, tags: Partial<TrackTags>, durationSec?: number): Track {
  return {
    id,
    tags: { mood: [], genre: [], instrument: [], ...tags },
    caption: '',
    keywords: [],
    ...(durationSec !== undefined ? { durationSec } : {}),
  };
}

const CALM = { mood: ['calm', 'relaxing'], genre: ['ambient'], instrument: ['piano'] };
const ENERGETIC = { mood: ['energetic', 'party'], genre: ['techno'], instrument: ['synthesizer', 'drums'] };

function rms(x: Float32Array): number {
  let s = 0;
  for (const v of x) s += v * v;
  return Math.sqrt(s / x.length);
}

/** Positive jumps of log frame energy (23 ms frames): large where a note or hit starts. */
function onsetEnvelope(x: Float32Array, hop = 512): Float64Array {
  const frames = Math.floor(x.length / hop);
  const o = new Float64Array(frames);
  let prev = 0;
  for (let f = 0; f < frames; f++) {
    let s = 0;
    for (let i = 0; i < hop; i++) s += x[f * hop + i]! ** 2;
    const e = Math.log(1e-6 + s);
    if (f > 0) o[f] = Math.max(0, e - prev);
    prev = e;
  }
  return o;
}

/** Onsets per second: local maxima of the envelope where energy jumps by more than 2× in a frame. */
function onsetsPerSecond(x: Float32Array, hop = 512): number {
  const o = onsetEnvelope(x, hop);
  let count = 0;
  for (let f = 1; f < o.length - 1; f++) if (o[f]! > 0.7 && o[f]! >= o[f - 1]! && o[f]! > o[f + 1]!) count++;
  return count / ((o.length * hop) / SR);
}

/** The lag (s) in 0.2–1.5 s at which the onset envelope repeats best: the pulse of the music. */
function pulseSec(x: Float32Array, hop = 256): number {
  const o = onsetEnvelope(x, hop);
  const mean = o.reduce((a, b) => a + b, 0) / o.length;
  let best = -Infinity;
  let bestLag = 0;
  for (let lag = Math.round((0.2 * SR) / hop); lag <= Math.round((1.5 * SR) / hop); lag++) {
    let s = 0;
    for (let f = 0; f + lag < o.length; f++) s += (o[f]! - mean) * (o[f + lag]! - mean);
    s /= o.length - lag;
    if (s > best) {
      best = s;
      bestLag = lag;
    }
  }
  return (bestLag * hop) / SR;
}

/** Share of the power below `lowHz` and above `highHz`, over Hann-windowed 2048-sample frames (radix-2 FFT). */
function bandShares(x: Float32Array, lowHz: number, highHz: number, size = 2048): { low: number; high: number } {
  let low = 0;
  let high = 0;
  let total = 0;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let start = 0; start + size <= x.length; start += size * 4) {
    for (let i = 0; i < size; i++) {
      re[i] = x[start + i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size));
      im[i] = 0;
    }
    fft(re, im);
    for (let k = 1; k < size / 2; k++) {
      const p = re[k]! ** 2 + im[k]! ** 2;
      const f = (k * SR) / size;
      total += p;
      if (f < lowHz) low += p;
      if (f > highHz) high += p;
    }
  }
  return { low: low / total, high: high / total };
}


describe('synthesizeTrack', () => {
  it('is deterministic: the same track gives identical samples', () => {
    const a = synthesizeTrack(track('track_0000042', ENERGETIC));
    const b = synthesizeTrack(track('track_0000042', ENERGETIC));
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
  });

  it('varies with the id even for the same tags', () => {
    const a = synthesizeTrack(track('track_1', CALM), { durationSec: 12 });
    const b = synthesizeTrack(track('track_2', CALM), { durationSec: 12 });
    expect(a.length).toBe(b.length);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(false);
  });

  it('lasts 12–20 s: the catalog duration when in range, else a seeded length', () => {
    expect(synthesizeTrack(track('t', CALM, 15.5)).length).toBe(Math.round(15.5 * SR));
    const lengths = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => demoDurationSec({ id, durationSec: 240 }));
    for (const d of lengths) {
      expect(d).toBeGreaterThanOrEqual(12);
      expect(d).toBeLessThanOrEqual(20);
    }
    expect(new Set(lengths).size).toBeGreaterThan(3);
    expect(demoDurationSec({ id: 'a' })).toBe(lengths[0]);
    expect(synthesizeTrack(track('t', CALM), { durationSec: 2, sampleRate: 48_000 }).length).toBe(96_000);
  });

  it('stays within [-1, 1], with no NaN, and is not silent', () => {
    for (const tags of [CALM, ENERGETIC, { mood: ['sad'], genre: ['classical'], instrument: ['strings', 'bell', 'organ'] },
      { genre: ['rock'], instrument: ['electricguitar', 'voice'] }, {}]) {
      const x = synthesizeTrack(track('track_7', tags), { durationSec: 12 });
      let peak = 0;
      let finite = true;
      for (const v of x) {
        finite &&= Number.isFinite(v);
        peak = Math.max(peak, Math.abs(v));
      }
      expect(finite).toBe(true);
      expect(peak).toBeLessThanOrEqual(1);
      expect(peak).toBeGreaterThan(0.2);
    }
  });

  it('sounds different for calm piano and energetic techno: tempo, density, loudness, spectrum', () => {
    const calmStyle = styleOf(CALM, fnv1a('track_3'));
    const hotStyle = styleOf(ENERGETIC, fnv1a('track_3'));
    expect(calmStyle.bpm).toBeLessThan(80);
    expect(hotStyle.bpm).toBeGreaterThan(130);
    expect(calmStyle.voices).toEqual(['piano']);
    expect(hotStyle.voices).toEqual(expect.arrayContaining(['saw', 'drums']));

    const calm = synthesizeTrack(track('track_3', CALM), { durationSec: 16 });
    const hot = synthesizeTrack(track('track_3', ENERGETIC), { durationSec: 16 });
    // The energetic piece pulses on its beat (kick every beat).
    expect(pulseSec(hot)).toBeCloseTo(60 / hotStyle.bpm, 1);
    expect(onsetsPerSecond(hot)).toBeGreaterThan(3 * onsetsPerSecond(calm));
    expect(rms(hot)).toBeGreaterThan(2 * rms(calm));
    // Kick and bass put weight low, hats and the saw put it high; a mid-register piano does neither.
    const calmBands = bandShares(calm, 150, 2500);
    const hotBands = bandShares(hot, 150, 2500);
    expect(hotBands.low).toBeGreaterThan(3 * calmBands.low);
    expect(hotBands.high).toBeGreaterThan(3 * calmBands.high);
  });

  it('sets tempo by genre and mood, and mode by mood', () => {
    const seed = fnv1a('x');
    const bpm = (tags: Partial<TrackTags>): number => styleOf({ mood: [], genre: [], instrument: [], ...tags }, seed).bpm;
    expect(bpm({ genre: ['drumnbass'] })).toBeGreaterThan(bpm({ genre: ['house'] }));
    expect(bpm({ genre: ['house'] })).toBeGreaterThan(bpm({ genre: ['chillout'] }));
    expect(bpm({ genre: ['chillout'] })).toBeGreaterThan(bpm({ genre: ['ambient'] }));
    expect(bpm({ genre: ['pop'], mood: ['energetic'] })).toBeGreaterThan(bpm({ genre: ['pop'] }));
    expect(bpm({ genre: ['pop'], mood: ['calm'] })).toBeLessThan(bpm({ genre: ['pop'] }));
    const style = (tags: Partial<TrackTags>) => styleOf({ mood: [], genre: [], instrument: [], ...tags }, seed);
    expect(style({ mood: ['sad'] }).minor).toBe(true);
    expect(style({ mood: ['happy'] }).minor).toBe(false);
    expect(style({ mood: ['calm'] }).peak).toBeLessThan(style({ mood: ['energetic'] }).peak);
    expect(style({ instrument: ['acousticguitar'], genre: ['folk'], mood: ['calm'] }).voices).toEqual(['pluck']);
    expect(style({ genre: ['rock'] })).toMatchObject({ distorted: true, voices: ['pluck', 'bass', 'drums'] });
  });
});
