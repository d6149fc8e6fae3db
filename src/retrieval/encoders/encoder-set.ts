import { createClapTextEncoder } from './clap-text-encoder.ts';
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

/** Loads the encoders in this thread. The bot and CLI use the worker version instead. */
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
