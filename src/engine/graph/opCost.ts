/**
 * Arithmetic cost of one node from its input/output shapes. Conventions (stated so tests can recompute
 * them by hand): a MAC is one multiply-add; FLOPs = 2·MACs for the matrix ops plus one FLOP per bias add;
 * elementwise ops count one FLOP per output element; the per-element factors of the normalisations and
 * Softmax below count their arithmetic steps. Data-movement ops (Reshape, Transpose, Concat…) cost 0.
 */
import type { NodeProto } from '../onnx/types';
import { attrInt, attrInts, attrString } from './attributes';
import { numel, type Shape } from './dims';
import { einsumSizes, parseEinsum } from './shapeRulesIndexing';

export interface OpCost {
  /** Multiply-accumulates (0 for ops without matrix arithmetic); null when shapes are unknown. */
  readonly macs: number | null;
  readonly flops: number | null;
}

const prod = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);

function known(s: Shape): number[] | null {
  return s && s.every((d) => typeof d === 'number') ? (s as number[]) : null;
}

/** Per-element FLOP factors for non-matrix ops (see the module comment). */
const ELEMENTWISE_FACTOR: Record<string, number> = {
  Softmax: 3, // exp, sum, divide
  LogSoftmax: 3,
  LayerNormalization: 5, // mean, subtract, variance, normalise, scale+shift (counted as one)
  InstanceNormalization: 5,
  GroupNormalization: 5,
  BatchNormalization: 2, // inference: one multiply, one add per element
  Gelu: 8,
  FastGelu: 8,
  BiasGelu: 9, // bias add + Gelu
  QuickGelu: 3, // x · sigmoid(1.702 x)
  SkipLayerNormalization: 7, // two adds (skip, bias) + LayerNormalization
  SkipSimplifiedLayerNormalization: 6,
  SimplifiedLayerNormalization: 4,
  Erf: 1,
};

/** Multiply-adds of a matrix product whose left operand is `a` (K = its last dim, or the one before if transposed). */
function matmulCost(a: number[] | null, outN: number | null, transA = false): OpCost {
  if (!a || outN === null || a.length === 0) return { macs: null, flops: null };
  const k = transA && a.length >= 2 ? a[a.length - 2]! : a[a.length - 1]!;
  return { macs: outN * k, flops: 2 * outN * k };
}

/** Einsum: one multiply-add per point of the space all subscripts span (a contraction's loop nest). */
function einsumCost(node: NodeProto, inputs: readonly Shape[]): OpCost {
  const shapes = inputs.map(known);
  if (shapes.some((s) => !s)) return { macs: null, flops: null };
  const parsed = parseEinsum(
    attrString(node, 'equation', ''),
    shapes.map((s) => s!.length),
  );
  const sizes = parsed && einsumSizes(parsed.inputs, shapes);
  if (!sizes || [...sizes.values()].some((d) => typeof d !== 'number')) return { macs: null, flops: null };
  const macs = prod([...sizes.values()] as number[]);
  return { macs, flops: 2 * macs };
}

const ZERO_COST = new Set(
  'Reshape Transpose Concat Slice Gather Split Squeeze Unsqueeze Flatten Shape Size Identity Dropout Expand Tile Pad Constant ConstantOfShape Cast Range If Loop Scan DepthToSpace SpaceToDepth NonZero GatherElements GatherND ScatterND ScatterElements Scatter Trilu'.split(
    ' ',
  ),
);

export function opCost(node: NodeProto, inputs: readonly Shape[], outputs: readonly Shape[]): OpCost {
  const op = node.op_type ?? '';
  const out = known(outputs[0] ?? null);
  const outN = numel(outputs[0] ?? null);
  switch (op) {
    case 'Conv':
    case 'ConvInteger': {
      const w = known(inputs[1] ?? null);
      if (!out || !w) return { macs: null, flops: null };
      // out [N, Cout, *spatial]; w [Cout, Cin/group, *k]
      const macs = prod(out) * prod(w.slice(1));
      const bias = node.input?.[2] ? prod(out) : 0;
      return { macs, flops: 2 * macs + bias };
    }
    case 'ConvTranspose': {
      const x = known(inputs[0] ?? null);
      const w = known(inputs[1] ?? null);
      if (!x || !w || !out) return { macs: null, flops: null };
      // Each input element is scattered through a (Cout/group)×k window: x [N, Cin, *s], w [Cin, Cout/group, *k].
      const macs = prod(x) * prod(w.slice(1));
      const bias = node.input?.[2] ? prod(out) : 0;
      return { macs, flops: 2 * macs + bias };
    }
    case 'Gemm': {
      const a = known(inputs[0] ?? null);
      if (!a || !out) return { macs: null, flops: null };
      const k = attrInt(node, 'transA', 0) ? a[0]! : a[1]!;
      const macs = prod(out) * k;
      return { macs, flops: 2 * macs + (node.input?.[2] ? prod(out) : 0) };
    }
    case 'MatMul':
    case 'MatMulInteger':
    case 'QLinearMatMul':
      return matmulCost(known(inputs[0] ?? null), outN);
    case 'FusedMatMul':
      return matmulCost(known(inputs[0] ?? null), outN, attrInt(node, 'transA', 0) === 1);
    case 'MatMulNBits': {
      const k = attrInt(node, 'K', 0);
      return outN === null || !k ? { macs: null, flops: null } : { macs: outN * k, flops: 2 * outN * k };
    }
    case 'QLinearConv': {
      const w = known(inputs[3] ?? null);
      if (!out || !w) return { macs: null, flops: null };
      const macs = prod(out) * prod(w.slice(1));
      return { macs, flops: 2 * macs + (node.input?.[8] ? prod(out) : 0) };
    }
    case 'Einsum':
      return einsumCost(node, inputs);
    case 'Attention': {
      // QKV projection (D → 3H), scores Q·Kᵀ (S×S×H) and context (S×S×H), per batch item.
      const x = known(inputs[0] ?? null);
      const w = known(inputs[1] ?? null);
      if (!x || !w || x.length !== 3 || w.length !== 2) return { macs: null, flops: null };
      const [b, seq, d] = x as [number, number, number];
      const h = w[1]! / 3;
      const macs = b * seq * d * w[1]! + 2 * b * seq * seq * h;
      return { macs, flops: 2 * macs + b * seq * seq * 3 /* softmax */ };
    }
    case 'MultiHeadAttention': {
      // Scores Q·Kᵀ (S×L×D) and context P·V (S×L×D_v), per batch item; Q, K, V are already projected.
      const q = known(inputs[0] ?? null);
      const v = known(inputs[2] ?? null);
      if (!q || !v || q.length !== 3 || v.length !== 3) return { macs: null, flops: null };
      const [b, seq, d] = q as [number, number, number];
      const [, len, dv] = v as [number, number, number];
      const macs = b * seq * len * (d + dv);
      return { macs, flops: 2 * macs + b * seq * len * 3 /* softmax */ };
    }
    case 'LSTM':
    case 'GRU':
    case 'RNN': {
      const x = known(inputs[0] ?? null);
      const hidden = attrInt(node, 'hidden_size', 0);
      if (!x || !hidden) return { macs: null, flops: null };
      const layout = attrInt(node, 'layout', 0);
      const [seq, batch, inp] = layout ? [x[1]!, x[0]!, x[2]!] : [x[0]!, x[1]!, x[2]!];
      const gates = op === 'LSTM' ? 4 : op === 'GRU' ? 3 : 1;
      const dirs = attrString(node, 'direction', 'forward') === 'bidirectional' ? 2 : 1;
      const macs = seq * batch * dirs * gates * hidden * (inp + hidden);
      return { macs, flops: 2 * macs };
    }
    case 'MaxPool':
    case 'AveragePool':
    case 'LpPool': {
      const k = attrInts(node, 'kernel_shape');
      if (outN === null || !k) return { macs: 0, flops: null };
      return { macs: 0, flops: outN * prod(k) };
    }
    case 'GlobalAveragePool':
    case 'GlobalMaxPool':
    case 'ReduceSum':
    case 'ReduceMean':
    case 'ReduceMax':
    case 'ReduceMin':
    case 'ReduceProd':
    case 'ReduceL2':
    case 'ReduceSumSquare': {
      const n = numel(inputs[0] ?? null);
      return { macs: 0, flops: n };
    }
    default:
      if (ZERO_COST.has(op)) return { macs: 0, flops: 0 };
      return { macs: 0, flops: outN === null ? null : outN * (ELEMENTWISE_FACTOR[op] ?? 1) };
  }
}
