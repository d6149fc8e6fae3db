import { audioPolicy, modelFilesId } from '../audio/build-audio-index.ts';
import type { ModelIdentity } from './protocol.ts';

/**
 * Why this machine's models cannot make the vectors a job asks for (null: they can). Vectors
 * from other model files, another dtype or another window policy would mix silently into the
 * index, so a worker checks before it embeds anything.
 */
export async function modelMismatch(wanted: ModelIdentity, modelsDir: string): Promise<string | null> {
  const ours = await modelFilesId(modelsDir, wanted.clapModel, wanted.dtype);
  if (ours !== wanted.modelFiles) {
    return `its ${wanted.clapModel} (${wanted.dtype}) in ${modelsDir} is not the assembler's: model files ${ours}, the build's ${wanted.modelFiles}`;
  }
  const policy = JSON.stringify(audioPolicy(wanted.clapModel, wanted.dtype));
  if (policy !== JSON.stringify(wanted.policy)) return `its audio window policy ${policy} differs from the build's ${JSON.stringify(wanted.policy)}`;
  return null;
}
