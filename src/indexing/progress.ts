import cliProgress from 'cli-progress';

export interface Progress {
  /** Advances by `n` items; `failures` is the running count shown beside the bar; `detail` replaces the text after it (see ProgressOptions.detail). */
  tick(n?: number, failures?: number, detail?: string): void;
  stop(): void;
}

export interface ProgressOptions {
  label: string;
  total: number;
  /** Items already done when the job resumes: counted in the bar, not in the rate. */
  start?: number;
  unit?: string;
  stream?: NodeJS.WriteStream;
  /** No output at all (tests, --quiet). */
  silent?: boolean;
  /** A short text shown after the failures (e.g. `chunks 0/10`); ticks may change it. */
  detail?: string;
}

/**
 * A progress bar on stderr: count, rate, ETA and failures. In a terminal it redraws in place;
 * elsewhere (CI logs) it prints a line every few seconds instead of control characters.
 */
export function createProgress(opts: ProgressOptions): Progress {
  if (opts.silent) return { tick() {}, stop() {} };
  const stream = opts.stream ?? process.stderr;
  const unit = opts.unit ?? 'items';
  const started = Date.now();
  const start = opts.start ?? 0;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${opts.label} {bar} {value}/{total} ${unit} | {rate}/s | ETA {eta_formatted} | failures {failures}${opts.detail !== undefined ? ' | {detail}' : ''}`,
      barsize: 24,
      hideCursor: true,
      etaBuffer: 50,
      noTTYOutput: true,
      notTTYSchedule: 5000,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  let value = start;
  let failures = 0;
  let detail = opts.detail ?? '';
  const rate = () => {
    const secs = (Date.now() - started) / 1000;
    return secs > 0 ? ((value - start) / secs).toFixed(1) : '0.0';
  };
  bar.start(opts.total, start, { rate: '0.0', failures: 0, detail });
  return {
    tick(n = 1, f, d) {
      value += n;
      if (f !== undefined) failures = f;
      if (d !== undefined) detail = d;
      bar.update(value, { rate: rate(), failures, detail });
    },
    stop() {
      bar.update(value, { rate: rate(), failures, detail });
      bar.stop();
    },
  };
}
