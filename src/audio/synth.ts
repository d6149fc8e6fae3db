import type { Track } from '../catalog/track.ts';
import { fnv1a, type Random, randomFromSeed } from '../util/prng.ts';
import { midiHz } from './midi-pitch.ts';
import { styleOf, type SynthStyle, type VoiceKind } from './synth-style.ts';

/**
 * Synthesized audio for the embedded demo catalog: a short, deterministic piece per track whose
 * tempo, loudness, mode and instruments follow its tags (see synth-style.ts), so CLAP has real
 * audible differences to find (a calm piano piece vs. an energetic synth track with drums).
 *
 * Pure: same track → same samples. Sines are made with a two-term recurrence (one multiply per
 * sample instead of Math.sin) and notes stop once they have decayed, which keeps a 600-track
 * demo set to seconds of CPU.
 */

/** The demo audio's rate: half of CD is enough for a demo and halves synthesis and encoding time. */
export const DEMO_SAMPLE_RATE = 22_050;
export const DEMO_MIN_SEC = 12;
export const DEMO_MAX_SEC = 20;

export interface SynthOptions {
  sampleRate?: number;
  /** Overrides `demoDurationSec(track)`. */
  durationSec?: number;
}

/**
 * A demo track's length: its catalog `durationSec` when that is already 12–20 s, else a length
 * in 12–20 s seeded by its id (the demo catalog should store this value as the track's duration).
 */
export function demoDurationSec(track: Pick<Track, 'id' | 'durationSec'>): number {
  const d = track.durationSec;
  if (d !== undefined && d >= DEMO_MIN_SEC && d <= DEMO_MAX_SEC) return d;
  return DEMO_MIN_SEC + (fnv1a(`${track.id}#duration`) % 8001) / 1000;
}

export function synthesizeTrack(track: Pick<Track, 'id' | 'tags' | 'durationSec'>, opts: SynthOptions = {}): Float32Array {
  const sr = opts.sampleRate ?? DEMO_SAMPLE_RATE;
  const duration = opts.durationSec ?? demoDurationSec(track);
  const seed = fnv1a(track.id);
  const style = styleOf(track.tags, seed);
  const ctx = new Score(style, sr, Math.round(duration * sr), randomFromSeed(seed ^ 0x9e3779b9));

  const mix = new Float64Array(ctx.n);
  for (const voice of style.voices) {
    const buf = new Float64Array(ctx.n);
    RENDER[voice](ctx, buf);
    const gain = VOICE_GAIN[voice];
    for (let i = 0; i < ctx.n; i++) mix[i]! += gain * buf[i]!;
  }
  return master(mix, style, sr);
}

const VOICE_GAIN: Record<VoiceKind, number> = {
  piano: 0.5, pad: 0.3, pluck: 0.6, bass: 0.5, drums: 0.7, lead: 0.4, saw: 0.6, bell: 0.35, organ: 0.25,
};

/** Timing and harmony shared by all voices of one track. */
class Score {
  readonly beatSec: number;
  readonly beats: number;
  private readonly scale: number[];
  constructor(
    readonly style: SynthStyle,
    readonly sr: number,
    readonly n: number,
    readonly rng: Random,
  ) {
    this.beatSec = 60 / style.bpm;
    this.beats = Math.ceil(n / sr / this.beatSec);
    this.scale = style.minor ? [0, 2, 3, 5, 7, 8, 10] : [0, 2, 4, 5, 7, 9, 11];
  }

  /** MIDI note of a scale degree (any integer, octaves wrap) relative to the key's root. */
  degree(d: number): number {
    const o = Math.floor(d / 7);
    return this.style.rootMidi + this.scale[d - 7 * o]! + 12 * o;
  }

  /** Scale degrees of the triad played in the bar holding `beat`. */
  chord(beat: number): [number, number, number] {
    const prog = this.style.progression;
    const root = prog[Math.floor(beat / 4) % prog.length]!;
    return [root, root + 2, root + 4];
  }

  at(beat: number): number {
    return Math.round(beat * this.beatSec * this.sr);
  }
}

/** A note's frequency from a table, not Math.pow, whose last bit differs between runtimes (see midi-pitch.ts). */
const hz = midiHz;

/** [frequency multiple, relative amplitude, decay-time scale] */
type Partial = [number, number, number];

interface ToneShape {
  attackSec: number;
  /** Exponential decay time constant in seconds (Infinity: sustained). */
  decaySec: number;
  releaseSec: number;
  partials: readonly Partial[];
}

/**
 * Adds a note of harmonic partials. Each sine comes from the recurrence
 * s[n] = 2cos(w)·s[n−1] − s[n−2], exact for a fixed frequency and cheap.
 */
function addTone(buf: Float64Array, sr: number, start: number, durSec: number, freq: number, amp: number, shape: ToneShape): void {
  const attack = Math.max(1, Math.round(shape.attackSec * sr));
  const release = Math.max(1, Math.round(shape.releaseSec * sr));
  for (const [mult, rel, decayScale] of shape.partials) {
    const f = freq * mult;
    if (f >= sr * 0.45) continue;
    const tau = shape.decaySec * decayScale;
    // Stop once the partial is ~60 dB down; nothing audible is lost.
    const len = Math.min(Math.round(durSec * sr), Number.isFinite(tau) ? Math.round(tau * 7 * sr) : Infinity, buf.length - start);
    if (len <= 0) continue;
    const w = (2 * Math.PI * f) / sr;
    const k = 2 * Math.cos(w);
    let s1 = 0;
    let s2 = -Math.sin(w);
    const d = Number.isFinite(tau) ? Math.exp(-1 / (tau * sr)) : 1;
    let e = amp * rel;
    const relFrom = len - release;
    for (let i = 0; i < len; i++) {
      const s = k * s1 - s2;
      s2 = s1;
      s1 = s;
      let g = e;
      if (i < attack) g *= i / attack;
      if (i > relFrom) g *= (len - i) / release;
      buf[start + i]! += g * s2;
      e *= d;
    }
  }
}

const PIANO: ToneShape = {
  attackSec: 0.004, decaySec: 1.1, releaseSec: 0.05,
  partials: [[1, 1, 1], [2, 0.5, 0.6], [3, 0.28, 0.4], [4, 0.16, 0.3], [5, 0.1, 0.25], [6.02, 0.05, 0.2]],
};
const PAD: ToneShape = { attackSec: 0.6, decaySec: Infinity, releaseSec: 0.5, partials: [[1, 1, 1], [2, 0.25, 1], [3, 0.12, 1]] };
const BASS: ToneShape = { attackSec: 0.006, decaySec: 0.45, releaseSec: 0.04, partials: [[1, 1, 1], [2, 0.4, 0.7], [3, 0.15, 0.5]] };
const ORGAN: ToneShape = {
  attackSec: 0.02, decaySec: Infinity, releaseSec: 0.06,
  partials: [[1, 1, 1], [2, 0.6, 1], [3, 0.45, 1], [4, 0.3, 1], [6, 0.18, 1], [8, 0.12, 1]],
};

type Render = (s: Score, buf: Float64Array) => void;

const RENDER: Record<VoiceKind, Render> = {
  piano(s, buf) {
    // Calm pieces arpeggiate in eighths; others strike chords on the beat.
    const arpeggio = s.style.bpm < 100 || s.rng.chance(0.3);
    for (let b = 0; b < s.beats; b++) {
      const chord = s.chord(b);
      if (arpeggio) {
        for (let half = 0; half < 2; half++) {
          const d = chord[(b * 2 + half) % 3]! + (half === 1 && b % 2 === 1 ? 7 : 0);
          addTone(buf, s.sr, s.at(b + half / 2), 2 * s.beatSec, hz(s.degree(d)), 0.5, PIANO);
        }
      } else {
        for (const d of chord) addTone(buf, s.sr, s.at(b), 1.5 * s.beatSec, hz(s.degree(d)), 0.35, PIANO);
      }
    }
  },

  pad(s, buf) {
    for (let bar = 0; bar * 4 < s.beats; bar++) {
      for (const d of s.chord(bar * 4)) {
        // Two slightly detuned copies: the slow beating makes it sound like an ensemble.
        for (const detune of [0.997, 1.003]) {
          addTone(buf, s.sr, s.at(bar * 4), 4 * s.beatSec + 0.5, hz(s.degree(d) + 12) * detune, 0.2, PAD);
        }
      }
    }
  },

  organ(s, buf) {
    for (let bar = 0; bar * 4 < s.beats; bar++) {
      for (const d of s.chord(bar * 4)) addTone(buf, s.sr, s.at(bar * 4), 4 * s.beatSec, hz(s.degree(d)), 0.25, ORGAN);
    }
  },

  bass(s, buf) {
    const dance = s.style.fourOnTheFloor;
    for (let b = 0; b < s.beats; b++) {
      const root = s.chord(b)[0];
      const midi = s.degree(root) - 12;
      if (dance) {
        // Off-beat eighths, the house/trance bass.
        addTone(buf, s.sr, s.at(b + 0.5), 0.45 * s.beatSec, hz(midi), 0.8, BASS);
      } else if (b % 2 === 0) {
        const fifth = b % 4 === 2 && s.rng.chance(0.4);
        addTone(buf, s.sr, s.at(b), 1.8 * s.beatSec, hz(fifth ? midi + 7 : midi), 0.8, BASS);
      }
    }
  },

  pluck(s, buf) {
    const pattern = s.rng.pick([[0, 1, 2, 1], [0, 2, 1, 2], [0, 1, 2, 3]]);
    for (let e = 0; e < s.beats * 2; e++) {
      const chord = s.chord(Math.floor(e / 2));
      const step = pattern[e % 4]!;
      const d = step === 3 ? chord[0] + 7 : chord[step]!;
      karplusStrong(buf, s.sr, s.at(e / 2), 1.6, hz(s.degree(d)), 0.7, s.rng);
    }
    if (s.style.distorted) {
      // Overdrive: a tanh curve adds the odd harmonics of a driven guitar amp.
      for (let i = 0; i < buf.length; i++) buf[i] = Math.tanh(4 * buf[i]!) * 0.5;
    }
  },

  lead(s, buf) {
    // A random walk over the scale an octave up, landing on chord tones at bar starts.
    let d = 7 + s.chord(0)[0];
    const step = s.style.bpm >= 120 ? 0.5 : 1;
    for (let b = 0; b < s.beats; b += step) {
      if (b % 4 === 0) d = 7 + s.chord(b)[s.rng.int(0, 2)]!;
      else d += s.rng.pick([-2, -1, -1, 1, 1, 2]);
      d = Math.min(Math.max(d, 5), 14);
      if (s.rng.chance(0.15)) continue;
      vibratoTone(buf, s.sr, s.at(b), step * s.beatSec * 0.95, hz(s.degree(d)), 0.5);
    }
  },

  saw(s, buf) {
    // Sixteenth-note arpeggio through a low-pass filter: the classic synth sequence.
    for (let q = 0; q < s.beats * 4; q++) {
      const chord = s.chord(Math.floor(q / 4));
      const d = chord[q % 3]! + (q % 8 >= 6 ? 7 : 0);
      sawNote(buf, s.sr, s.at(q / 4), s.beatSec / 4, hz(s.degree(d) + 12), 0.5, 2500 + 1500 * Math.sin((q / 16) * Math.PI));
    }
  },

  bell(s, buf) {
    for (let b = 0; b < s.beats; b += 2) {
      if (b % 4 !== 0 && !s.rng.chance(0.35)) continue;
      const d = s.chord(b)[s.rng.int(0, 2)]!;
      fmBell(buf, s.sr, s.at(b), 3, hz(s.degree(d) + 24), 0.4);
    }
  },

  drums(s, buf) {
    const rng = s.rng;
    for (let b = 0; b < s.beats; b++) {
      if (s.style.fourOnTheFloor || b % 2 === 0) kick(buf, s.sr, s.at(b), 1);
      if (!s.style.fourOnTheFloor && b % 4 === 2 && rng.chance(0.3)) kick(buf, s.sr, s.at(b + 0.5), 0.7);
      if (b % 2 === 1) snare(buf, s.sr, s.at(b), 0.6, rng);
      for (let h = 0; h < 2; h++) hat(buf, s.sr, s.at(b + h / 2), h === 1 && s.style.fourOnTheFloor ? 0.35 : 0.2, rng);
    }
  },
};

function karplusStrong(buf: Float64Array, sr: number, start: number, durSec: number, freq: number, amp: number, rng: Random): void {
  const period = Math.max(2, Math.round(sr / freq));
  const line = new Float64Array(period);
  for (let i = 0; i < period; i++) line[i] = rng.range(-1, 1);
  const len = Math.min(Math.round(durSec * sr), buf.length - start);
  const release = Math.round(0.02 * sr);
  let idx = 0;
  for (let i = 0; i < len; i++) {
    const y = line[idx]!;
    const next = idx + 1 === period ? 0 : idx + 1;
    // Averaging two neighbours is the string's loss: highs die first, like a real pluck.
    line[idx] = 0.4985 * (y + line[next]!);
    idx = next;
    buf[start + i]! += amp * y * (i > len - release ? (len - i) / release : 1);
  }
}

function vibratoTone(buf: Float64Array, sr: number, start: number, durSec: number, freq: number, amp: number): void {
  const len = Math.min(Math.round(durSec * sr), buf.length - start);
  const attack = Math.round(0.04 * sr);
  const release = Math.round(0.06 * sr);
  let phase = 0;
  for (let i = 0; i < len; i++) {
    const t = i / sr;
    phase += (2 * Math.PI * freq * (1 + 0.006 * Math.sin(2 * Math.PI * 5.5 * t))) / sr;
    let g = amp;
    if (i < attack) g *= i / attack;
    if (i > len - release) g *= (len - i) / release;
    buf[start + i]! += g * (Math.sin(phase) + 0.3 * Math.sin(3 * phase) + 0.15 * Math.sin(2 * phase));
  }
}

function sawNote(buf: Float64Array, sr: number, start: number, durSec: number, freq: number, amp: number, cutoffHz: number): void {
  const len = Math.min(Math.round(durSec * sr), buf.length - start);
  const a = 1 - Math.exp((-2 * Math.PI * cutoffHz) / sr);
  const decay = Math.exp(-1 / (0.12 * sr));
  const release = Math.round(0.01 * sr);
  let phase = 0;
  let z = 0;
  let e = amp;
  for (let i = 0; i < len; i++) {
    phase += freq / sr;
    if (phase >= 1) phase -= 1;
    z += a * (2 * phase - 1 - z);
    buf[start + i]! += z * e * (i > len - release ? (len - i) / release : 1) * Math.min(1, i / 40);
    e *= decay;
  }
}

function fmBell(buf: Float64Array, sr: number, start: number, durSec: number, freq: number, amp: number): void {
  const len = Math.min(Math.round(durSec * sr), buf.length - start);
  const wc = (2 * Math.PI * freq) / sr;
  const wm = wc * 3.5; // inharmonic ratio: the metallic part of a bell
  for (let i = 0; i < len; i++) {
    const t = i / sr;
    const index = 2.5 * Math.exp(-t / 0.6);
    buf[start + i]! += amp * Math.exp(-t / 1.1) * Math.sin(wc * i + index * Math.sin(wm * i)) * Math.min(1, i / 30);
  }
}

function kick(buf: Float64Array, sr: number, start: number, amp: number): void {
  const len = Math.min(Math.round(0.35 * sr), buf.length - start);
  let phase = 0;
  for (let i = 0; i < len; i++) {
    const t = i / sr;
    phase += (2 * Math.PI * (45 + 90 * Math.exp(-t / 0.035))) / sr;
    buf[start + i]! += amp * Math.exp(-t / 0.14) * Math.sin(phase);
  }
}

function snare(buf: Float64Array, sr: number, start: number, amp: number, rng: Random): void {
  const len = Math.min(Math.round(0.22 * sr), buf.length - start);
  const w = (2 * Math.PI * 185) / sr;
  for (let i = 0; i < len; i++) {
    const t = i / sr;
    buf[start + i]! += amp * (0.8 * rng.range(-1, 1) * Math.exp(-t / 0.06) + 0.5 * Math.sin(w * i) * Math.exp(-t / 0.04));
  }
}

function hat(buf: Float64Array, sr: number, start: number, amp: number, rng: Random): void {
  const len = Math.min(Math.round(0.07 * sr), buf.length - start);
  let prev = 0;
  for (let i = 0; i < len; i++) {
    // Differenced white noise: a crude high-pass that leaves the hiss.
    const x = rng.range(-1, 1);
    buf[start + i]! += amp * (x - prev) * Math.exp(-i / (0.018 * sr));
    prev = x;
  }
}

/** Fades, a soft limiter for loud styles, and scaling to the style's peak. */
function master(mix: Float64Array, style: SynthStyle, sr: number): Float32Array {
  const n = mix.length;
  let peak = 0;
  for (let i = 0; i < n; i++) peak = Math.max(peak, Math.abs(mix[i]!));
  const out = new Float32Array(n);
  if (peak === 0) return out;
  const fadeIn = Math.round(0.05 * sr);
  const fadeOut = Math.round(1.5 * sr);
  // Loud styles are driven into tanh so they are dense, not just louder.
  const drive = style.peak > 0.8 ? 2 : 1;
  const norm = Math.tanh(drive);
  let outPeak = 0;
  for (let i = 0; i < n; i++) {
    let y = Math.tanh((drive * mix[i]!) / peak) / norm;
    if (i < fadeIn) y *= i / fadeIn;
    if (i > n - fadeOut) y *= (n - i) / fadeOut;
    out[i] = y;
    outPeak = Math.max(outPeak, Math.abs(y));
  }
  const scale = style.peak / (outPeak || 1);
  for (let i = 0; i < n; i++) out[i]! *= scale;
  return out;
}
