/** A dense row-major float32 matrix: `rows` vectors of `dim` numbers, one buffer (transferable). */
export interface Matrix {
  rows: number;
  dim: number;
  data: Float32Array;
}

export function createMatrix(rows: number, dim: number): Matrix {
  return { rows, dim, data: new Float32Array(rows * dim) };
}

export function fromRows(vectors: readonly Float32Array[], dim: number): Matrix {
  const m = createMatrix(vectors.length, dim);
  vectors.forEach((v, i) => {
    if (v.length !== dim) throw new Error(`row ${i} has ${v.length} values, expected ${dim}`);
    m.data.set(v, i * dim);
  });
  return m;
}

/** A view (no copy) of row i. */
export function row(m: Matrix, i: number): Float32Array {
  return m.data.subarray(i * m.dim, (i + 1) * m.dim);
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** dot(q, the row of `data` starting at `offset`), without making a view: the rerank's hot loop. */
export function dotAt(q: Float32Array, data: Float32Array, offset: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = q.length - (q.length % 4);
  let i = 0;
  for (; i < n; i += 4) {
    s0 += q[i]! * data[offset + i]!;
    s1 += q[i + 1]! * data[offset + i + 1]!;
    s2 += q[i + 2]! * data[offset + i + 2]!;
    s3 += q[i + 3]! * data[offset + i + 3]!;
  }
  for (; i < q.length; i++) s0 += q[i]! * data[offset + i]!;
  return s0 + s1 + s2 + s3;
}

export function norm(v: Float32Array): number {
  return Math.sqrt(dot(v, v));
}

/** Scales v to unit length in place; a zero vector stays zero. Returns v. */
export function normalizeInPlace(v: Float32Array): Float32Array {
  const n = norm(v);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i]! /= n;
  return v;
}

/** L2-normalizes every row in place. Returns m. */
export function normalizeRows(m: Matrix): Matrix {
  for (let i = 0; i < m.rows; i++) normalizeInPlace(row(m, i));
  return m;
}
