import { UserError } from '../../errors.ts';
import type { AudioEncoder, EncoderOptions } from './types.ts';

// Placeholder until the audio tower lands (audio issue): indexing audio is refused clearly.
export async function createClapAudioEncoder(opts: EncoderOptions): Promise<AudioEncoder> {
  throw new UserError(`Audio embedding with ${opts.modelId} is not available yet.`);
}
