/**
 * Transformer building blocks as ONNX subgraphs: linear layers (fp32, or int8 weights with dynamic
 * activation quantization like ONNX Runtime's `quantize_dynamic`), embeddings, LayerNorm, GELU,
 * multi-head self-attention and BERT's post-LayerNorm encoder layer.
 *
 * Initial magnitudes are chosen so the residual stream stays dominated by the token embeddings:
 * every attention/FFN branch adds roughly `BRANCH_SCALE` of the stream's size. The layers are
 * real and change the output, but mean-pooled outputs keep a bag-of-words geometry, which is what
 * makes untrained generated models useful for an offline demo.
 */
import type { GraphBuilder } from './onnx-graph.ts';
import { attr } from './onnx-graph.ts';
import type { Init, ParamStore } from './params.ts';
import { quantizeColumns, quantizeRows } from './quantize.ts';

/** Relative size of each residual branch (attention, feed-forward) to the residual stream. */
export const BRANCH_SCALE = 0.3;
/** Small noise on biases and LayerNorm parameters, so nothing is a trivial identity. */
const BIAS_STD = 0.02;
/** E[gelu(z)²] for z ~ N(0, 1): rescales the FFN output projection to unit-input variance. */
const GELU_SECOND_MOMENT = 0.425;
/** E[gelu(z)] and E[relu(z)] for z ~ N(0, 1). */
const GELU_MEAN = 1 / (2 * Math.sqrt(Math.PI));
const RELU_MEAN = 1 / Math.sqrt(2 * Math.PI);
/** What HF adds to attention scores of padding (torch.finfo(float32).min). */
const MASK_VALUE = -3.4028234663852886e38;

export type Precision = 'fp32' | 'q8';

export interface TransformerSize {
  layers: number;
  hidden: number;
  heads: number;
  intermediate: number;
}

/** Everything a block needs to add itself to a graph. */
export class BlockContext {
  /** DynamicQuantizeLinear outputs per activation, so Q, K and V share one quantization. */
  private readonly quantizedInputs = new Map<string, string[]>();

  constructor(
    readonly g: GraphBuilder,
    readonly params: ParamStore,
    readonly precision: Precision,
  ) {}

  quantizedInput(x: string): string[] {
    let q = this.quantizedInputs.get(x);
    if (!q) {
      q = this.g.nodeMulti('DynamicQuantizeLinear', [x], 3, `${x}_quant`);
      this.quantizedInputs.set(x, q);
    }
    return q;
  }
}

function floatInit(ctx: BlockContext, name: string, dims: readonly number[], data: Float32Array): string {
  return ctx.g.initializer(name, dims, { elem: 'float32', data });
}

/**
 * y = x·W + b with W stored [in, out] (HF Linear weights, transposed as ONNX exports do).
 * `inputMean` is the expected value of every input element (after GELU or ReLU it is positive):
 * the bias then cancels it, so the layer adds no direction shared by all inputs — which would
 * otherwise make every pair of texts look similar.
 */
export function linear(
  ctx: BlockContext,
  x: string,
  name: string,
  inDim: number,
  outDim: number,
  weightStd: number,
  inputMean = 0,
): string {
  const w = ctx.params.get(`${name}.weight`, [inDim, outDim], { kind: 'normal', std: weightStd });
  const noise = ctx.params.get(`${name}.bias_noise`, [outDim], { kind: 'normal', std: BIAS_STD });
  const b = ctx.params.get(`${name}.bias`, [outDim], {
    kind: 'custom',
    make: () => {
      const bias = Float32Array.from(noise.data);
      for (let r = 0; r < inDim; r++) {
        for (let c = 0; c < outDim; c++) bias[c] = (bias[c] as number) - inputMean * (w.data[r * outDim + c] as number);
      }
      return bias;
    },
  });
  const bias = floatInit(ctx, `${name}.bias`, b.dims, b.data);
  if (ctx.precision === 'fp32') {
    const y = ctx.g.node('MatMul', [x, floatInit(ctx, `${name}.weight`, w.dims, w.data)], { name });
    return ctx.g.node('Add', [y, bias], { name: `${name}_bias` });
  }
  const { q, scales } = quantizeColumns(w.data, inDim, outDim);
  const wq = ctx.g.initializer(`${name}.weight_quantized`, w.dims, { elem: 'int8', data: q });
  const wScale = floatInit(ctx, `${name}.weight_scale`, [outDim], scales);
  const [xq, xScale, xZero] = ctx.quantizedInput(x) as [string, string, string];
  const acc = ctx.g.node('MatMulInteger', [xq, wq, xZero], { name: `${name}_int` });
  const accF = ctx.g.node('Cast', [acc], { attrs: { to: attr.int(1) }, name: `${name}_cast` });
  const scale = ctx.g.node('Mul', [xScale, wScale], { name: `${name}_scale` });
  const y = ctx.g.node('Mul', [accF, scale], { name: `${name}_dequant` });
  return ctx.g.node('Add', [y, bias], { name: `${name}_bias` });
}

/** Gathers rows of an embedding table; q8 keeps the table as int8 with one scale per row. */
export function embedding(ctx: BlockContext, ids: string, name: string, rows: number, dim: number, init: Init): string {
  const table = ctx.params.get(`${name}.weight`, [rows, dim], init);
  if (ctx.precision === 'fp32') {
    return ctx.g.node('Gather', [floatInit(ctx, `${name}.weight`, table.dims, table.data), ids], { name });
  }
  const { q, scales } = quantizeRows(table.data, rows, dim);
  const tq = ctx.g.initializer(`${name}.weight_quantized`, table.dims, { elem: 'int8', data: q });
  const tScale = floatInit(ctx, `${name}.weight_scale`, [rows], scales);
  const rowsQ = ctx.g.node('Gather', [tq, ids], { name });
  const rowsF = ctx.g.node('Cast', [rowsQ], { attrs: { to: attr.int(1) }, name: `${name}_cast` });
  const rowScale = ctx.g.node('Gather', [tScale, ids], { name: `${name}_scale` });
  const rowScale3 = ctx.g.node('Unsqueeze', [rowScale, ctx.g.constInt64([-1])], { name: `${name}_scale_col` });
  return ctx.g.node('Mul', [rowsF, rowScale3], { name: `${name}_dequant` });
}

export function layerNorm(ctx: BlockContext, x: string, name: string, dim: number, eps: number): string {
  const gamma = ctx.params.get(`${name}.weight`, [dim], { kind: 'normal', std: BIAS_STD, mean: 1 });
  const beta = ctx.params.get(`${name}.bias`, [dim], { kind: 'normal', std: BIAS_STD });
  return ctx.g.node(
    'LayerNormalization',
    [x, floatInit(ctx, `${name}.weight`, [dim], gamma.data), floatInit(ctx, `${name}.bias`, [dim], beta.data)],
    { attrs: { axis: attr.int(-1), epsilon: attr.float(eps) }, name },
  );
}

/** Exact GELU, x·½·(1 + erf(x/√2)), as BERT's ONNX exports spell it. */
export function gelu(ctx: BlockContext, x: string, name: string): string {
  const g = ctx.g;
  const scaled = g.node('Div', [x, g.constFloat([Math.SQRT2], [])], { name: `${name}_div` });
  const erf = g.node('Erf', [scaled], { name: `${name}_erf` });
  const onePlus = g.node('Add', [erf, g.constFloat([1], [])], { name: `${name}_add` });
  const half = g.node('Mul', [x, g.constFloat([0.5], [])], { name: `${name}_half` });
  return g.node('Mul', [half, onePlus], { name });
}

/** [B, S] 0/1 mask → additive bias [B, 1, 1, S]: 0 for tokens, float32 min for padding. */
export function attentionBias(ctx: BlockContext, mask: string): string {
  const g = ctx.g;
  const maskF = g.node('Cast', [mask], { attrs: { to: attr.int(1) }, name: 'mask_float' });
  const inverted = g.node('Sub', [g.constFloat([1], []), maskF], { name: 'mask_inverted' });
  const bias = g.node('Mul', [inverted, g.constFloat([MASK_VALUE], [])], { name: 'mask_bias' });
  return g.node('Unsqueeze', [bias, g.constInt64([1, 2])], { name: 'extended_attention_mask' });
}

function splitHeads(ctx: BlockContext, x: string, name: string, size: TransformerSize, perm: number[]): string {
  const headDim = size.hidden / size.heads;
  const shaped = ctx.g.node('Reshape', [x, ctx.g.constInt64([0, 0, size.heads, headDim])], { name: `${name}_heads` });
  return ctx.g.node('Transpose', [shaped], { attrs: { perm: attr.ints(perm) }, name: `${name}_t` });
}

/** Multi-head scaled dot-product self-attention plus its output projection (no residual). */
export function selfAttention(
  ctx: BlockContext,
  x: string,
  name: string,
  size: TransformerSize,
  bias: string | null,
): string {
  const g = ctx.g;
  const h = size.hidden;
  const inStd = 1 / Math.sqrt(h);
  const q = splitHeads(ctx, linear(ctx, x, `${name}.self.query`, h, h, inStd), `${name}.q`, size, [0, 2, 1, 3]);
  const k = splitHeads(ctx, linear(ctx, x, `${name}.self.key`, h, h, inStd), `${name}.k`, size, [0, 2, 3, 1]);
  const v = splitHeads(ctx, linear(ctx, x, `${name}.self.value`, h, h, inStd), `${name}.v`, size, [0, 2, 1, 3]);
  const raw = g.node('MatMul', [q, k], { name: `${name}_scores` });
  let scores = g.node('Div', [raw, g.constFloat([Math.sqrt(h / size.heads)], [])], { name: `${name}_scaled` });
  if (bias) scores = g.node('Add', [scores, bias], { name: `${name}_masked` });
  const probs = g.node('Softmax', [scores], { attrs: { axis: attr.int(-1) }, name: `${name}_probs` });
  const context = g.node('MatMul', [probs, v], { name: `${name}_context` });
  const merged = g.node('Transpose', [context], { attrs: { perm: attr.ints([0, 2, 1, 3]) }, name: `${name}_merge` });
  const flat = g.node('Reshape', [merged, g.constInt64([0, 0, h])], { name: `${name}_flat` });
  return linear(ctx, flat, `${name}.output.dense`, h, h, BRANCH_SCALE / Math.sqrt(h));
}

/** One BERT/RoBERTa encoder layer: post-LayerNorm attention and GELU feed-forward blocks. */
export function encoderLayer(
  ctx: BlockContext,
  x: string,
  name: string,
  size: TransformerSize,
  bias: string | null,
  eps: number,
): string {
  const g = ctx.g;
  const attn = selfAttention(ctx, x, `${name}.attention`, size, bias);
  const attnRes = g.node('Add', [attn, x], { name: `${name}.attention_residual` });
  const afterAttn = layerNorm(ctx, attnRes, `${name}.attention.output.LayerNorm`, size.hidden, eps);
  const inter = linear(ctx, afterAttn, `${name}.intermediate.dense`, size.hidden, size.intermediate, 1 / Math.sqrt(size.hidden));
  const act = gelu(ctx, inter, `${name}.intermediate.gelu`);
  const outStd = BRANCH_SCALE / Math.sqrt(size.intermediate * GELU_SECOND_MOMENT);
  const out = linear(ctx, act, `${name}.output.dense`, size.intermediate, size.hidden, outStd, GELU_MEAN);
  const outRes = g.node('Add', [out, afterAttn], { name: `${name}.output_residual` });
  return layerNorm(ctx, outRes, `${name}.output.LayerNorm`, size.hidden, eps);
}

/** A stack of `size.layers` encoder layers named like HF's `encoder.layer.{i}`. */
export function encoder(
  ctx: BlockContext,
  x: string,
  prefix: string,
  size: TransformerSize,
  bias: string | null,
  eps: number,
): string {
  let h = x;
  for (let i = 0; i < size.layers; i++) h = encoderLayer(ctx, h, `${prefix}.layer.${i}`, size, bias, eps);
  return h;
}

/** Mean over tokens where `mask` is 1: [B, S, H] × [B, S] → [B, H]. */
export function maskedMeanPool(ctx: BlockContext, h: string, mask: string): string {
  const g = ctx.g;
  const maskF = g.node('Cast', [mask], { attrs: { to: attr.int(1) }, name: 'pool_mask_float' });
  const mask3 = g.node('Unsqueeze', [maskF, g.constInt64([-1])], { name: 'pool_mask' });
  const masked = g.node('Mul', [h, mask3], { name: 'pool_masked' });
  const axis1 = g.constInt64([1]);
  const sum = g.node('ReduceSum', [masked, axis1], { attrs: { keepdims: attr.int(0) }, name: 'pool_sum' });
  const count = g.node('ReduceSum', [mask3, axis1], { attrs: { keepdims: attr.int(0) }, name: 'pool_count' });
  const safe = g.node('Max', [count, g.constFloat([1e-9], [])], { name: 'pool_count_safe' });
  return g.node('Div', [sum, safe], { name: 'pooled' });
}

/** CLAP's projection head: Linear → ReLU → Linear. Expects unit-variance inputs (LayerNorm first). */
export function projectionHead(ctx: BlockContext, x: string, name: string, inDim: number, projDim: number): string {
  const l1 = linear(ctx, x, `${name}.linear1`, inDim, projDim, 1 / Math.sqrt(inDim));
  const act = ctx.g.node('Relu', [l1], { name: `${name}.activation` });
  return linear(ctx, act, `${name}.linear2`, projDim, projDim, Math.sqrt(2 / projDim), RELU_MEAN);
}

/** Convolution whose filters are int8 + DequantizeLinear (per output channel) in q8. */
export function conv2d(
  ctx: BlockContext,
  x: string,
  name: string,
  dims: readonly [number, number, number, number],
  stride: readonly [number, number],
  weightStd: number,
): string {
  const [outC, inC, kh, kw] = dims;
  const w = ctx.params.get(`${name}.weight`, dims, { kind: 'normal', std: weightStd });
  const b = ctx.params.get(`${name}.bias`, [outC], { kind: 'normal', std: BIAS_STD });
  let weight: string;
  if (ctx.precision === 'fp32') {
    weight = floatInit(ctx, `${name}.weight`, dims, w.data);
  } else {
    const { q, scales } = quantizeRows(w.data, outC, inC * kh * kw);
    const wq = ctx.g.initializer(`${name}.weight_quantized`, dims, { elem: 'int8', data: q });
    const wScale = floatInit(ctx, `${name}.weight_scale`, [outC], scales);
    const zero = ctx.g.initializer(`${name}.weight_zero_point`, [outC], { elem: 'int8', data: new Int8Array(outC) });
    weight = ctx.g.node('DequantizeLinear', [wq, wScale, zero], { attrs: { axis: attr.int(0) }, name: `${name}_dequant` });
  }
  return ctx.g.node('Conv', [x, weight, floatInit(ctx, `${name}.bias`, [outC], b.data)], {
    attrs: { kernel_shape: attr.ints([kh, kw]), strides: attr.ints([stride[0], stride[1]]) },
    name,
  });
}
