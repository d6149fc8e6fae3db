import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { frameCount, type LogMelParams } from '../../audio/log-mel.ts';
import { buildLogMelGraph, LOG_MEL_GRAPH_VERSION, LOG_MEL_INPUT, LOG_MEL_OUTPUT } from '../../models/generate/log-mel-graph.ts';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { sessionOptions } from './model-files.ts';

/** CLAP's log-mel features of whole windows, computed by ONNX Runtime. */
export interface OnnxLogMel {
  readonly params: LogMelParams;
  /** The graph file this session runs (generated on first use). */
  readonly file: string;
  /** Features of equal-length windows as one batch: `[windows, 1, frames, mels]`, row-major. */
  features(windows: readonly Float32Array[]): Promise<{ data: Float32Array; dims: number[] }>;
  dispose(): Promise<void>;
}

export interface OnnxLogMelOptions {
  params: LogMelParams;
  /** Folder for generated graphs (not committed; e.g. `<modelsDir>/.cache/log-mel`). */
  cacheDir: string;
  threads: number;
  spinWait?: boolean;
}

/** Where the graph for these parameters lives: named by a hash of them and the generator version. */
export function logMelGraphFile(cacheDir: string, params: LogMelParams): string {
  const key = createHash('sha256').update(JSON.stringify({ v: LOG_MEL_GRAPH_VERSION, ...params })).digest('hex').slice(0, 16);
  return path.join(cacheDir, `clap-log-mel-${key}.onnx`);
}

/**
 * Loads the log-mel graph for `params`, writing it to the cache folder first if it is not there
 * (a few MB: the windowed DFT basis; generating takes well under a second, so nothing is committed).
 */
export async function createOnnxLogMel(opts: OnnxLogMelOptions): Promise<OnnxLogMel> {
  const file = logMelGraphFile(opts.cacheDir, opts.params);
  let bytes = await readFile(file).catch(() => null);
  if (!bytes) {
    const made = buildLogMelGraph(opts.params);
    await mkdir(opts.cacheDir, { recursive: true });
    await writeFileAtomic(file, made);
    bytes = Buffer.from(made);
  }
  const session = await ort.InferenceSession.create(bytes, sessionOptions(opts.threads, opts.spinWait) as ort.InferenceSession.SessionOptions);
  const n = opts.params.windowSamples;
  const frames = frameCount(opts.params);

  return {
    params: opts.params,
    file,
    async features(windows) {
      windows.forEach((w, i) => {
        if (w.length !== n) throw new RangeError(`log-mel window ${i} has ${w.length} samples, not ${n}`);
      });
      let input: Float32Array;
      if (windows.length === 1) input = windows[0]!;
      else {
        input = new Float32Array(windows.length * n);
        windows.forEach((w, i) => input.set(w, i * n));
      }
      const out = await session.run({ [LOG_MEL_INPUT]: new ort.Tensor('float32', input, [windows.length, n]) });
      const t = out[LOG_MEL_OUTPUT]!;
      const dims = t.dims.map(Number);
      if (dims[0] !== windows.length || dims[2] !== frames) {
        throw new Error(`log-mel graph returned dims [${dims.join(', ')}] for ${windows.length} windows of ${frames} frames`);
      }
      return { data: t.data as Float32Array, dims };
    },
    async dispose() {
      await session.release();
    },
  };
}
