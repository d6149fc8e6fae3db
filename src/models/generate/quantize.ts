/**
 * Symmetric int8 quantization of weight matrices, per output column (MatMul weights) or per row
 * (embedding tables, conv filters). Per-channel scales keep small-magnitude rows and columns
 * precise, the way ONNX Runtime's per-channel dynamic quantization does.
 */

export interface Quantized {
  q: Int8Array;
  scales: Float32Array;
}

function scaleFor(maxAbs: number): number {
  // An all-zero channel still needs a valid (non-zero) scale.
  return maxAbs > 0 ? maxAbs / 127 : 1;
}

function toInt8(value: number, scale: number): number {
  return Math.max(-127, Math.min(127, Math.round(value / scale)));
}

/** `w` is row-major [rows, cols]; one scale per column. */
export function quantizeColumns(w: Float32Array, rows: number, cols: number): Quantized {
  const maxAbs = new Float32Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = Math.abs(w[r * cols + c] as number);
      if (v > (maxAbs[c] as number)) maxAbs[c] = v;
    }
  }
  const scales = maxAbs.map(scaleFor);
  const q = new Int8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) q[r * cols + c] = toInt8(w[r * cols + c] as number, scales[c] as number);
  }
  return { q, scales };
}

/** `w` is row-major [rows, cols]; one scale per row. */
export function quantizeRows(w: Float32Array, rows: number, cols: number): Quantized {
  const scales = new Float32Array(rows);
  const q = new Int8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let maxAbs = 0;
    for (let c = 0; c < cols; c++) maxAbs = Math.max(maxAbs, Math.abs(w[r * cols + c] as number));
    const scale = scaleFor(maxAbs);
    scales[r] = scale;
    for (let c = 0; c < cols; c++) q[r * cols + c] = toInt8(w[r * cols + c] as number, scale);
  }
  return { q, scales };
}
