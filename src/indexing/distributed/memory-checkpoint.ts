import { createMatrix } from '../../retrieval/matrix.ts';
import type { AudioCheckpoint } from '../audio/checkpoint.ts';
import type { AudioFailure } from '../audio/failures.ts';

/**
 * The checkpoint interface embedCatalogAudio records into, kept in memory: a worker embeds one
 * chunk with the single-process code path unchanged, and the queue (not a folder) is what
 * survives a kill.
 */
export function memoryCheckpoint(tracks: number, dim: number): AudioCheckpoint {
  const embeddings = createMatrix(tracks, dim);
  const mask = new Uint8Array(tracks);
  const done = new Uint8Array(tracks);
  const failures: AudioFailure[] = [];
  return {
    dir: '(in memory)',
    resumed: 0,
    done,
    embeddings,
    mask,
    failures,
    async record(index, result) {
      if (!(index >= 0 && index < tracks)) throw new RangeError(`track index ${index} outside 0..${tracks - 1}`);
      done[index] = 1;
      if (result instanceof Float32Array) {
        if (result.length !== dim) throw new RangeError(`row of ${result.length} values, expected ${dim}`);
        mask[index] = 1;
        embeddings.data.set(result, index * dim);
      } else {
        failures.push(result);
      }
    },
    async flush() {},
    async remove() {},
  };
}
