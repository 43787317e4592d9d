/**
 * Which nodes only hold a constant (a `Constant`, or an `Identity`/`Cast` of a constant, as exporters share tied
 * weights) and so are drawn as a row inside each consumer's box rather than as a box of their own, and which
 * inputs of the other nodes are such weights: initializers or the outputs of folded nodes. Netron does the same
 * (`W ⟨24×96×3×3⟩` inside a Conv); on ppocr-det it halves the boxes (672 → 330). Input slot names follow the
 * ONNX operator specs' input names.
 */
import { dtypeName } from '../onnx/dtypes';
import { int64ToNumber } from '../onnx/int64';
import type { GraphProto, NodeProto, TensorProto } from '../onnx/types';
import type { TensorInfo, WeightRow } from '../../protocol/webviewProtocol';

/** Input names per op from the ONNX operator specs, for the ops whose inputs are commonly weights. */
const SLOTS: Readonly<Record<string, readonly string[]>> = {
  Conv: ['X', 'W', 'B'],
  ConvTranspose: ['X', 'W', 'B'],
  ConvInteger: ['x', 'w', 'x_zero_point', 'w_zero_point'],
  QLinearConv: ['x', 'x_scale', 'x_zero_point', 'w', 'w_scale', 'w_zero_point', 'y_scale', 'y_zero_point', 'B'],
  Gemm: ['A', 'B', 'C'],
  MatMul: ['A', 'B'],
  MatMulInteger: ['A', 'B', 'a_zero_point', 'b_zero_point'],
  Add: ['A', 'B'],
  Sub: ['A', 'B'],
  Mul: ['A', 'B'],
  Div: ['A', 'B'],
  Pow: ['X', 'Y'],
  BatchNormalization: ['X', 'scale', 'B', 'input_mean', 'input_var'],
  InstanceNormalization: ['input', 'scale', 'B'],
  LayerNormalization: ['X', 'Scale', 'B'],
  Reshape: ['data', 'shape'],
  Expand: ['input', 'shape'],
  Tile: ['input', 'repeats'],
  Resize: ['X', 'roi', 'scales', 'sizes'],
  Clip: ['input', 'min', 'max'],
  Gather: ['data', 'indices'],
  Slice: ['data', 'starts', 'ends', 'axes', 'steps'],
  Pad: ['data', 'pads', 'constant_value', 'axes'],
  Unsqueeze: ['data', 'axes'],
  Squeeze: ['data', 'axes'],
  Split: ['input', 'split'],
  ReduceMean: ['data', 'axes'],
  ReduceSum: ['data', 'axes'],
  Where: ['condition', 'X', 'Y'],
  PRelu: ['X', 'slope'],
  QuantizeLinear: ['x', 'y_scale', 'y_zero_point'],
  DequantizeLinear: ['x', 'x_scale', 'x_zero_point'],
  LSTM: ['X', 'W', 'R', 'B', 'sequence_lens', 'initial_h', 'initial_c', 'P'],
  GRU: ['X', 'W', 'R', 'B', 'sequence_lens', 'initial_h'],
  RNN: ['X', 'W', 'R', 'B', 'sequence_lens', 'initial_h'],
};

/** The name of input `index` of `op` (`in2` where the op is not listed). */
export function inputSlot(op: string, index: number): string {
  return SLOTS[op]?.[index] ?? `in${index}`;
}

function tensorInfo(name: string, t: TensorProto): TensorInfo {
  return { name, dtype: dtypeName(t.data_type), shape: (t.dims ?? []).map((d) => int64ToNumber(d)) };
}

/** The type a `Constant` node's output has, from whichever `value*` attribute it carries (ONNX Constant spec). */
function constantInfo(node: NodeProto, name: string): TensorInfo | undefined {
  for (const a of node.attribute ?? [])
    switch (a.name) {
      case 'value':
        return a.t ? tensorInfo(name, a.t) : undefined;
      case 'value_float':
        return { name, dtype: 'float32', shape: [] };
      case 'value_int':
        return { name, dtype: 'int64', shape: [] };
      case 'value_floats':
        return { name, dtype: 'float32', shape: [a.floats?.length ?? 0] };
      case 'value_ints':
        return { name, dtype: 'int64', shape: [a.ints?.length ?? 0] };
      case 'value_string':
        return { name, dtype: 'string', shape: [] };
      case 'value_strings':
        return { name, dtype: 'string', shape: [a.strings?.length ?? 0] };
    }
  return undefined;
}

export interface WeightFolding {
  /** Node indices drawn as rows in their consumers' boxes. */
  readonly folded: ReadonlySet<number>;
  /** Per node index: its inputs that are weights or constants, in input order (absent when none). */
  readonly rows: ReadonlyMap<number, WeightRow[]>;
  /** Types of the folded nodes' outputs where the model does not give them (from the Constant's value). */
  readonly types: ReadonlyMap<string, TensorInfo>;
}

/**
 * Folds constants in `graph`, whose nodes are in topological order as the ONNX spec requires. A constant that is
 * a graph output, or that nothing reads, keeps its box: a row needs a consumer to live in.
 */
export function foldWeights(graph: GraphProto, known: (name: string) => TensorInfo | undefined): WeightFolding {
  const nodes = graph.node ?? [];
  const constant = new Set((graph.initializer ?? []).map((i) => i.name ?? '').filter(Boolean));
  const graphOutputs = new Set((graph.output ?? []).map((o) => o.name));
  const consumed = new Set(nodes.flatMap((n) => n.input ?? []));
  const folded = new Set<number>();
  const types = new Map<string, TensorInfo>();
  nodes.forEach((n, id) => {
    const outputs = (n.output ?? []).filter(Boolean);
    if (outputs.length !== 1 || graphOutputs.has(outputs[0]) || !consumed.has(outputs[0]!)) return;
    const out = outputs[0]!;
    const inputs = (n.input ?? []).filter(Boolean);
    if (n.op_type === 'Constant' && inputs.length === 0) {
      const info = known(out) ?? constantInfo(n, out);
      if (info) types.set(out, info);
    } else if ((n.op_type === 'Identity' || n.op_type === 'Cast') && inputs.length === 1 && constant.has(inputs[0]!)) {
      const src = known(inputs[0]!) ?? types.get(inputs[0]!);
      const to = n.attribute?.find((a) => a.name === 'to')?.i;
      const info = known(out) ?? { name: out, dtype: to !== undefined ? dtypeName(int64ToNumber(to)) : src?.dtype };
      types.set(out, { ...info, ...(info.shape || !src?.shape ? {} : { shape: src.shape }) });
    } else return;
    folded.add(id);
    constant.add(out);
  });
  const rows = new Map<number, WeightRow[]>();
  nodes.forEach((n, id) => {
    if (folded.has(id)) return;
    const list: WeightRow[] = [];
    (n.input ?? []).forEach((t, i) => {
      if (t && constant.has(t)) list.push({ slot: inputSlot(n.op_type ?? '', i), tensor: t });
    });
    if (list.length) rows.set(id, list);
  });
  return { folded, rows, types };
}
