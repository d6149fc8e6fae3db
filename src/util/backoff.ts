/** Bounded exponential back-off: `initialMs`, doubled per consecutive failure, at most `maxMs`. */
export interface BackoffSettings {
  initialMs: number;
  maxMs: number;
  /** Up this long without failing, and the next failure starts again from `initialMs`. */
  healthyMs: number;
}

/** The wait before retry number `attempt` (0 for the first retry after a healthy period). */
export function backoffDelayMs(attempt: number, settings: Pick<BackoffSettings, 'initialMs' | 'maxMs'>): number {
  return Math.min(settings.maxMs, settings.initialMs * 2 ** Math.min(attempt, 30));
}
