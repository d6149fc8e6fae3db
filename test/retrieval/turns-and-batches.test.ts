import { describe, expect, it } from 'vitest';
import { batchedTextEncoder, lengthOrder } from '../../src/retrieval/encoders/batched-text-encoder.ts';
import { TurnQueue } from '../../src/util/turn-queue.ts';

describe('TurnQueue', () => {
  it('gives one turn per event-loop iteration, so timers run between turns', async () => {
    const turns = new TurnQueue();
    const log: string[] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    await new Promise((r) => setTimeout(r, 5)); // the interval is running
    const jobs = Array.from({ length: 6 }, (_, i) =>
      turns.take().then(() => {
        const end = performance.now() + 4; // a few ms of synchronous work, like a faiss search
        while (performance.now() < end);
        log.push(`job${i}@${ticks}`);
      }),
    );
    await Promise.all(jobs);
    clearInterval(timer);
    expect(log.map((l) => l.split('@')[0])).toEqual(['job0', 'job1', 'job2', 'job3', 'job4', 'job5']);
    const seen = log.map((l) => Number(l.split('@')[1]));
    // Every job saw the timer fire after the previous job: nothing ran back to back.
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]!);
  });
});

describe('batched text encoder', () => {
  it('orders texts by length, ties by position', () => {
    expect(lengthOrder(['ccc', 'a', 'bb', 'd', ''])).toEqual([4, 1, 3, 2, 0]);
  });

  it('embeds in batches of similar length and returns rows in the caller order', async () => {
    const batches: string[][] = [];
    // A transparent "model": each row records its text's length and first character.
    const enc = await batchedTextEncoder(
      'test',
      2,
      async (texts) => {
        batches.push(texts);
        return { dim: 2, data: Float32Array.from(texts.flatMap((t) => [t.length, t.charCodeAt(0) || 0])) };
      },
      async () => {},
    );
    batches.length = 0;
    const texts = ['a long one', 'x', 'medium', 'yy', 'longest text of all'];
    const m = await enc.embed(texts);
    expect(batches).toEqual([['x', 'yy'], ['medium', 'a long one'], ['longest text of all']]);
    expect(Array.from(m.data)).toEqual(texts.flatMap((t) => [t.length, t.charCodeAt(0)]));
  });
});
