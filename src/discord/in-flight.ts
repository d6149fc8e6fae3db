/**
 * The interaction work still running, so that a shutdown lets it finish: a person who asked gets
 * the answer before the bot goes away. Once draining, new work is for turning people away only.
 */
export class InFlight {
  readonly #running = new Set<Promise<unknown>>();
  #draining = false;

  /** True once `drain` began: new interactions should be told the bot is going away, not served. */
  get draining(): boolean {
    return this.#draining;
  }

  /** How many are running now. */
  get size(): number {
    return this.#running.size;
  }

  /** Runs `work`, counted as running until it settles; resolves or rejects as it does. */
  run<T>(work: () => Promise<T>): Promise<T> {
    const promise = work();
    this.#running.add(promise);
    const forget = () => this.#running.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  /**
   * Marks the start of the shutdown and waits until nothing runs, including work started while
   * waiting, or `timeoutMs` passed (work stuck on Discord must not hold the process); resolves with
   * how many were still running.
   */
  async drain(timeoutMs: number): Promise<number> {
    this.#draining = true;
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        timedOut = true;
        resolve();
      }, timeoutMs);
    });
    try {
      while (this.#running.size > 0 && !timedOut) await Promise.race([Promise.allSettled([...this.#running]), deadline]);
    } finally {
      clearTimeout(timer);
    }
    return this.#running.size;
  }
}
