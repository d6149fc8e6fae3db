/** The shutdown's wait for interaction work: everything running finishes first, within a bound. */
import { describe, expect, it } from 'vitest';
import { InFlight } from '../../src/discord/in-flight.ts';

function deferred(): { promise: Promise<string>; resolve: (v: string) => void; reject: (e: Error) => void } {
  let resolve!: (v: string) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<string>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('InFlight', () => {
  it('counts work until it settles, passing its result or failure through', async () => {
    const flight = new InFlight();
    const a = deferred();
    const b = deferred();
    const ra = flight.run(() => a.promise);
    const rb = flight.run(() => b.promise);
    expect(flight.size).toBe(2);
    a.resolve('answer');
    expect(await ra).toBe('answer');
    b.reject(new Error('failed'));
    await expect(rb).rejects.toThrow('failed');
    expect(flight.size).toBe(0);
  });

  it('drains at once when nothing runs, and says so from then on', async () => {
    const flight = new InFlight();
    expect(flight.draining).toBe(false);
    expect(await flight.drain(60_000)).toBe(0);
    expect(flight.draining).toBe(true);
  });

  it('waits for the work running, and for work started while it waits', async () => {
    const flight = new InFlight();
    const first = deferred();
    const second = deferred();
    const order: string[] = [];
    void flight.run(() => first.promise.then((v) => (order.push(v), v)));
    const drained = flight.drain(60_000).then((left) => (order.push('drained'), left));
    expect(flight.draining).toBe(true);
    // Started during the drain (a "shutting down" reply, say), then the first finishes.
    void flight.run(() => second.promise.then((v) => (order.push(v), v)));
    first.resolve('first');
    await new Promise((resolve) => setImmediate(resolve)); // every microtask after it has run
    expect(order).toEqual(['first']);
    second.resolve('second');
    expect(await drained).toBe(0);
    expect(order).toEqual(['first', 'second', 'drained']);
  });

  it('gives up after its bound on work that never settles, saying how many still run', async () => {
    const flight = new InFlight();
    const stuck = deferred();
    void flight.run(() => stuck.promise);
    expect(await flight.drain(50)).toBe(1);
    stuck.resolve('late');
    await stuck.promise;
    expect(flight.size).toBe(0);
  });
});
