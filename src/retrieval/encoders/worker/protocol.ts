import type { EncoderSpec } from '../encoder-set.ts';

/** Messages between the main thread and the encoder worker. Vectors travel as transferred buffers. */
export type EncoderRole = 'text' | 'clapText' | 'clapAudio';

export type WorkerRequest =
  | { id: number; op: 'embedText'; role: 'text' | 'clapText'; texts: string[] }
  | { id: number; op: 'embedAudio'; windows: Float32Array[] }
  | { id: number; op: 'close' }
  /** Test hook (nothing user-facing sends it): the thread exits for real, now or on its next request. */
  | { id: number; op: 'crash'; when: 'now' | 'next-request' };

/** Exit code of a worker thread told to crash. */
export const CRASH_EXIT_CODE = 70;

export interface SerializedError {
  name: string;
  message: string;
  hint?: string;
  userFacing: boolean;
}

export type WorkerResponse =
  | { id: number; ok: true; rows: number; dim: number; data: Float32Array }
  | { id: number; ok: true; closed: true }
  | { id: number; ok: false; error: SerializedError };

export interface WorkerReady {
  type: 'ready';
  dims: { text: number; clapText: number | null; clapAudio: number | null };
}

export interface WorkerFailed {
  type: 'failed';
  error: SerializedError;
}

export interface WorkerData {
  spec: EncoderSpec;
}
