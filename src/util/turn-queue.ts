/**
 * Takes turns on this thread's event loop, one per loop iteration.
 *
 * Why: replies from the encoder worker arrive in bursts, and Node delivers a burst in one go; if
 * each reply's synchronous work (faiss search, rerank: a few ms) ran at once, 16 concurrent
 * queries would hold the loop for ~16× that, delaying Discord's heartbeats and interactions.
 * A turn resolves in its own setImmediate, scheduled only after the previous turn ran, so the
 * loop's timers and I/O get in between any two pieces of such work.
 */
export class TurnQueue {
  private tail: Promise<void> = Promise.resolve();

  /** Resolves when it is this caller's turn: run one bounded piece of synchronous work then. */
  take(): Promise<void> {
    const turn = this.tail.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
    this.tail = turn;
    return turn;
  }
}
