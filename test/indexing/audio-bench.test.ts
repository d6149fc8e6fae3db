import { describe, expect, it } from 'vitest';
import { benchAudio } from '../../src/bench/audio-bench.ts';
import { ensureGeneratedModels, runtime, useModelsIn } from '../helpers/models.ts';

describe('benchAudio', () => {
  it('times decoding, worker embedding and the build loop on a few synthesized demo tracks', async () => {
    await ensureGeneratedModels();
    useModelsIn(); // its mel/ONNX split embeds in this thread
    const r = await benchAudio({ tracks: 4, runtime });
    expect(r.model).toEqual({ clap: 'cratedigger/tiny-clap', dtype: 'q8', threads: 1 });
    // Demo tracks last 12–20 s: two windows each.
    expect(r).toMatchObject({ tracks: 4, windows: 8 });
    expect(r.decodeMs.n).toBe(4);
    expect(r.decodeMs.p50).toBeGreaterThan(0);
    expect(r.decodeMs.p95).toBeGreaterThanOrEqual(r.decodeMs.p50);
    expect(r.embed.msPerClip.n).toBe(4);
    expect(r.embed.windowsPerSec).toBeCloseTo(2 * r.embed.clipsPerSec, 0);
    expect(r.pipeline.tracksPerSec).toBeGreaterThan(0);
    expect(r.split!.melMsPerWindow).toBeGreaterThan(0);
    expect(r.split!.onnxMsPerWindow).toBeGreaterThan(0);
    expect(r.split!.melJsMsPerWindow).toBeGreaterThan(0);
  }, 120_000);
});
