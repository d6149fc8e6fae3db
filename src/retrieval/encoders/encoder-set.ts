import path from 'node:path';
import { createClapTextEncoder } from './clap-text-encoder.ts';
import type { TransformersSettings } from './model-files.ts';
import { createSbertEncoder } from './sbert-encoder.ts';
import type { AudioEncoder, EncoderOptions, TextEncoder } from './types.ts';

/** Which models a process needs: SBERT always; CLAP's text tower for two-stage; its audio tower to index audio. */
export interface EncoderSpec {
  text: EncoderOptions;
  clap: EncoderOptions | null;
  clapAudio?: boolean;
}

/** Whether a set's models can answer: a worker set is `restarting` for a while after a crash. */
export type EncoderHealth = { state: 'up' } | { state: 'restarting'; cause: string; restarts: number } | { state: 'closed' };

export interface EncoderSet {
  text: TextEncoder;
  clapText: TextEncoder | null;
  clapAudio: AudioEncoder | null;
  /** Sets that can lose their models (a worker) say how they are; in-process sets have none. */
  health?(): EncoderHealth;
  dispose(): Promise<void>;
}

/** The models folder and hub setting of a set, for configureTransformers: one per thread, so one per set. */
export function transformersSettings(spec: EncoderSpec): TransformersSettings {
  const { modelsDir, allowRemote } = spec.text;
  if (spec.clap && (path.resolve(spec.clap.modelsDir) !== path.resolve(modelsDir) || spec.clap.allowRemote !== allowRemote)) {
    throw new Error(`an encoder set loads its models from one folder with one hub setting; got ${modelsDir} and ${spec.clap.modelsDir}`);
  }
  return { modelsDir, allowRemote };
}

/**
 * Loads the encoders in this thread, whose transformers.js must be configured for them
 * (configureTransformers). The bot and CLI use the worker version instead.
 */
export async function createEncoderSet(spec: EncoderSpec): Promise<EncoderSet> {
  const text = await createSbertEncoder(spec.text);
  const clapText = spec.clap ? await createClapTextEncoder(spec.clap) : null;
  let clapAudio: AudioEncoder | null = null;
  if (spec.clap && spec.clapAudio) {
    // Loaded on demand: only index builds need the audio tower.
    const { createClapAudioEncoder } = await import('./clap-audio-encoder.ts');
    clapAudio = await createClapAudioEncoder(spec.clap);
  }
  return {
    text,
    clapText,
    clapAudio,
    async dispose() {
      await Promise.all([text.dispose(), clapText?.dispose(), clapAudio?.dispose()]);
    },
  };
}
