/**
 * Seeded randomness for generated weights. Every tensor draws from its own stream, keyed by the
 * seed and the tensor's name, so a tensor's values do not depend on which other tensors exist or
 * in which order they are made (a word keeps its embedding when the vocabulary or depth changes).
 */
import { fnv1a, mulberry32 } from '../../util/prng.ts';

/** 32-bit FNV-1a of a string, then avalanche-mixed (murmur3 finalizer) for a good PRNG seed. */
export function hashString(text: string): number {
  let h = fnv1a(text);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}


/** A stream of standard normal numbers for `name` under `seed` (Box–Muller, both outputs used). */
export function normalStream(seed: number, name: string): () => number {
  const uniform = mulberry32(hashString(`${seed}\u0000${name}`));
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    // 1 - u keeps the argument of log in (0, 1].
    const u = 1 - uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** `count` normal values with standard deviation `std` (and mean `mean`) for tensor `name`. */
export function normalArray(seed: number, name: string, count: number, std: number, mean = 0): Float32Array {
  const next = normalStream(seed, name);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = mean + std * next();
  return out;
}
