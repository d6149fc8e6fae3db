import { monitorEventLoopDelay } from 'node:perf_hooks';
import { r3 } from './stats.ts';

const RESOLUTION_MS = 1;

export interface LagFigures {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Timer ticks measured (about one per millisecond of wall time when the loop keeps up). */
  samples: number;
}

/** A lag measurement in progress: `stop()` ends it and gives the figures (once). */
export interface LagMeter {
  stop(): LagFigures;
}

/**
 * Starts measuring how late this thread's event loop runs (a timer sampled every millisecond):
 * the delay a Discord heartbeat, an interaction or a voice frame would see behind other work.
 */
export function startEventLoopLag(): LagMeter {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  return {
    stop() {
      histogram.disable();
      // The histogram holds the intervals between ticks of a 1 ms timer: lag is what exceeds 1 ms.
      const ms = (ns: number) => r3(Math.max(0, ns / 1e6 - RESOLUTION_MS));
      return { p50Ms: ms(histogram.percentile(50)), p99Ms: ms(histogram.percentile(99)), maxMs: ms(histogram.max), samples: histogram.count };
    },
  };
}

/** The event loop's lag while `work` runs. */
export async function withEventLoopLag<T>(work: () => Promise<T>): Promise<{ result: T; lag: LagFigures }> {
  const meter = startEventLoopLag();
  let lag: LagFigures | undefined;
  try {
    const result = await work();
    lag = meter.stop();
    return { result, lag };
  } finally {
    if (!lag) meter.stop();
  }
}
