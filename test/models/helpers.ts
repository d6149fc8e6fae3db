import onnxProto from 'onnx-proto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** Every file under `dir` (relative path → bytes), for byte-for-byte comparisons. */
export async function readTree(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const e of entries) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath, e.name);
    out.set(relative(dir, path), await readFile(path));
  }
  return out;
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return dot / Math.sqrt(na * nb);
}

/** Row `i` of a row-major [rows, dim] buffer. */
export function row(data: ArrayLike<number>, dim: number, i: number): number[] {
  return Array.from({ length: dim }, (_, d) => data[i * dim + d] as number);
}

export function norm(v: readonly number[]): number {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0));
}

/** A 10-s, 48 kHz mono sine (exactly one CLAP window). */
export function sine(frequency: number, amplitude = 0.5): Float32Array {
  const out = new Float32Array(480_000);
  for (let i = 0; i < out.length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / 48_000);
  return out;
}

/**
 * Multiply-adds of one pass of a generated (fp32) audio tower, counted from its ONNX graph: each
 * MatMul against a weight ([in, out]) costs tokens × in × out, each MatMul of two activations
 * (attention scores and context) tokens² × hidden, the patch Conv tokens × its filter size. Tokens
 * and hidden size come from the position-embedding table. MatMuls named `audio_projection…` run
 * once on the pooled vector: counted apart, as `head`.
 */
export function audioGraphMultiplyAdds(onnxBytes: Uint8Array): { tower: number; head: number } {
  const graph = onnxProto.onnx.ModelProto.decode(onnxBytes).graph!;
  const dims = new Map(graph.initializer!.map((t) => [t.name!, (t.dims ?? []).map(Number)]));
  const positions = [...dims].find(([name]) => name.endsWith('position_embeddings'))?.[1];
  if (!positions) throw new Error('no position embeddings in this graph');
  const [tokens, hidden] = positions as [number, number];
  let tower = 0;
  let head = 0;
  for (const node of graph.node!) {
    const [, second] = node.input!;
    const weight = second === undefined ? undefined : dims.get(second);
    if (node.opType === 'Conv' && weight) tower += tokens * weight.reduce((a, b) => a * b, 1);
    if (node.opType !== 'MatMul') continue;
    if (!weight) tower += tokens * tokens * hidden;
    else if (node.name!.startsWith('audio_projection')) head += weight[0]! * weight[1]!;
    else tower += tokens * weight[0]! * weight[1]!;
  }
  return { tower, head };
}
