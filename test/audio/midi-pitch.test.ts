/** The table of MIDI pitches is equal temperament, to the last bits that Math.pow itself is sure of. */
import { describe, expect, it } from 'vitest';
import { midiHz } from '../../src/audio/midi-pitch.ts';

/** The distance from x to the next double up: one unit in the last place. */
function ulp(x: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  view.setBigUint64(0, view.getBigUint64(0) + 1n);
  return view.getFloat64(0) - x;
}

describe('midiHz', () => {
  it('is 440 · 2^((m − 69) / 12) for every MIDI note, as Math.pow computes it to its last bits', () => {
    for (let m = 0; m <= 127; m++) {
      const hz = 440 * 2 ** ((m - 69) / 12);
      // Runtimes differ by one unit in the last place of the power; the product by 440 rounds once more.
      expect(Math.abs(midiHz(m) - hz), `note ${m}`).toBeLessThanOrEqual(2 * ulp(hz));
    }
  });

  it('gives the A notes exactly (440 Hz times powers of two), and twice the pitch twelve notes up', () => {
    expect([21, 33, 45, 57, 69, 81, 93, 105, 117].map(midiHz)).toEqual([27.5, 55, 110, 220, 440, 880, 1760, 3520, 7040]);
    for (let m = 0; m + 12 <= 127; m++) expect(midiHz(m + 12) / midiHz(m), `note ${m}`).toBeCloseTo(2, 12);
  });

  it('refuses what is not a MIDI note', () => {
    for (const bad of [-1, 128, 60.5, Number.NaN]) expect(() => midiHz(bad)).toThrow(RangeError);
  });
});
