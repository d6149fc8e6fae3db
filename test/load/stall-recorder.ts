/**
 * When this process's event loop was stalled: a 5-ms interval timer's ticks, and the spans between
 * ticks that came more than `thresholdMs` apart. The voice bench timestamps frames on this loop, so
 * a frame read right after such a stall may have been sent on time.
 */
export interface Stall {
  /** performance.now() of the last tick before and the first tick after. */
  from: number;
  to: number;
}

export interface StallRecorder {
  stop(): Stall[];
}

const TICK_MS = 5;

export function startStallRecorder(thresholdMs = 20): StallRecorder {
  const ticks: number[] = [performance.now()];
  const timer = setInterval(() => ticks.push(performance.now()), TICK_MS);
  return {
    stop() {
      clearInterval(timer);
      ticks.push(performance.now());
      const stalls: Stall[] = [];
      for (let i = 1; i < ticks.length; i++) if (ticks[i]! - ticks[i - 1]! > thresholdMs) stalls.push({ from: ticks[i - 1]!, to: ticks[i]! });
      return stalls;
    },
  };
}
