/**
 * How punctually one voice stream arrived over a measurement window, from the frames the emulated
 * voice server recorded. @discordjs/voice sends every connection's next frame on one 20-ms clock
 * (catching up in quick succession when it fell behind), so each frame has a slot: the RTP
 * sequence number says which, and the schedule is anchored where the stream was least behind in
 * the window (min of arrival − 20 ms × slot). A frame is late when it arrives more than `lateMs`
 * after its slot; a slot with no frame at all is missing; a silence frame (F8 FF FE) in the middle
 * of a track is filler, sent because ffmpeg had no audio ready in time. All three are heard. The
 * frames are timestamped by the receiving process's event loop: a late frame that was due while
 * that loop was stalled, and read right after, is counted apart (`lateAtReceiver`), not as bad.
 */
import type { VoiceFrame } from '../discord-emulator/voice/voice-session.ts';

export const FRAME_MS = 20;

export interface StreamTiming {
  /** Slots of the 20-ms schedule inside the window (50 per second). */
  expected: number;
  /** Slots whose frame arrived (at any time until the analysis). */
  received: number;
  /** Of those, frames that arrived more than `lateMs` after their slot. */
  late: number;
  /**
   * Of the late ones, frames that were due while the receiving process's own event loop was
   * stalled and were read right after it: they may have been sent on time, so they are not `bad`.
   */
  lateAtReceiver: number;
  /** Slots whose frame never arrived. */
  missing: number;
  /** Received silence frames: the player had no audio ready and sent silence instead. */
  fill: number;
  /** Slots that were late (not at the receiver), missing or filler, each counted once: what a listener would hear as a glitch. */
  bad: number;
  /** How far behind its slot each received frame arrived (ms): median, 99th percentile, max. */
  behindMs: { p50: number; p99: number; max: number };
  /** Longest time between two consecutive arrivals inside the window (ms); 20 when all is well. */
  maxGapMs: number;
}

export type TimedFrame = Pick<VoiceFrame, 'arrivedAt' | 'sequence' | 'silence'>;

/** A span (performance.now() ms) in which the receiving process's event loop did not run. */
export interface ReceiverStall {
  from: number;
  to: number;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const r1 = (x: number) => Math.round(x * 10) / 10;

/** Each frame's slot number: the RTP sequence (16 bits, wrapping) unwrapped from the first frame on. */
export function slotNumbers(frames: readonly Pick<VoiceFrame, 'sequence'>[]): number[] {
  const slots: number[] = [];
  let slot = 0;
  frames.forEach((f, i) => {
    if (i > 0) {
      // Signed 16-bit difference: a reordered packet steps back rather than 65 535 ahead.
      const d = ((f.sequence - frames[i - 1]!.sequence + 0x8000) & 0xffff) - 0x8000;
      slot += d;
    }
    slots.push(slot);
  });
  return slots;
}

/**
 * The timing of a stream's frames (in arrival order, `arrivedAt` in performance.now() ms) over the
 * window [start, end). Frames before and after the window fix the slot numbering and may be the
 * late arrivals of slots inside it.
 */
export function streamTiming(frames: readonly TimedFrame[], window: { start: number; end: number }, lateMs: number, receiverStalls: readonly ReceiverStall[] = []): StreamTiming {
  const slots = slotNumbers(frames);
  const inWindow = (t: number) => t >= window.start && t < window.end;
  let anchor = Infinity;
  frames.forEach((f, i) => {
    if (inWindow(f.arrivedAt)) anchor = Math.min(anchor, f.arrivedAt - FRAME_MS * slots[i]!);
  });
  const windowSlots = Math.round((window.end - window.start) / FRAME_MS);
  if (anchor === Infinity) {
    return { expected: windowSlots, received: 0, late: 0, lateAtReceiver: 0, missing: windowSlots, fill: 0, bad: windowSlots, behindMs: { p50: 0, p99: 0, max: 0 }, maxGapMs: r1(window.end - window.start) };
  }
  const first = Math.ceil((window.start - anchor) / FRAME_MS);
  const last = Math.ceil((window.end - anchor) / FRAME_MS) - 1;
  const bySlot = new Map<number, TimedFrame>();
  frames.forEach((f, i) => {
    const k = slots[i]!;
    if (k >= first && k <= last && !bySlot.has(k)) bySlot.set(k, f);
  });
  const behind: number[] = [];
  let late = 0;
  let lateAtReceiver = 0;
  let fill = 0;
  let glitches = 0;
  for (const [k, f] of bySlot) {
    const deadline = anchor + FRAME_MS * k + lateMs;
    const lag = f.arrivedAt - (deadline - lateMs);
    behind.push(lag);
    const isLate = lag > lateMs;
    // Due while the receiver itself was stalled, and read within `lateMs` of the stall's end.
    const receiverDelayed = isLate && receiverStalls.some((s) => s.from <= deadline && deadline <= s.to && f.arrivedAt <= s.to + lateMs);
    if (isLate) late++;
    if (receiverDelayed) lateAtReceiver++;
    if (f.silence) fill++;
    if ((isLate && !receiverDelayed) || f.silence) glitches++;
  }
  behind.sort((a, b) => a - b);
  const expected = last - first + 1;
  const missing = expected - bySlot.size;
  let maxGapMs = 0;
  let previous: number | undefined;
  for (const f of frames) {
    if (!inWindow(f.arrivedAt)) continue;
    if (previous !== undefined) maxGapMs = Math.max(maxGapMs, f.arrivedAt - previous);
    previous = f.arrivedAt;
  }
  return {
    expected,
    received: bySlot.size,
    late,
    lateAtReceiver,
    missing,
    fill,
    bad: glitches + missing,
    behindMs: { p50: r1(percentile(behind, 50)), p99: r1(percentile(behind, 99)), max: r1(behind.at(-1) ?? 0) },
    maxGapMs: r1(maxGapMs),
  };
}
