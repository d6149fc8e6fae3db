/** The voice bench's frame timing: slots from RTP sequence numbers, late, missing and filler frames. */
import { describe, expect, it } from 'vitest';
import { slotNumbers, streamTiming, type TimedFrame } from './voice-frames.ts';

/** A stream sent on time from `t0`: frame k at t0 + 20k, sequence numbers from `seq0` (wrapping). */
function onTime(count: number, t0 = 1000, seq0 = 100): TimedFrame[] {
  return Array.from({ length: count }, (_, k) => ({ arrivedAt: t0 + 20 * k + 0.3, sequence: (seq0 + k) & 0xffff, silence: false }));
}

const WINDOW = { start: 2000, end: 4000 };

describe('slotNumbers', () => {
  it('unwraps the 16-bit sequence and steps back for a reordered packet', () => {
    const seqs = [65534, 65535, 0, 2, 1, 3].map((sequence) => ({ sequence }));
    expect(slotNumbers(seqs)).toEqual([0, 1, 2, 4, 3, 5]);
  });
});

describe('streamTiming', () => {
  it('a punctual stream: every slot of the window received, nothing late, gaps of 20 ms', () => {
    const t = streamTiming(onTime(200, 1000, 65500), WINDOW, 40);
    expect(t).toMatchObject({ expected: 100, received: 100, late: 0, missing: 0, fill: 0, bad: 0, maxGapMs: 20 });
    expect(t.behindMs.max).toBe(0);
  });

  it('a stall: the frames held back and then sent in quick succession are late by how long they waited', () => {
    const frames = onTime(200);
    // The sender stalls 100 ms at slot 70 (t = 2400) and catches up 1 ms per frame.
    for (let k = 70; k < 200; k++) {
      const caughtUp = 2500 + (k - 70) * 1;
      frames[k]!.arrivedAt = Math.max(caughtUp, 1000 + 20 * k) + 0.3;
    }
    const t = streamTiming(frames, WINDOW, 40);
    expect(t.expected).toBe(100);
    expect(t.missing).toBe(0);
    // Slots 70.. were due at 2400, 2420, …: late by 100, 81, 62, 43, then 24 (on time again).
    expect(t.late).toBe(4);
    expect(t.bad).toBe(4);
    expect(t.behindMs.max).toBe(100);
    expect(t.maxGapMs).toBe(120);
  });

  it('a sender that is slow throughout falls further behind: the anchor is its best moment', () => {
    // 22 ms per frame instead of 20, and it stops at frame 119 (t = 3618): 2 ms more behind each time.
    const frames = onTime(120).map((f, k) => ({ ...f, arrivedAt: 1000 + 22 * k }));
    const t = streamTiming(frames, WINDOW, 40);
    // The first frame in the window is k = 46 (t = 2012): slots 46…145 are due in the window.
    expect(t.expected).toBe(100);
    expect(t.received).toBe(74);
    expect(t.missing).toBe(26);
    // Behind by 2 × (k − 46) ms: late from k = 67 on.
    expect(t.late).toBe(53);
    expect(t.bad).toBe(79);
    expect(t.maxGapMs).toBe(22);
  });

  it('lost packets are missing; silence in the middle of a track is filler; each slot counts once', () => {
    const frames = onTime(200);
    frames[60]!.silence = true;
    frames[61]!.silence = true;
    frames[62]!.silence = true;
    frames[62]!.arrivedAt += 100; // late filler: one bad slot, not two
    const kept = frames.filter((_, k) => k !== 80 && k !== 81);
    const t = streamTiming(kept, WINDOW, 40);
    expect(t).toMatchObject({ expected: 100, received: 98, missing: 2, fill: 3, late: 1, bad: 5 });
  });

  it('late frames due while the receiver was stalled, and read right after, are counted apart and not as bad', () => {
    const frames = onTime(200);
    // The receiver stalls from 2400 to 2501 and then reads the frames of slots 70–74 (due 2400.3–2480.3).
    for (let k = 70; k < 75; k++) frames[k]!.arrivedAt = 2501;
    const stalls = [{ from: 2400, to: 2501 }];
    const t = streamTiming(frames, WINDOW, 40, stalls);
    // Slots 70–73 are more than 40 ms behind, their deadlines (2440.3–2500.3) inside the stall.
    expect(t).toMatchObject({ late: 4, lateAtReceiver: 4, bad: 0 });
    // A frame read long after the stall ended is late all the same.
    frames[72]!.arrivedAt = 2600;
    expect(streamTiming(frames, WINDOW, 40, stalls)).toMatchObject({ late: 4, lateAtReceiver: 3, bad: 1 });
    // Without the stall: all four bad.
    expect(streamTiming(frames, WINDOW, 40)).toMatchObject({ late: 4, lateAtReceiver: 0, bad: 4 });
  });

  it('nothing in the window: every slot missing', () => {
    const t = streamTiming(onTime(40), WINDOW, 40);
    expect(t).toMatchObject({ expected: 100, received: 0, missing: 100, bad: 100 });
  });
});
