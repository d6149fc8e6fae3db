/**
 * The encoder worker under supervision, at the encoder-set level, with real worker threads that
 * really exit (`process.exit` in the thread): requests in flight fail with the cause, the worker is
 * started again after a bounded exponential back-off, later requests succeed, and a worker that
 * cannot start is retried with growing waits while queries are told why.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { UserError } from '../../src/errors.ts';
import { createLogger } from '../../src/logger.ts';
import type { EncoderSet } from '../../src/retrieval/encoders/encoder-set.ts';
import { crashEncoderWorker, ENCODER_RESTART_BACKOFF, startEncoderWorker } from '../../src/retrieval/encoders/worker/worker-encoders.ts';
import { backoffDelayMs } from '../../src/util/backoff.ts';
import { REPO_ROOT } from '../helpers/paths.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { LogCapture } from '../bot/helpers/fixtures.ts';
import { ensureGeneratedModels, removableSbertModels, sbertOptions } from '../helpers/models.ts';

const FAST = { initialMs: 20, maxMs: 160, healthyMs: 60_000 };
const texts = ['calm piano for a rainy evening', 'loud drums'];

function capture() {
  const logs = new LogCapture();
  return { logs, logger: createLogger({ level: 'debug', format: 'json', destination: logs }) };
}

const restartLines = (logs: LogCapture) => logs.entries.filter((e) => e.level === 40 && String(e.msg).startsWith('encoder worker'));
const up = (set: EncoderSet) => vi.waitFor(() => expect(set.health?.()).toEqual({ state: 'up' }), { timeout: 30_000, interval: 10 });

beforeAll(() => ensureGeneratedModels());

describe('backoffDelayMs', () => {
  it('doubles from the first wait, then stays at the longest, however many failures in a row', () => {
    const settings = { initialMs: 3, maxMs: 40 };
    expect(Array.from({ length: 7 }, (_, i) => backoffDelayMs(i, settings))).toEqual([3, 6, 12, 24, 40, 40, 40]);
    expect(backoffDelayMs(10_000, settings)).toBe(40);
  });

  it('the encoder worker\'s restarts wait as the README says', async () => {
    const readme = (await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8')).replace(/\s+/g, ' ');
    const { initialMs, maxMs } = ENCODER_RESTART_BACKOFF;
    expect(readme).toContain(`it is started again after ${initialMs / 1000} s — doubling up to ${maxMs / 1000} s while it keeps failing, back to ${initialMs / 1000} s`);
  });
});

describe('a supervised encoder worker', () => {
  it('fails the request in flight when its thread dies, restarts, and answers later requests as before', async () => {
    const { logs, logger } = capture();
    const set = await startEncoderWorker({ text: sbertOptions, clap: null }, { logger, backoff: FAST });
    try {
      const before = await set.text.embed(texts);
      crashEncoderWorker(set, 'next-request');
      const inFlight = set.text.embed(texts);
      await expect(inFlight).rejects.toThrow('encoder worker exited with code 70');
      await expect(inFlight).rejects.not.toBeInstanceOf(UserError);
      // Made during the restart: waits for the new worker.
      const after = await set.text.embed(texts);
      expect(Array.from(after.data)).toEqual(Array.from(before.data));
      expect(set.health?.()).toEqual({ state: 'up' });
      expect(restartLines(logs)).toEqual([
        expect.objectContaining({ msg: 'encoder worker stopped; restarting it', cause: 'encoder worker exited with code 70', restart: 1, delayMs: 20 }),
      ]);
    } finally {
      await set.dispose();
    }
  });

  it('waits longer after each crash in a row, and starts again from the shortest wait after a healthy period', async () => {
    const delays = async (healthyMs: number) => {
      const { logs, logger } = capture();
      const set = await startEncoderWorker({ text: sbertOptions, clap: null }, { logger, backoff: { ...FAST, healthyMs } });
      try {
        for (let i = 1; i <= 3; i++) {
          crashEncoderWorker(set, 'now');
          await vi.waitFor(() => expect(restartLines(logs)).toHaveLength(i), { timeout: 30_000, interval: 10 });
          await up(set);
        }
        expect((await set.text.embed(texts)).rows).toBe(2);
        return restartLines(logs).map((e) => e.delayMs);
      } finally {
        await set.dispose();
      }
    };
    expect(await delays(60_000)).toEqual([20, 40, 80]);
    expect(await delays(0)).toEqual([20, 20, 20]);
  });

  describe('when the models cannot load any more', () => {
    let tmp: { dir: string; cleanup: () => Promise<void> };
    let models: Awaited<ReturnType<typeof removableSbertModels>>;

    beforeAll(async () => {
      tmp = await tempDir('worker-supervision');
      models = await removableSbertModels(path.join(tmp.dir, 'models'));
    });
    afterAll(() => tmp?.cleanup());

    it('retries with growing waits, tells waiting queries why, and recovers once they are back', async () => {
      const { logs, logger } = capture();
      const set = await startEncoderWorker({ text: { ...sbertOptions, modelsDir: models.modelsDir }, clap: null }, { logger, backoff: FAST });
      try {
        await models.remove();
        crashEncoderWorker(set, 'now');
        await vi.waitFor(() => expect(restartLines(logs).length).toBeGreaterThanOrEqual(2), { timeout: 30_000, interval: 10 });
        expect(set.health?.()).toMatchObject({ state: 'restarting', cause: expect.stringMatching(/^Model cratedigger\/tiny-sbert is missing /) });
        // Waits for the next attempt, which cannot succeed either.
        await expect(set.text.embed(texts)).rejects.toMatchObject({
          name: 'UserError',
          message: expect.stringMatching(/^The music models are restarting after a crash \(Model cratedigger\/tiny-sbert is missing /),
          hint: 'The bot retries on its own; try again in a minute.',
        });
        await models.restore();
        await up(set);
        expect((await set.text.embed(texts)).rows).toBe(2);
        const lines = restartLines(logs);
        expect(lines[0]).toMatchObject({ msg: 'encoder worker stopped; restarting it', cause: 'encoder worker exited with code 70', delayMs: 20 });
        expect(lines.slice(1).every((e) => e.msg === 'encoder worker could not restart; trying again')).toBe(true);
        const waits = lines.map((e) => Number(e.delayMs));
        expect(waits).toEqual(waits.map((_, i) => Math.min(160, 20 * 2 ** i)));
      } finally {
        await set.dispose();
      }
    });
  });

  it('stops restarting once disposed; a query waiting for the restart is told the worker is closed', async () => {
    const { logs, logger } = capture();
    const set = await startEncoderWorker({ text: sbertOptions, clap: null }, { logger, backoff: { ...FAST, initialMs: 600_000, maxMs: 600_000 } });
    crashEncoderWorker(set, 'now');
    await vi.waitFor(() => expect(set.health?.()).toMatchObject({ state: 'restarting' }), { timeout: 30_000, interval: 10 });
    const waiting = set.text.embed(texts);
    await set.dispose();
    await expect(waiting).rejects.toThrow('the encoder worker is closed');
    expect(set.health?.()).toEqual({ state: 'closed' });
    await expect(set.text.embed(texts)).rejects.toThrow('the encoder worker is closed');
    expect(restartLines(logs)).toHaveLength(1);
  });
});
