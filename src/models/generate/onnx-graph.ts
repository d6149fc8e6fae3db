/**
 * A small builder for ONNX graphs on top of `onnx-proto`: named inputs/outputs, initializers from
 * typed arrays, nodes with unique output names, and serialization to the `.onnx` bytes that
 * onnxruntime loads. Only what the generated models (transformers, the log-mel graph) need.
 */
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';

const { onnx } = onnxProto;
const DataType = onnx.TensorProto.DataType;

/** Opset 17 gives LayerNormalization as one op; IR 8 is what onnx-proto (onnx 1.10) writes. */
export const OPSET = 17;
const IR_VERSION = 8;

export type ElemType = 'float32' | 'int64' | 'int8' | 'uint8' | 'int32' | 'bool';

const ELEM: Record<ElemType, number> = {
  float32: DataType.FLOAT,
  int64: DataType.INT64,
  int8: DataType.INT8,
  uint8: DataType.UINT8,
  int32: DataType.INT32,
  bool: DataType.BOOL,
};

/** A dimension: a fixed size or a symbolic name (dynamic, e.g. `batch_size`). */
export type Dim = number | string;

/** Node attributes with their ONNX kind spelled out (JS numbers cannot tell int from float). */
export type Attr =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'ints'; value: readonly number[] }
  | { kind: 'string'; value: string };

export const attr = {
  int: (value: number): Attr => ({ kind: 'int', value }),
  float: (value: number): Attr => ({ kind: 'float', value }),
  ints: (value: readonly number[]): Attr => ({ kind: 'ints', value }),
  string: (value: string): Attr => ({ kind: 'string', value }),
};

function toAttribute(name: string, a: Attr): OnnxTypes.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.kind) {
    case 'int':
      return { name, type: T.INT, i: a.value };
    case 'float':
      return { name, type: T.FLOAT, f: a.value };
    case 'ints':
      return { name, type: T.INTS, ints: [...a.value] };
    case 'string':
      return { name, type: T.STRING, s: new TextEncoder().encode(a.value) };
  }
}

function valueInfo(name: string, elem: ElemType, dims: readonly Dim[]): OnnxTypes.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEM[elem],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** Little-endian bytes of a typed array (copied, so the proto owns exactly these bytes). */
function rawBytes(data: Float32Array | Int8Array | Uint8Array | BigInt64Array | Int32Array): Uint8Array {
  return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

export type TensorData =
  | { elem: 'float32'; data: Float32Array }
  | { elem: 'int8'; data: Int8Array }
  | { elem: 'uint8'; data: Uint8Array }
  | { elem: 'int32'; data: Int32Array }
  | { elem: 'int64'; data: BigInt64Array };

export class GraphBuilder {
  private readonly nodes: OnnxTypes.INodeProto[] = [];
  private readonly initializers: OnnxTypes.ITensorProto[] = [];
  private readonly inputs: OnnxTypes.IValueInfoProto[] = [];
  private readonly outputs: OnnxTypes.IValueInfoProto[] = [];
  private readonly names = new Set<string>();
  private readonly constants = new Map<string, string>();
  private counter = 0;

  constructor(readonly graphName: string) {}

  /** A name not used yet in this graph, derived from `hint`. */
  fresh(hint: string): string {
    return this.claim(this.unused(hint));
  }

  private unused(hint: string): string {
    let name = hint;
    while (this.names.has(name)) name = `${hint}_${++this.counter}`;
    return name;
  }

  input(name: string, elem: ElemType, dims: readonly Dim[]): string {
    this.claim(name);
    this.inputs.push(valueInfo(name, elem, dims));
    return name;
  }

  /** Declares `value` (an existing tensor name) as a graph output called `name`. */
  output(value: string, name: string, elem: ElemType, dims: readonly Dim[]): void {
    if (value !== name) this.node('Identity', [value], { outputs: [name] });
    this.outputs.push(valueInfo(name, elem, dims));
  }

  initializer(name: string, dims: readonly number[], tensor: TensorData): string {
    this.claim(name);
    const expected = dims.reduce((a, b) => a * b, 1);
    if (tensor.data.length !== expected) {
      throw new Error(`initializer ${name}: ${tensor.data.length} values for dims [${dims.join(', ')}]`);
    }
    this.initializers.push({ name, dims: [...dims], dataType: ELEM[tensor.elem], rawData: rawBytes(tensor.data) });
    return name;
  }

  /** A small float32 constant, shared by value so repeated scalars appear once. */
  constFloat(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const key = `f:${dims.join('x')}:${values.join(',')}`;
    return this.shared(key, () =>
      this.initializer(this.unused('const_f'), dims, { elem: 'float32', data: Float32Array.from(values) }),
    );
  }

  /** A small int64 constant (shapes, axes, indices). */
  constInt64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const key = `i:${dims.join('x')}:${values.join(',')}`;
    return this.shared(key, () =>
      this.initializer(this.unused('const_i'), dims, {
        elem: 'int64',
        data: BigInt64Array.from(values.map((v) => BigInt(v))),
      }),
    );
  }

  /** Adds a node; returns its first output's name (outputs are named after the op unless given). */
  node(
    opType: string,
    inputs: readonly string[],
    options: { outputs?: readonly string[]; attrs?: Record<string, Attr>; name?: string } = {},
  ): string {
    const outputs = options.outputs?.map((o) => this.claim(o)) ?? [this.fresh(`${options.name ?? opType}_out`)];
    this.nodes.push({
      opType,
      name: this.fresh(`${options.name ?? opType}_node`),
      input: [...inputs],
      output: outputs,
      attribute: Object.entries(options.attrs ?? {}).map(([k, v]) => toAttribute(k, v)),
    });
    return outputs[0] as string;
  }

  /** A node with several outputs, named `${name}_${i}`. */
  nodeMulti(opType: string, inputs: readonly string[], count: number, name: string): string[] {
    const outputs = Array.from({ length: count }, (_, i) => this.unused(`${name}_${i}`));
    this.node(opType, inputs, { outputs, name });
    return outputs;
  }

  /** The serialized model (`.onnx` bytes). */
  toBytes(docString: string): Uint8Array {
    const model: OnnxTypes.IModelProto = {
      irVersion: IR_VERSION,
      producerName: 'cratedigger-model-generator',
      producerVersion: '1',
      docString,
      opsetImport: [{ domain: '', version: OPSET }],
      graph: {
        name: this.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    };
    return onnx.ModelProto.encode(model).finish();
  }

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`duplicate tensor name in graph: ${name}`);
    this.names.add(name);
    return name;
  }

  private shared(key: string, make: () => string): string {
    const existing = this.constants.get(key);
    if (existing) return existing;
    const name = make();
    this.constants.set(key, name);
    return name;
  }
}
