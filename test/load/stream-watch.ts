import type { VoiceFrame } from '../discord-emulator/voice/voice-session.ts';

/**
 * Follows streams as their frames come in, reading only what arrived since the last `update()`
 * (the emulator keeps only each session's latest frames): when each stream's first audio frame
 * arrived, and the longest time between two of its frames since.
 */
export class StreamWatch {
  readonly #framesOf: (key: string) => readonly VoiceFrame[] | undefined;
  readonly #first = new Map<string, number>();
  readonly #last = new Map<string, number>();
  readonly #longestGap = new Map<string, number>();

  constructor(framesOf: (key: string) => readonly VoiceFrame[] | undefined) {
    this.#framesOf = framesOf;
  }

  update(keys: Iterable<string>): void {
    for (const key of keys) {
      const frames = this.#framesOf(key);
      if (!frames?.length) continue;
      const last = this.#last.get(key) ?? -Infinity;
      let i = frames.length;
      while (i > 0 && frames[i - 1]!.arrivedAt > last) i--;
      let previous = last;
      for (; i < frames.length; i++) {
        const f = frames[i]!;
        if (this.#first.has(key)) this.#longestGap.set(key, Math.max(this.#longestGap.get(key) ?? 0, f.arrivedAt - previous));
        else if (!f.silence) this.#first.set(key, f.arrivedAt);
        previous = f.arrivedAt;
      }
      this.#last.set(key, previous);
    }
  }

  /** performance.now() of the stream's first audio (not silence) frame, once seen. */
  firstAudio(key: string): number | undefined {
    return this.#first.get(key);
  }

  /** The longest time between two frames from its first audio frame on (ms). */
  longestGap(key: string): number {
    return this.#longestGap.get(key) ?? 0;
  }
}
