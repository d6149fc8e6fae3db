/** What a check gives: anything truthy ends the wait and is returned. */
type Found<T> = T | undefined | null | false;

export interface WaitOptions {
  /** What is awaited, for the error. */
  what?: string;
  /**
   * Give up after this long. Unset: wait as long as the test may run (its own timeout ends it),
   * so a slow machine is never a failure.
   */
  timeoutMs?: number;
  /** Time between checks (default 10 ms). */
  intervalMs?: number;
  /** Checked each round: a reason means the condition can no longer come (a process exited). */
  giveUp?: () => string | undefined;
  /** More to say when giving up (recent requests, a process's output). */
  detail?: () => string;
}

/** Polls `check` until it gives something truthy, and resolves with that. */
export async function waitFor<T>(check: () => Found<T> | Promise<Found<T>>, options: WaitOptions = {}): Promise<T> {
  const deadline = options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.timeoutMs;
  const fail = (why: string) => new Error(`${why} waiting for ${options.what ?? 'the condition'}${options.detail ? `\n${options.detail()}` : ''}`);
  for (;;) {
    const value = await check();
    if (value) return value;
    const reason = options.giveUp?.();
    if (reason) throw fail(`gave up (${reason})`);
    if (Date.now() > deadline) throw fail(`timed out after ${options.timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 10));
  }
}
