/**
 * Builds small, valid ONNX models in code, so tests need no binary fixtures. The builder writes plain
 * ModelProto objects that the engine's own writer encodes; onnxruntime-node then proves them valid.
 */
import { AttributeType, DataType } from '../../src/engine/onnx/types';
import type {
  AttributeProto,
  GraphProto,
  ModelProto,
  NodeProto,
  TensorProto,
  ValueInfoProto,
} from '../../src/engine/onnx/types';

export type Dim = number | string;

/** Marks a number (or list) as a FLOAT attribute even when it happens to be an integer. */
export class FloatAttr {
  constructor(readonly value: number | number[]) {}
}
export const float = (v: number | number[]): FloatAttr => new FloatAttr(v);

export type AttrValue = number | number[] | string | FloatAttr | TensorProto | GraphProto;

export function tensor(
  name: string,
  dims: number[],
  data: ArrayLike<number>,
  dtype: number = DataType.FLOAT,
): TensorProto {
  let raw: Uint8Array;
  switch (dtype) {
    case DataType.FLOAT:
      raw = new Uint8Array(Float32Array.from(data).buffer);
      break;
    case DataType.INT64:
      raw = new Uint8Array(BigInt64Array.from(Array.from(data, (x) => BigInt(x))).buffer);
      break;
    case DataType.INT32:
      raw = new Uint8Array(Int32Array.from(data).buffer);
      break;
    case DataType.INT8:
      raw = new Uint8Array(Int8Array.from(data).buffer);
      break;
    case DataType.UINT8:
    case DataType.BOOL:
      raw = Uint8Array.from(data);
      break;
    default:
      throw new Error(`tensor(): dtype ${dtype} not supported by the builder`);
  }
  return { name, dims, data_type: dtype, raw_data: raw };
}

function attribute(name: string, v: AttrValue): AttributeProto {
  if (v instanceof FloatAttr)
    return Array.isArray(v.value)
      ? { name, type: AttributeType.FLOATS, floats: v.value }
      : { name, type: AttributeType.FLOAT, f: v.value };
  if (typeof v === 'number')
    return Number.isInteger(v) ? { name, type: AttributeType.INT, i: v } : { name, type: AttributeType.FLOAT, f: v };
  if (typeof v === 'string') return { name, type: AttributeType.STRING, s: Buffer.from(v) };
  if (Array.isArray(v))
    return v.every(Number.isInteger)
      ? { name, type: AttributeType.INTS, ints: v }
      : { name, type: AttributeType.FLOATS, floats: v };
  if ('data_type' in v) return { name, type: AttributeType.TENSOR, t: v };
  return { name, type: AttributeType.GRAPH, g: v };
}

export function valueInfo(name: string, dtype: number, shape?: Dim[]): ValueInfoProto {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: dtype,
        shape: shape && { dim: shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}

export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly inits: TensorProto[] = [];
  readonly inputs: ValueInfoProto[] = [];
  readonly outputs: ValueInfoProto[] = [];
  private counter = 0;

  constructor(readonly name = 'main') {}

  /** A fresh tensor name with a readable prefix. */
  fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  input(name: string, shape: Dim[], dtype: number = DataType.FLOAT): string {
    this.inputs.push(valueInfo(name, dtype, shape));
    return name;
  }

  output(name: string, shape?: Dim[], dtype: number = DataType.FLOAT): string {
    this.outputs.push(valueInfo(name, dtype, shape));
    return name;
  }

  /** An initializer; returns its name. */
  init(name: string, dims: number[], data: ArrayLike<number>, dtype: number = DataType.FLOAT): string {
    this.inits.push(tensor(name, dims, data, dtype));
    return name;
  }

  /** A weight held in a Constant node (as some exporters do); returns the output name. */
  constant(name: string, dims: number[], data: ArrayLike<number>, dtype: number = DataType.FLOAT): string {
    this.node('Constant', [], [name], { value: tensor(name, dims, data, dtype) }, `${name}_const`);
    return name;
  }

  /** Adds a node; `outputs` may be a count of fresh names. Returns the output names. */
  node(
    op: string,
    inputs: string[],
    outputs: string[] | number = 1,
    attrs: Record<string, AttrValue> = {},
    name?: string,
    domain?: string,
  ): string[] {
    const outs =
      typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.fresh(op.toLowerCase())) : outputs;
    this.nodes.push({
      name: name ?? this.fresh(`${op}_node`),
      op_type: op,
      input: inputs,
      output: outs,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
      ...(domain ? { domain } : {}),
    });
    return outs;
  }

  /** Shorthand for single-output nodes. */
  op(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, name?: string): string {
    return this.node(op, inputs, 1, attrs, name)[0]!;
  }

  graph(): GraphProto {
    return { name: this.name, node: this.nodes, initializer: this.inits, input: this.inputs, output: this.outputs };
  }

  model(opset = 17, irVersion = 8, extraOpsets: Record<string, number> = {}): ModelProto {
    return {
      ir_version: irVersion,
      producer_name: 'onnx-tuner-test-builder',
      opset_import: [
        { domain: '', version: opset },
        ...Object.entries(extraOpsets).map(([domain, version]) => ({ domain, version })),
      ],
      graph: this.graph(),
    };
  }
}
