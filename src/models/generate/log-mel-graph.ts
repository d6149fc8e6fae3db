/**
 * CLAP's log-mel spectrogram as an ONNX graph (see src/audio/log-mel.ts for the definition), so
 * ONNX Runtime's threaded GEMM computes it instead of a JavaScript FFT on the event loop thread:
 *
 *   waveform [batch, L] ─ Pad reflect n_fft/2 ─ Pad zeros to whole hops ─ Reshape [batch, blocks, hop]
 *   ─ frames: Concat of shifted Slices [batch, frames, n_fft]
 *   ─ DFT as matrix products (two steps, or one for an n_fft with no useful split), only for the
 *     bins the mel filters use ─ square ─ MatMul mel filters (re² + im² summed by the same product)
 *   ─ Max 1e-10 ─ Log ─ ·10/ln 10 ─ Unsqueeze → input_features [batch, 1, frames, mels]
 *
 * Measured here (onnxruntime-node 1.30, one thread, one 10-s window, CPU time): ONNX's `STFT` op
 * ~33 ms, a one-step DFT product over the ~300 bins CLAP's 50–14,000 Hz filters touch ~8–12 ms, the
 * two-step product ~4–7 ms; transformers.js's extractor ~31–35 ms. Framing by slices of hop-sized
 * blocks avoids an index Gather, which cost more than the product itself.
 */
import { frameCount, hannWindow, LOG_MEL_FLOOR, type LogMelParams, slaneyMelFilters, usedBins } from '../../audio/log-mel.ts';
import { attr, GraphBuilder } from './onnx-graph.ts';

/** Bump when the graph changes, so cached files made by an older generator are not reused. */
export const LOG_MEL_GRAPH_VERSION = 1;

export const LOG_MEL_INPUT = 'waveform';
export const LOG_MEL_OUTPUT = 'input_features';

/** The `.onnx` bytes of the log-mel graph for these parameters (deterministic). */
export function buildLogMelGraph(p: LogMelParams, dft: 'auto' | 'direct' = 'auto'): Uint8Array {
  const frames = frameCount(p);
  const half = Math.floor(p.nFft / 2);
  if (p.windowSamples <= half) throw new RangeError(`a window of ${p.windowSamples} samples is too short to reflect-pad by ${half}`);
  const blocksPerFrame = Math.ceil(p.nFft / p.hop);
  const blocks = frames - 1 + blocksPerFrame;
  const paddedLength = p.windowSamples + 2 * half;
  const extra = blocks * p.hop - paddedLength;

  const filters = slaneyMelFilters(p);

  const g = new GraphBuilder('clap_log_mel');
  const x = g.input(LOG_MEL_INPUT, 'float32', ['batch_size', p.windowSamples]);
  // Centred frames, as transformers.js's spectrogram(center = true, pad_mode = 'reflect').
  let padded = g.node('Pad', [x, g.constInt64([0, half, 0, half])], { attrs: { mode: attr.string('reflect') } });
  padded =
    extra >= 0
      ? g.node('Pad', [padded, g.constInt64([0, 0, 0, extra])])
      : g.node('Slice', [padded, g.constInt64([0]), g.constInt64([blocks * p.hop]), g.constInt64([1])]);
  const blocked = g.node('Reshape', [padded, g.constInt64([0, blocks, p.hop])]);
  // Frame f is blocks f, f+1, … side by side, the last one cut to what n_fft still needs.
  const pieces: string[] = [];
  for (let j = 0; j < blocksPerFrame; j++) {
    const width = Math.min(p.hop, p.nFft - j * p.hop);
    pieces.push(g.node('Slice', [blocked, g.constInt64([j, 0]), g.constInt64([j + frames, width]), g.constInt64([1, 2])]));
  }
  const framed = pieces.length === 1 ? pieces[0]! : g.node('Concat', pieces, { attrs: { axis: attr.int(2) } });

  const { first, end } = usedBins(filters);
  const factors = dft === 'auto' ? splitDft(p.nFft) : undefined;
  const melSpec = factors
    ? twoStepDft(g, framed, p, filters, end, factors, frames)
    : directDft(g, framed, p, filters, first, end);
  const floored = g.node('Max', [melSpec, g.constFloat([LOG_MEL_FLOOR], [])]);
  const db = g.node('Mul', [g.node('Log', [floored]), g.constFloat([10 / Math.LN10], [])]);
  const out = g.node('Unsqueeze', [db, g.constInt64([1])]);
  g.output(out, LOG_MEL_OUTPUT, 'float32', ['batch_size', 1, frames, p.melBins]);
  return g.toBytes(`CLAP log-mel spectrogram, generator v${LOG_MEL_GRAPH_VERSION}: ${JSON.stringify(p)}`);
}

/** cos and sin of 2π·(m mod n)/n: reducing the exact integer first keeps large angles precise. */
const cosSin = (m: number, n: number): [number, number] => {
  const angle = (2 * Math.PI * (m % n)) / n;
  return [Math.cos(angle), Math.sin(angle)];
};

/** n_fft = p·q with q the largest divisor ≤ √n_fft; undefined when no useful split exists. */
export function splitDft(nFft: number): { p: number; q: number } | undefined {
  for (let q = Math.floor(Math.sqrt(nFft)); q >= 8; q--) if (nFft % q === 0) return { p: nFft / q, q };
  return undefined;
}

/**
 * One matrix product with the windowed DFT basis over the bins [first, end) the filters use, then
 * re² + im² and the filters in one product (the filter rows stacked twice): 2·n_fft·k per frame.
 */
function directDft(g: GraphBuilder, framed: string, p: LogMelParams, filters: readonly Float64Array[], first: number, end: number): string {
  const k = end - first;
  const window = hannWindow(p.nFft);
  const basis = new Float32Array(p.nFft * 2 * k);
  for (let n = 0; n < p.nFft; n++) {
    for (let b = 0; b < k; b++) {
      const [c, s] = cosSin((first + b) * n, p.nFft);
      basis[n * 2 * k + b] = window[n]! * c;
      basis[n * 2 * k + k + b] = window[n]! * s;
    }
  }
  const spectrum = g.node('MatMul', [framed, g.initializer('dft_basis', [p.nFft, 2 * k], { elem: 'float32', data: basis })]);
  const power = g.node('Mul', [spectrum, spectrum]);
  const mel = new Float32Array(2 * k * p.melBins);
  for (let b = 0; b < k; b++) {
    for (let m = 0; m < p.melBins; m++) {
      const w = filters[m]![first + b]!;
      mel[b * p.melBins + m] = w;
      mel[(k + b) * p.melBins + m] = w;
    }
  }
  return g.node('MatMul', [power, g.initializer('mel_filters', [2 * k, p.melBins], { elem: 'float32', data: mel })]);
}

/**
 * The same DFT in two steps (Cooley–Tukey, decimation in frequency: sample n = a + p·b, bin
 * k = q·c + d), each a matrix product on contiguous data, so no transpose is needed:
 * 1. each frame as [q (b), p (a)], windowed, times [W_q^(b·d)] from the left → Z[d, a];
 * 2. the twiddle factors W^(a·d), element by element;
 * 3. Σ_a Z[d, a]·W_p^(a·c) for the c whose bins the filters use, from the right.
 * About 4× fewer multiply-adds than the direct product for n_fft 1024 (p = q = 32), and the
 * float32 error stays that of short sums.
 */
function twoStepDft(
  g: GraphBuilder,
  framed: string,
  p: LogMelParams,
  filters: readonly Float64Array[],
  end: number,
  { p: P, q: Q }: { p: number; q: number },
  frames: number,
): string {
  const N = p.nFft;
  const C = Math.ceil(end / Q);
  const window = Float32Array.from(hannWindow(N));
  const windowed = g.node('Mul', [g.node('Reshape', [framed, g.constInt64([-1, Q, P])]), g.initializer('window', [Q, P], { elem: 'float32', data: window })]);
  // Step 1 [2q (re d | im d), q (b)]: W_q^(b·d) = cos − i·sin.
  const step1 = new Float32Array(2 * Q * Q);
  for (let d = 0; d < Q; d++) {
    for (let b = 0; b < Q; b++) {
      const [cos, sin] = cosSin(b * d, Q);
      step1[d * Q + b] = cos;
      step1[(Q + d) * Q + b] = -sin;
    }
  }
  const z = g.node('MatMul', [g.initializer('dft_step1', [2 * Q, Q], { elem: 'float32', data: step1 }), windowed]);
  const zr = g.node('Slice', [z, g.constInt64([0]), g.constInt64([Q]), g.constInt64([1])]);
  const zi = g.node('Slice', [z, g.constInt64([Q]), g.constInt64([2 * Q]), g.constInt64([1])]);
  // Twiddles W^(a·d) = cos − i·sin: (zr + i·zi)(cos − i·sin) = zr·cos + zi·sin + i(zi·cos − zr·sin).
  const tc = new Float32Array(Q * P);
  const ts = new Float32Array(Q * P);
  for (let d = 0; d < Q; d++) {
    for (let a = 0; a < P; a++) [tc[d * P + a], ts[d * P + a]] = cosSin(a * d, N);
  }
  const cosT = g.initializer('twiddle_cos', [Q, P], { elem: 'float32', data: tc });
  const sinT = g.initializer('twiddle_sin', [Q, P], { elem: 'float32', data: ts });
  const tr = g.node('Add', [g.node('Mul', [zr, cosT]), g.node('Mul', [zi, sinT])]);
  const ti = g.node('Sub', [g.node('Mul', [zi, cosT]), g.node('Mul', [zr, sinT])]);
  const twiddled = g.node('Concat', [tr, ti], { attrs: { axis: attr.int(2) } });
  // Step 3 [2p (re a | im a), 2C (re c | im c)]: W_p^(a·c).
  const step3 = new Float32Array(2 * P * 2 * C);
  for (let a = 0; a < P; a++) {
    for (let c = 0; c < C; c++) {
      const [cos, sin] = cosSin(a * c, P);
      step3[a * 2 * C + c] = cos;
      step3[a * 2 * C + C + c] = -sin;
      step3[(P + a) * 2 * C + c] = sin;
      step3[(P + a) * 2 * C + C + c] = cos;
    }
  }
  const x = g.node('MatMul', [twiddled, g.initializer('dft_step3', [2 * P, 2 * C], { elem: 'float32', data: step3 })]);
  const power = g.node('Reshape', [g.node('Mul', [x, x]), g.constInt64([-1, frames, Q * 2 * C])]);
  // Filters indexed like the power columns: (d, re|im, c) → bin q·c + d.
  const mel = new Float32Array(Q * 2 * C * p.melBins);
  for (let d = 0; d < Q; d++) {
    for (let part = 0; part < 2; part++) {
      for (let c = 0; c < C; c++) {
        const bin = Q * c + d;
        if (bin >= end) continue;
        for (let m = 0; m < p.melBins; m++) mel[((d * 2 + part) * C + c) * p.melBins + m] = filters[m]![bin]!;
      }
    }
  }
  return g.node('MatMul', [power, g.initializer('mel_filters', [Q * 2 * C, p.melBins], { elem: 'float32', data: mel })]);
}
