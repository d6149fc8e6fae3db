import type { Logger } from '../logger.ts';

/** How long a cache found down is left alone before one call probes it again. */
export const DEFAULT_PROBE_INTERVAL_MS = 5000;

/**
 * Up/down state of one cache backend, shared by every namespace on it. While down, calls skip the
 * backend (no waiting on a dead server) except one probe per interval. An outage logs ONE warning
 * when it starts and one info line when the backend answers again.
 */
export class CacheHealth {
  #down = false;
  #downSince = 0;
  #lastProbe = 0;
  #reason = '';

  constructor(
    private readonly logger: Logger,
    readonly backend: string,
    private readonly probeIntervalMs = DEFAULT_PROBE_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  get down(): boolean {
    return this.#down;
  }

  /** Whether a call should use the backend now: always when up; while down, one probe per interval. */
  allow(): boolean {
    if (!this.#down) return true;
    const t = this.now();
    if (t - this.#lastProbe < this.probeIntervalMs) return false;
    this.#lastProbe = t;
    return true;
  }

  failed(err: unknown): void {
    if (this.#down) return;
    this.#down = true;
    this.#downSince = this.#lastProbe = this.now();
    this.#reason = describe(err);
    this.logger.warn(
      { cache: this.backend, reason: this.#reason },
      `cache unavailable (${this.#reason}); commands bypass it until it answers again`,
    );
  }

  succeeded(): void {
    if (!this.#down) return;
    this.#down = false;
    this.logger.info({ cache: this.backend, downMs: this.now() - this.#downSince }, 'cache reachable again');
  }
}

function describe(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length) return describe(err.errors[0]);
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
