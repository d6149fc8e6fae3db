import { PerformanceObserver } from 'node:perf_hooks';

export interface GcPauses {
  count: number;
  totalMs: number;
  maxMs: number;
}

/** Records this process's garbage-collection pauses until `stop()`. */
export function startGcPauses(): { stop(): GcPauses } {
  const durations: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) durations.push(e.duration);
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop() {
      observer.disconnect();
      return {
        count: durations.length,
        totalMs: Math.round(durations.reduce((a, b) => a + b, 0)),
        maxMs: Math.round(Math.max(0, ...durations)),
      };
    },
  };
}
