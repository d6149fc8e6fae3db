/**
 * The weights of one generated model, made on demand by name and kept, so the fp32 and the q8
 * graph of a model are built from the very same numbers (q8 is the quantized fp32 model).
 */
import { normalArray } from '../../util/prng.ts';

export interface Param {
  dims: readonly number[];
  data: Float32Array;
}

export type Init =
  /** Normal(mean, std) per element, drawn from the stream named after the tensor. */
  | { kind: 'normal'; std: number; mean?: number }
  /** Caller-made values (e.g. embedding tables with shared word vectors). */
  | { kind: 'custom'; make: () => Float32Array };

export class ParamStore {
  private readonly params = new Map<string, Param>();

  /** `namespace` keeps streams of different models apart under one seed. */
  constructor(
    readonly seed: number,
    readonly namespace: string,
  ) {}

  get(name: string, dims: readonly number[], init: Init): Param {
    const existing = this.params.get(name);
    if (existing) return existing;
    const count = dims.reduce((a, b) => a * b, 1);
    const data =
      init.kind === 'normal'
        ? normalArray(this.seed, `${this.namespace}/${name}`, count, init.std, init.mean ?? 0)
        : init.make();
    if (data.length !== count) throw new Error(`param ${name}: ${data.length} values for [${dims.join(', ')}]`);
    const param = { dims, data };
    this.params.set(name, param);
    return param;
  }
}
