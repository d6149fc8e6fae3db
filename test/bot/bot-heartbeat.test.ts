/**
 * While prompts are embedding, the gateway heartbeats keep their rhythm: the encoders run in a
 * worker thread, so the bot's event loop stays free. A deliberately slow generated SBERT makes
 * each embedding take several heartbeat intervals; a control run of the same model on the main
 * thread shows what blocking would look like (so this test can fail).
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateModels } from '../../src/models/generate/index.ts';
import { GENERATED_SBERT_ID } from '../../src/models/generated-ids.ts';
import { createSbertEncoder } from '../../src/retrieval/encoders/sbert-encoder.ts';
import type { DiscordEmulator } from '../discord-emulator/index.ts';
import { useModelsIn } from '../helpers/models.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { type BotSession, buildTestIndex, catalogTracks, startBotSession, type TestBot } from './helpers/fixtures.ts';

const HEARTBEAT_MS = 50;
const WORDS = ['calm', 'piano', 'ambient', 'rainy', 'evening', 'guitar', 'drums', 'happy', 'energetic', 'strings', 'dark', 'synth'];

/** A ~4,000-character prompt of music words (the tokenizer's worst case within MAX_PROMPT_CHARS). */
function longPrompt(seed: number): string {
  const out: string[] = [];
  for (let i = 0; out.join(' ').length < 3900; i++) out.push(WORDS[(i * 7 + seed * 5) % WORDS.length]!);
  return out.join(' ');
}

/** Longest stretch of [from, to] without a heartbeat (the edges count: no beat at all is one long gap). */
function maxGap(beats: readonly number[], from: number, to: number): number {
  const points = [from, ...beats.filter((t) => t > from && t < to), to];
  let gap = 0;
  for (let i = 1; i < points.length; i++) gap = Math.max(gap, points[i]! - points[i - 1]!);
  return gap;
}

let emu: DiscordEmulator;
let t: TestBot;
let session: BotSession;
let tmp: { dir: string; cleanup: () => Promise<void> };
let modelsDir: string;

beforeAll(async () => {
  tmp = await tempDir('bot-heartbeat');
  modelsDir = path.join(tmp.dir, 'models');
  // 24 layers and 1,024 positions: roughly 0.2 s per long prompt here (the default is 2 layers, ~3 ms).
  await generateModels({ outDir: modelsDir, sbert: { layers: 24, hidden: 384, heads: 6, intermediate: 1536, maxPositions: 1024 }, clap: false });
  useModelsIn(modelsDir); // the control test embeds on the main thread
  await buildTestIndex(path.join(tmp.dir, 'embeddings', 'slow'), { name: 'slow', tracks: catalogTracks(12), modelsDir });
  session = await startBotSession({
    dir: tmp.dir,
    index: 'slow',
    emulator: { heartbeatIntervalMs: HEARTBEAT_MS },
    env: { MODELS_DIR: modelsDir, MAX_PROMPT_CHARS: '4000' },
  });
  ({ emu, t } = session);
});

afterAll(async () => {
  await session?.stop();
  await tmp?.cleanup();
});

describe('heartbeats while a query is embedding', () => {
  it('keep flowing with four long prompts in flight at once, and every command is answered', async () => {
    const connections = emu.gateway.connections.length;
    const from = Date.now();
    const handles = await Promise.all([0, 1, 2, 3].map((i) => emu.sendCommand({ name: 'recommend', options: { prompt: longPrompt(i) } })));
    const replies = await Promise.all(handles.map((h) => h.waitForOriginal(undefined, { timeoutMs: 30_000 })));
    const to = Date.now();
    for (const h of handles) expect(h.callback!.at - h.record.createdAt).toBeLessThan(1000);
    for (const r of replies) expect(r.data.embeds[0]?.fields?.length).toBe(5);

    const embedMs = t.logs.find('recommender timings').map((e) => Number((e.timings as { textEmbedMs: number }).textEmbedMs));
    expect(embedMs).toHaveLength(4);
    // The four queue in the one worker: the shortest wait is one embedding's own time.
    const single = Math.min(...embedMs);
    // The test means something only if one embedding would block the loop for several beats.
    expect(single).toBeGreaterThan(2.5 * HEARTBEAT_MS);
    const gap = maxGap(emu.heartbeats, from, to);
    // The rhythm, not the exact count: a 50-ms interval timer drifts on a loaded machine (CI runs
    // voice playback and other files beside this one), losing a beat now and then; a blocked loop
    // loses them wholesale, which the gap below catches.
    expect(emu.heartbeats.filter((b) => b >= from && b <= to).length).toBeGreaterThanOrEqual(Math.floor((0.7 * (to - from)) / HEARTBEAT_MS));
    expect(gap).toBeLessThan(Math.max(2.5 * HEARTBEAT_MS, 0.6 * single));
    expect(emu.gateway.connections.length).toBe(connections);
    console.info(`heartbeats: one embedding ${single.toFixed(0)} ms, all four answered in ${to - from} ms, largest heartbeat gap ${gap} ms`);
  });

  it('control: the same embedding on the main thread stalls the heartbeats', async () => {
    const encoder = await createSbertEncoder({ modelId: GENERATED_SBERT_ID, modelsDir, dtype: 'q8', threads: 1, allowRemote: false });
    try {
      await encoder.embed([longPrompt(8)]); // warm: the first run also initializes
      await new Promise((resolve) => setTimeout(resolve, 3 * HEARTBEAT_MS));
      const from = Date.now();
      const t0 = performance.now();
      await encoder.embed([longPrompt(9)]);
      const blockedMs = performance.now() - t0;
      await new Promise((resolve) => setTimeout(resolve, 3 * HEARTBEAT_MS));
      // A blocked loop can also make the client miss an ACK and reconnect: the stretch only grows.
      const gap = maxGap(emu.heartbeats, from, Date.now());
      expect(blockedMs).toBeGreaterThan(2.5 * HEARTBEAT_MS);
      expect(gap).toBeGreaterThanOrEqual(0.6 * blockedMs);
    } finally {
      await encoder.dispose();
    }
  });
});
