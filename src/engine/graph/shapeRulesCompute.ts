/**
 * Shape rules for compute operators: convolutions and pooling (output size formula from the Conv/MaxPool
 * specs, incl. auto_pad and ceil_mode), Gemm/MatMul (numpy matmul semantics), elementwise ops with
 * broadcasting, reductions, normalisations, Resize, recurrent layers (LSTM/GRU/RNN), and the quantization ops.
 */
import { DataType } from '../onnx/types';
import { attrFloats, attrInt, attrInts, attrString } from './attributes';
import { broadcastShapes, type Dim, type Shape, type ValueType } from './dims';
import { normAxis, numbersOf, type OpContext, type ShapeRule } from './shapeContext';

const t = (dtype: number, shape: Shape): ValueType => ({ dtype, shape });
const same: ShapeRule = (ctx) => ({ outputs: [ctx.inputs[0]!] });

/** Output spatial size of a sliding window (Conv/Pool specs, "Output shape" sections). */
function windowOut(
  inp: Dim,
  k: number,
  stride: number,
  dil: number,
  padBegin: number,
  padEnd: number,
  autoPad: string,
  ceil: boolean,
): Dim {
  if (typeof inp !== 'number') return null;
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return Math.ceil(inp / stride);
  const effective = (k - 1) * dil + 1;
  if (autoPad === 'VALID') return Math.floor((inp - effective) / stride) + 1;
  const span = inp + padBegin + padEnd - effective;
  return (ceil ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
}

function spatialOut(ctx: OpContext, x: Dim[], kernel: number[], ceil = false): Dim[] {
  const n = kernel.length;
  const strides = attrInts(ctx.node, 'strides') ?? new Array<number>(n).fill(1);
  const dil = attrInts(ctx.node, 'dilations') ?? new Array<number>(n).fill(1);
  const pads = attrInts(ctx.node, 'pads') ?? new Array<number>(2 * n).fill(0);
  const autoPad = attrString(ctx.node, 'auto_pad', 'NOTSET');
  return kernel.map((k, i) =>
    windowOut(x[2 + i] ?? null, k, strides[i] ?? 1, dil[i] ?? 1, pads[i] ?? 0, pads[i + n] ?? 0, autoPad, ceil),
  );
}

const conv: ShapeRule = (ctx) => {
  const [x, w] = ctx.inputs;
  const xs = x!.shape;
  const ws = w!.shape;
  if (!xs || !ws) return { outputs: [t(x!.dtype, null)] };
  const kernel =
    attrInts(ctx.node, 'kernel_shape') ?? (ws.slice(2) as Dim[]).map((d) => (typeof d === 'number' ? d : 1));
  return { outputs: [t(x!.dtype, [xs[0] ?? null, ws[0] ?? null, ...spatialOut(ctx, xs, kernel)])] };
};

const convTranspose: ShapeRule = (ctx) => {
  const [x, w] = ctx.inputs;
  const xs = x!.shape;
  const ws = w!.shape;
  if (!xs || !ws) return { outputs: [t(x!.dtype, null)] };
  const group = attrInt(ctx.node, 'group', 1);
  const cout = typeof ws[1] === 'number' ? ws[1] * group : null;
  const n = ws.length - 2;
  const explicit = attrInts(ctx.node, 'output_shape');
  if (explicit) return { outputs: [t(x!.dtype, [xs[0] ?? null, cout, ...explicit.slice(-n)])] };
  const kernel =
    attrInts(ctx.node, 'kernel_shape') ?? (ws.slice(2) as Dim[]).map((d) => (typeof d === 'number' ? d : 1));
  const strides = attrInts(ctx.node, 'strides') ?? new Array<number>(n).fill(1);
  const dil = attrInts(ctx.node, 'dilations') ?? new Array<number>(n).fill(1);
  const pads = attrInts(ctx.node, 'pads') ?? new Array<number>(2 * n).fill(0);
  const outPad = attrInts(ctx.node, 'output_padding') ?? new Array<number>(n).fill(0);
  const autoPad = attrString(ctx.node, 'auto_pad', 'NOTSET');
  // ConvTranspose spec: out = stride·(in−1) + output_padding + ((k−1)·dilation + 1) − pad_begin − pad_end.
  const spatial = kernel.map((k, i) => {
    const inp = xs[2 + i];
    if (typeof inp !== 'number') return null;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return inp * strides[i]!;
    return strides[i]! * (inp - 1) + outPad[i]! + (k - 1) * dil[i]! + 1 - pads[i]! - pads[i + n]!;
  });
  return { outputs: [t(x!.dtype, [xs[0] ?? null, cout, ...spatial])] };
};

const pool: ShapeRule = (ctx) => {
  const x = ctx.inputs[0]!;
  const xs = x.shape;
  const kernel = attrInts(ctx.node, 'kernel_shape');
  if (!xs || !kernel) return { outputs: [t(x.dtype, null), t(DataType.INT64, null)] };
  const out = [xs[0] ?? null, xs[1] ?? null, ...spatialOut(ctx, xs, kernel, attrInt(ctx.node, 'ceil_mode', 0) === 1)];
  return { outputs: [t(x.dtype, out), t(DataType.INT64, out)] };
};

const globalPool: ShapeRule = (ctx) => {
  const xs = ctx.inputs[0]!.shape;
  return { outputs: [t(ctx.inputs[0]!.dtype, xs ? xs.map((d, i) => (i < 2 ? d : 1)) : null)] };
};

const gemm: ShapeRule = (ctx) => {
  const [a, b] = ctx.inputs;
  const as = a!.shape;
  const bs = b!.shape;
  const m = as ? (attrInt(ctx.node, 'transA', 0) ? as[1] : as[0]) : null;
  const n = bs ? (attrInt(ctx.node, 'transB', 0) ? bs[0] : bs[1]) : null;
  return { outputs: [t(a!.dtype, [m ?? null, n ?? null])] };
};

/** numpy.matmul: 1-D operands are promoted and the added dim removed; batch dims broadcast. */
export function matmulShape(as: Shape, bs: Shape): Shape {
  if (!as || !bs) return null;
  const a = as.length === 1 ? [1, as[0]!] : as;
  const b = bs.length === 1 ? [bs[0]!, 1] : bs;
  const batch = broadcastShapes([a.slice(0, -2), b.slice(0, -2)]) ?? [];
  const out: Dim[] = [...batch];
  if (as.length > 1) out.push(a[a.length - 2]!);
  if (bs.length > 1) out.push(b[b.length - 1]!);
  return out;
}

const matmul: ShapeRule = (ctx) => ({
  outputs: [t(ctx.inputs[0]!.dtype, matmulShape(ctx.inputs[0]!.shape, ctx.inputs[1]!.shape))],
});
const matmulInteger: ShapeRule = (ctx) => ({
  outputs: [t(DataType.INT32, matmulShape(ctx.inputs[0]!.shape, ctx.inputs[1]!.shape))],
});

const broadcast: ShapeRule = (ctx) => ({
  outputs: [t(ctx.inputs[0]!.dtype, broadcastShapes(ctx.inputs.map((v) => v.shape)))],
  values: [elementwiseValues(ctx)],
});

/** Arithmetic on small known integer values (shape computations such as seq // heads). */
function elementwiseValues(ctx: OpContext): Dim[] | undefined {
  const a = numbersOf(ctx, 0);
  const b = numbersOf(ctx, 1);
  if (!a || !b || ctx.inputs.length !== 2) return undefined;
  const n = Math.max(a.length, b.length);
  if ((a.length !== n && a.length !== 1) || (b.length !== n && b.length !== 1)) return undefined;
  const f: Record<string, (x: number, y: number) => number> = {
    Add: (x, y) => x + y,
    Sub: (x, y) => x - y,
    Mul: (x, y) => x * y,
    Div: (x, y) => (Number.isInteger(x) && Number.isInteger(y) && y !== 0 ? Math.trunc(x / y) : x / y),
    // Comparisons give 1 / 0: the conditions exporters compute from shapes (If on the rank or size).
    Equal: (x, y) => Number(x === y),
    Less: (x, y) => Number(x < y),
    Greater: (x, y) => Number(x > y),
    LessOrEqual: (x, y) => Number(x <= y),
    GreaterOrEqual: (x, y) => Number(x >= y),
    And: (x, y) => Number(x !== 0 && y !== 0),
    Or: (x, y) => Number(x !== 0 || y !== 0),
    Xor: (x, y) => Number((x !== 0) !== (y !== 0)),
  };
  const op = f[ctx.node.op_type ?? ''];
  if (!op) return undefined;
  return Array.from({ length: n }, (_, i) => op(a[a.length === 1 ? 0 : i]!, b[b.length === 1 ? 0 : i]!));
}

const compare: ShapeRule = (ctx) => ({
  outputs: [t(DataType.BOOL, broadcastShapes(ctx.inputs.map((v) => v.shape)))],
  values: [elementwiseValues(ctx)],
});
const where: ShapeRule = (ctx) => ({
  outputs: [t(ctx.inputs[1]!.dtype, broadcastShapes(ctx.inputs.map((v) => v.shape)))],
});

const cast: ShapeRule = (ctx) => ({
  outputs: [t(attrInt(ctx.node, 'to', 0), ctx.inputs[0]!.shape)],
  values: [ctx.value(0)],
});

const reduce: ShapeRule = (ctx) => {
  const x = ctx.inputs[0]!;
  const xs = x.shape;
  if (!xs) return { outputs: [t(x.dtype, null)] };
  const keep = attrInt(ctx.node, 'keepdims', 1) === 1;
  // Reduce ops took axes as an attribute until opset 18 (ReduceSum: 13), then as input 1.
  const axesRaw = attrInts(ctx.node, 'axes') ?? (ctx.has(1) ? numbersOf(ctx, 1) : undefined);
  if (ctx.has(1) && !axesRaw) return { outputs: [t(x.dtype, keep ? xs.map(() => null) : null)] };
  const axes = new Set((axesRaw ?? xs.map((_, i) => i)).map((a) => normAxis(a, xs.length)));
  if (axes.size === 0 && attrInt(ctx.node, 'noop_with_empty_axes', 0) === 1) return { outputs: [x] };
  const out = keep ? xs.map((d, i) => (axes.has(i) ? 1 : d)) : xs.filter((_, i) => !axes.has(i));
  return { outputs: [t(x.dtype, out)] };
};

const argReduce: ShapeRule = (ctx) => {
  const xs = ctx.inputs[0]!.shape;
  if (!xs) return { outputs: [t(DataType.INT64, null)] };
  const axis = normAxis(attrInt(ctx.node, 'axis', 0), xs.length);
  const keep = attrInt(ctx.node, 'keepdims', 1) === 1;
  return {
    outputs: [t(DataType.INT64, keep ? xs.map((d, i) => (i === axis ? 1 : d)) : xs.filter((_, i) => i !== axis))],
  };
};

const topk: ShapeRule = (ctx) => {
  const xs = ctx.inputs[0]!.shape;
  const k = numbersOf(ctx, 1)?.[0] ?? (ctx.opset < 10 ? attrInt(ctx.node, 'k', 0) : undefined);
  if (!xs) return { outputs: [t(ctx.inputs[0]!.dtype, null), t(DataType.INT64, null)] };
  const axis = normAxis(attrInt(ctx.node, 'axis', -1), xs.length);
  const out = xs.map((d, i) => (i === axis ? (k ?? null) : d));
  return { outputs: [t(ctx.inputs[0]!.dtype, out), t(DataType.INT64, out)] };
};

const resize: ShapeRule = (ctx) => {
  const x = ctx.inputs[0]!;
  const xs = x.shape;
  if (!xs) return { outputs: [t(x.dtype, null)] };
  // Resize (opset ≥ 11): inputs X, roi, scales, sizes; Upsample/Resize-10: X, scales; older: scales attribute.
  const sizes = ctx.node.op_type === 'Resize' && ctx.opset >= 11 && ctx.has(3) ? numbersOf(ctx, 3) : undefined;
  if (sizes && sizes.length === xs.length) return { outputs: [t(x.dtype, sizes)] };
  const scalesIdx = ctx.node.op_type === 'Resize' && ctx.opset >= 11 ? 2 : 1;
  const scales = (ctx.has(scalesIdx) ? numbersOf(ctx, scalesIdx) : undefined) ?? attrFloats(ctx.node, 'scales');
  if (!scales || scales.length !== xs.length)
    return {
      outputs: [
        t(
          x.dtype,
          xs.map(() => null),
        ),
      ],
    };
  return {
    outputs: [
      t(
        x.dtype,
        xs.map((d, i) => (typeof d === 'number' ? Math.floor(d * scales[i]!) : scales[i] === 1 ? d : null)),
      ),
    ],
  };
};

/** LSTM/GRU/RNN (layout 0): Y [seq, dirs, batch, hidden], Y_h/Y_c [dirs, batch, hidden]. */
const recurrent: ShapeRule = (ctx) => {
  const xs = ctx.inputs[0]!.shape;
  const hidden = attrInt(ctx.node, 'hidden_size', 0) || null;
  const dirs = attrString(ctx.node, 'direction', 'forward') === 'bidirectional' ? 2 : 1;
  const layout = attrInt(ctx.node, 'layout', 0);
  const seq = xs ? (layout ? xs[1] : xs[0]) : null;
  const batch = xs ? (layout ? xs[0] : xs[1]) : null;
  const dtype = ctx.inputs[0]!.dtype;
  const y: Dim[] = layout ? [batch ?? null, seq ?? null, dirs, hidden] : [seq ?? null, dirs, batch ?? null, hidden];
  const h: Dim[] = layout ? [batch ?? null, dirs, hidden] : [dirs, batch ?? null, hidden];
  return { outputs: [t(dtype, y), t(dtype, h), t(dtype, h)] };
};

const quantizeLinear: ShapeRule = (ctx) => ({
  outputs: [t(ctx.has(2) ? ctx.inputs[2]!.dtype || DataType.UINT8 : DataType.UINT8, ctx.inputs[0]!.shape)],
});
const dequantizeLinear: ShapeRule = (ctx) => ({
  outputs: [t(ctx.inputs[1]!.dtype || DataType.FLOAT, ctx.inputs[0]!.shape)],
});
const dynamicQuantizeLinear: ShapeRule = (ctx) => ({
  outputs: [t(DataType.UINT8, ctx.inputs[0]!.shape), t(DataType.FLOAT, []), t(DataType.UINT8, [])],
});
const layerNorm: ShapeRule = (ctx) => {
  const x = ctx.inputs[0]!;
  const xs = x.shape;
  const axis = xs ? normAxis(attrInt(ctx.node, 'axis', -1), xs.length) : 0;
  const stat: Shape = xs ? xs.map((d, i) => (i < axis ? d : 1)) : null;
  return { outputs: [x, t(DataType.FLOAT, stat), t(DataType.FLOAT, stat)] };
};
const size: ShapeRule = (ctx) => {
  const s = ctx.inputs[0]!.shape;
  const n = s?.every((d) => typeof d === 'number') ? (s as number[]).reduce((a, d) => a * d, 1) : undefined;
  return { outputs: [t(DataType.INT64, [])], values: [n === undefined ? undefined : [n]] };
};
const not: ShapeRule = (ctx) => {
  const v = numbersOf(ctx, 0);
  return { outputs: [ctx.inputs[0]!], values: [v?.map((x) => Number(x === 0))] };
};
const nonZero: ShapeRule = (ctx) => ({ outputs: [t(DataType.INT64, [ctx.inputs[0]!.shape?.length ?? null, null])] });

const UNARY =
  'Relu Sigmoid Tanh Exp Log Sqrt Erf Neg Abs Clip LeakyRelu HardSigmoid HardSwish Softplus Softsign Gelu Elu Selu Celu Floor Ceil Round Reciprocal Sin Cos Tan Asin Acos Atan Sinh Cosh Asinh Acosh Atanh Sign IsNaN IsInf Softmax LogSoftmax Hardmax LRN InstanceNormalization BatchNormalization CumSum Mish ThresholdedRelu Shrink BitwiseNot Trilu ReverseSequence GroupNormalization MeanVarianceNormalization LpNormalization';
const BINARY = 'Add Sub Mul Div Pow Max Min Sum Mean Mod PRelu BitShift BitwiseAnd BitwiseOr BitwiseXor';
const COMPARE = 'Equal Less Greater LessOrEqual GreaterOrEqual And Or Xor';
const REDUCE =
  'ReduceSum ReduceMean ReduceMax ReduceMin ReduceProd ReduceL1 ReduceL2 ReduceLogSum ReduceLogSumExp ReduceSumSquare';

export const computeRules: Record<string, ShapeRule> = {
  ...Object.fromEntries(UNARY.split(' ').map((op) => [op, same])),
  ...Object.fromEntries(BINARY.split(' ').map((op) => [op, broadcast])),
  ...Object.fromEntries(COMPARE.split(' ').map((op) => [op, compare])),
  ...Object.fromEntries(REDUCE.split(' ').map((op) => [op, reduce])),
  Where: where,
  Not: not,
  Cast: cast,
  Conv: conv,
  ConvInteger: conv,
  ConvTranspose: convTranspose,
  MaxPool: pool,
  AveragePool: pool,
  LpPool: pool,
  GlobalAveragePool: globalPool,
  GlobalMaxPool: globalPool,
  GlobalLpPool: globalPool,
  Gemm: gemm,
  MatMul: matmul,
  MatMulInteger: matmulInteger,
  ArgMax: argReduce,
  ArgMin: argReduce,
  TopK: topk,
  Resize: resize,
  Upsample: resize,
  LSTM: recurrent,
  GRU: recurrent,
  RNN: recurrent,
  QuantizeLinear: quantizeLinear,
  DequantizeLinear: dequantizeLinear,
  DynamicQuantizeLinear: dynamicQuantizeLinear,
  LayerNormalization: layerNorm,
  Size: size,
  NonZero: nonZero,
};
