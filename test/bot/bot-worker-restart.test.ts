/**
 * The encoder worker dies for real under the running bot (its thread calls process.exit): the
 * query in flight gets the usual private "Something went wrong (ref …)", the worker is started
 * again (one warning per restart, with the cause), and later queries are answered. While the
 * models cannot load, queries are told why and /reload says so; once they can, all is well.
 */
import path from 'node:path';
import { MessageFlags } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashEncoderWorker } from '../../src/retrieval/encoders/worker/worker-encoders.ts';
import type { DiscordEmulator} from '../discord-emulator/index.ts';
import { type InteractionHandle } from '../discord-emulator/index.ts';
import { removableSbertModels } from '../helpers/models.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { type BotSession, buildTestIndex, catalogTracks, startBotSession, type TestBot } from './helpers/fixtures.ts';

let tmp: { dir: string; cleanup: () => Promise<void> };
let emu: DiscordEmulator;
let t: TestBot;
let session: BotSession;
/** The bot's MODELS_DIR, whose SBERT model a test can take away. */
let models: Awaited<ReturnType<typeof removableSbertModels>>;

beforeAll(async () => {
  tmp = await tempDir('bot-worker-restart');
  models = await removableSbertModels(path.join(tmp.dir, 'models'));
  await buildTestIndex(path.join(tmp.dir, 'embeddings', 'main'), { name: 'main', tracks: catalogTracks(10) });
  session = await startBotSession({ dir: tmp.dir, index: 'main', emulator: { heartbeatIntervalMs: 300 }, env: { MODELS_DIR: models.modelsDir } });
  ({ emu, t } = session);
});

afterAll(async () => {
  await session?.stop();
  await tmp?.cleanup();
});

const encoders = () => t.bot.ctx.recommender.engine().encoders;
const restartLines = () => t.logs.entries.filter((e) => e.level === 40 && String(e.msg).startsWith('encoder worker'));

/** Sends /recommend and waits for the result embed, or for the private error that replaced it. */
async function recommend(prompt: string): Promise<{ ix: InteractionHandle; fields: number; error?: string }> {
  const ix = await emu.sendCommand({ name: 'recommend', options: { prompt }, user: emu.users.alice });
  const done = await emu.waitFor(
    () => {
      const error = ix.followups()[0];
      if (error) return error;
      const reply = ix.original();
      return reply && ((reply.data.flags ?? 0) & MessageFlags.Loading) === 0 ? reply : undefined;
    },
    { what: 'a reply', timeoutMs: 30_000 },
  );
  return done.ephemeral ? { ix, fields: 0, error: done.data.content } : { ix, fields: done.data.embeds[0]?.fields?.length ?? 0 };
}

describe('the encoder worker dies under the bot', () => {
  it('answers the query in flight with "Something went wrong (ref …)", restarts the worker, and answers the next query', async () => {
    expect((await recommend('calm piano')).fields).toBeGreaterThan(0);
    crashEncoderWorker(encoders(), 'next-request');
    const failed = await recommend('warm strings for the evening');
    const ref = /^Something went wrong \(ref ([0-9a-f]{6})\)\. Please try again in a moment\.$/.exec(failed.error ?? '')?.[1];
    expect(ref).toBeDefined();
    expect(failed.ix.original()).toBeUndefined();
    expect(t.logs.find(`(ref ${ref})`, 50)[0]).toMatchObject({ what: '/recommend', err: { message: 'encoder worker exited with code 70' } });

    const next = await recommend('happy ukulele');
    expect(next.error).toBeUndefined();
    expect(next.fields).toBeGreaterThan(0);
    expect(restartLines()).toEqual([expect.objectContaining({ msg: 'encoder worker stopped; restarting it', cause: 'encoder worker exited with code 70', restart: 1, delayMs: 500 })]);
  });

  it('while the models cannot load: queries are told why, /reload says so, and everything works once they are back', async () => {
    await models.remove();
    crashEncoderWorker(encoders(), 'now');
    await emu.waitFor(() => restartLines().some((e) => e.msg === 'encoder worker could not restart; trying again'), { what: 'a failed restart', timeoutMs: 30_000 });

    const reload = await emu.sendCommand({ name: 'reload', user: emu.users.owner });
    const report = (await reload.waitForOriginal(undefined, { timeoutMs: 20_000 })).data.content;
    expect(report).toMatch(/^✅ Now serving \*\*main\*\* .*\n⏳ The music models are restarting after a crash \(Model cratedigger\/tiny-sbert is missing .* in cratedigger\/tiny-sbert\.; restart \d+\): queries wait for them\.$/);
    expect(report).not.toContain(tmp.dir);

    const told = await recommend('slow jazz');
    expect(told.error).toMatch(/^⚠️ The music models are restarting after a crash \(Model cratedigger\/tiny-sbert is missing .*\)\. The bot retries on its own; try again in a minute\.$/);
    expect(told.error).not.toContain(tmp.dir);

    await models.restore();
    await emu.waitFor(() => encoders().health?.().state === 'up', { what: 'the worker back', timeoutMs: 60_000 });
    expect((await recommend('slow jazz')).fields).toBeGreaterThan(0);
    expect(t.logs.entries.filter((e) => Number(e.level) >= 50 && String(e.msg).includes('encoder'))).toEqual([]);
  });
});
