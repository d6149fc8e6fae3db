import type { Matrix } from '../matrix.ts';

/** `q8` loads `onnx/*_quantized.onnx`, `fp32` loads `onnx/*.onnx` (transformers.js dtypes). */
export type ModelDtype = 'q8' | 'fp32';

/** Where and how an encoder loads its model. */
export interface EncoderOptions {
  /** Model id, also its folder under `modelsDir`, e.g. `Xenova/all-MiniLM-L6-v2`. */
  modelId: string;
  modelsDir: string;
  dtype: ModelDtype;
  /** ONNX Runtime intra-op threads (0: runtime default). */
  threads: number;
  /** Let ONNX Runtime's pool threads spin between operators (default false). */
  spinWait?: boolean;
  /** Fetch from the Hugging Face hub when the model is not in `modelsDir` (off by default). */
  allowRemote: boolean;
}

/** Turns texts into L2-normalized vectors, one row per text. */
export interface TextEncoder {
  readonly modelId: string;
  readonly dim: number;
  embed(texts: readonly string[]): Promise<Matrix>;
  dispose(): Promise<void>;
}

/** CLAP audio tower: 48 kHz mono windows of exactly 480,000 samples → L2-normalized rows. */
export interface AudioEncoder {
  readonly modelId: string;
  readonly dim: number;
  embedWindows(windows: readonly Float32Array[]): Promise<Matrix>;
  dispose(): Promise<void>;
}

export const CLAP_SAMPLE_RATE = 48_000;
export const CLAP_WINDOW_SAMPLES = 480_000;
