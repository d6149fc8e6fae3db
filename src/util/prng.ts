/**
 * The one seeded-random module every generator draws from (demo catalog, demo audio, model
 * weights, evaluation queries, benchmark and test vectors): deterministic on every machine and
 * Node version for the same seed. Existing outputs depend on every detail below (the default
 * index's fingerprints, the demo clips): change nothing that alters a drawn number.
 */

/** 32-bit FNV-1a of a string: a stable seed or bucket from a name or an id. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * FNV-1a, then avalanche-mixed (murmur3's finalizer): names that differ in one character give
 * unrelated seeds, which the per-tensor weight streams need.
 */
export function mixedHash(text: string): number {
  let h = fnv1a(text);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32: tiny, fast, good enough for synthetic data; uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws built on one uniform stream; each consumes the stream exactly as documented. */
export interface Random {
  /** Uniform in [0, 1): one draw. */
  next(): number;
  /** Uniform in [lo, hi): one draw. */
  range(lo: number, hi: number): number;
  /** Integer in [min, max], both included: one draw. */
  int(min: number, max: number): number;
  chance(p: number): boolean;
  /** One item, each equally likely: one draw. */
  pick<T>(items: readonly T[]): T;
  /** An item chosen with probability proportional to its weight: one draw. */
  weighted<T>(items: readonly (readonly [T, number])[]): T;
  /** `n` distinct items, in random order: one draw per item. */
  sample<T>(items: readonly T[], n: number): T[];
  /** Shuffles `items` in place (Fisher–Yates from the end): one draw per item but the first. */
  shuffle<T>(items: T[]): void;
}

function randomFrom(next: () => number): Random {
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    range: (lo, hi) => lo + (hi - lo) * next(),
    int,
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new RangeError('cannot pick from an empty list');
      return items[int(0, items.length - 1)]!;
    },
    weighted: (items) => {
      const total = items.reduce((s, [, w]) => s + w, 0);
      let r = next() * total;
      for (const [item, w] of items) {
        r -= w;
        if (r < 0) return item;
      }
      return items.at(-1)![0];
    },
    sample: (items, n) => {
      const pool = [...items];
      const out = [];
      while (out.length < n && pool.length) out.push(pool.splice(int(0, pool.length - 1), 1)[0]!);
      return out;
    },
    shuffle: (items) => {
      for (let i = items.length - 1; i > 0; i--) {
        const j = int(0, i);
        [items[i], items[j]] = [items[j]!, items[i]!];
      }
    },
  };
}

/** A Random over mulberry32 seeded with `seed` as it is (a hash already: the demo audio's). */
export function randomFromSeed(seed: number): Random {
  return randomFrom(mulberry32(seed));
}

/** A Random seeded by a name or number through FNV-1a of its text (the demo catalog's `seed: 1` or `'1'`). */
export function randomFromName(name: number | string): Random {
  return randomFrom(mulberry32(fnv1a(String(name))));
}

/**
 * A stream of standard normal numbers for `name` under `seed` (Box–Muller, both outputs used).
 * Each name has its own stream, so a generated tensor's values do not depend on which other
 * tensors exist or in which order they are made.
 */
export function normalStream(seed: number, name: string): () => number {
  const uniform = mulberry32(mixedHash(`${seed}\u0000${name}`));
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

/** `count` normal values with standard deviation `std` (and mean `mean`) from `name`'s stream. */
export function normalArray(seed: number, name: string, count: number, std: number, mean = 0): Float32Array {
  const next = normalStream(seed, name);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = mean + std * next();
  return out;
}
