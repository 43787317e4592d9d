/**
 * Fusions that keep the model in standard ONNX: BatchNormalization folded into the Conv before it, and
 * MatMul + Add (bias) as one Gemm. Both need their weights constant; the folded weights are new tensors.
 */
import { attrFloat, attrInt } from '../../graph/attributes';
import type { ValueType } from '../../graph/dims';
import type { Lookup } from '../../graph/scope';
import { tensorDims } from '../../graph/tensorData';
import { DataType, type GraphProto, type NodeProto, type TensorProto } from '../../onnx/types';
import { nodeLabel, type TransformChange } from '../common/changes';
import { floatTensor, floatValues } from '../common/weights';
import { freshName } from './graphEdit';
import { fusionIndex, isDefaultDomain as isDefault } from './fusionIndex';

const isF32 = (t: TensorProto | undefined): t is TensorProto =>
  !!t && t.data_type === DataType.FLOAT && t.data_location !== 1;

/**
 * Conv → BatchNormalization becomes one Conv (inference BN is a per-channel affine map, ONNX
 * BatchNormalization: y = scale·(x − mean)/√(var + ε) + B, so it folds into the Conv's weights and bias:
 * W'[o] = W[o]·s[o], b'[o] = (b[o] − mean[o])·s[o] + B[o] with s = scale/√(var + ε)).
 */
export function foldConvBatchNorm(
  g: GraphProto,
  constant: (name: string) => TensorProto | undefined,
  taken: Set<string>,
  changes: TransformChange[],
): number {
  const { nodes, readers, outputs, producer } = fusionIndex(g);
  const removed = new Set<NodeProto>();
  nodes.forEach((bn, idx) => {
    if (bn.op_type !== 'BatchNormalization' || !isDefault(bn)) return;
    const x = bn.input?.[0] ?? '';
    const conv = producer.get(x);
    if (!conv || conv.op_type !== 'Conv' || !isDefault(conv) || removed.has(conv)) return;
    if (readers.get(x) !== 1 || outputs.has(x)) return;
    if ((bn.output ?? []).slice(1).some((o) => o && (readers.get(o) ?? 0) > 0)) return;
    if (attrInt(bn, 'spatial', 1) !== 1 || attrInt(bn, 'training_mode', 0) !== 0) return;
    const w = constant(conv.input?.[1] ?? '');
    const b = conv.input?.[2] ? constant(conv.input[2]) : undefined;
    const [scale, beta, mean, variance] = (bn.input ?? []).slice(1, 5).map(constant);
    if (!isF32(w) || (conv.input?.[2] && !isF32(b)) || ![scale, beta, mean, variance].every(isF32)) {
      changes.push({
        kind: 'skipped',
        node: nodeLabel(bn, idx),
        detail: 'BatchNormalization not folded: weights not constant float32',
      });
      return;
    }
    const dims = tensorDims(w);
    const cout = dims[0] ?? 0;
    const s = floatValues(scale!);
    const bb = floatValues(beta!);
    const m = floatValues(mean!);
    const v = floatValues(variance!);
    if ([s, bb, m, v].some((a) => a.length !== cout)) return;
    const eps = attrFloat(bn, 'epsilon', 1e-5);
    const wv = floatValues(w);
    const per = wv.length / cout;
    const bias = b ? floatValues(b) : new Float32Array(cout);
    const newW = new Float32Array(wv.length);
    const newB = new Float32Array(cout);
    for (let o = 0; o < cout; o++) {
      const k = s[o]! / Math.sqrt(v[o]! + eps);
      for (let j = 0; j < per; j++) newW[o * per + j] = wv[o * per + j]! * k;
      newB[o] = (bias[o]! - m[o]!) * k + bb[o]!;
    }
    const label = conv.name || `conv${idx}`;
    const wName = freshName(taken, `${label}.weight_bnfolded`);
    const bName = freshName(taken, `${label}.bias_bnfolded`);
    (g.initializer ??= []).push(floatTensor(wName, dims, newW), floatTensor(bName, [cout], newB));
    conv.input = [conv.input?.[0] ?? '', wName, bName];
    conv.output = [bn.output?.[0] ?? ''];
    removed.add(bn);
    changes.push({
      kind: 'replaced',
      node: nodeLabel(bn, idx),
      detail: `BatchNormalization folded into Conv '${label}'`,
    });
  });
  if (removed.size) g.node = nodes.filter((n) => !removed.has(n));
  return removed.size;
}

/**
 * MatMul(A, W) + C → Gemm(A, W, C) when A is 2-D, W a 2-D constant and C a constant that broadcasts to the
 * output (ONNX Gemm: Y = A·B + C, C unidirectionally broadcastable to (M, N)).
 */
export function fuseMatMulAdd(
  g: GraphProto,
  opset: number,
  types: Lookup<ValueType> | undefined,
  constant: (name: string) => TensorProto | undefined,
  changes: TransformChange[],
): number {
  if (opset < 9 || !types) return 0;
  const { nodes, readers, outputs, producer } = fusionIndex(g);
  const removed = new Set<NodeProto>();
  nodes.forEach((add, idx) => {
    if (add.op_type !== 'Add' || !isDefault(add)) return;
    for (const side of [0, 1]) {
      const mmOut = add.input?.[side] ?? '';
      const c = constant(add.input?.[1 - side] ?? '');
      const mm = producer.get(mmOut);
      if (!mm || mm.op_type !== 'MatMul' || !isDefault(mm) || removed.has(mm) || !c) continue;
      if (readers.get(mmOut) !== 1 || outputs.has(mmOut)) continue;
      const w = constant(mm.input?.[1] ?? '');
      const a = types.get(mm.input?.[0] ?? '');
      if (!w || a?.shape?.length !== 2 || tensorDims(w).length !== 2) continue;
      const dt = w.data_type;
      if ((dt !== DataType.FLOAT && dt !== DataType.DOUBLE) || c.data_type !== dt || a.dtype !== dt) continue;
      const n = tensorDims(w)[1]!;
      const cd = tensorDims(c);
      const m = a.shape[0];
      const ok =
        cd.length === 0 ||
        (cd.length === 1 && (cd[0] === n || cd[0] === 1)) ||
        (cd.length === 2 && (cd[1] === n || cd[1] === 1) && (cd[0] === 1 || cd[0] === m));
      if (!ok) continue;
      mm.op_type = 'Gemm';
      mm.input = [mm.input?.[0] ?? '', mm.input?.[1] ?? '', add.input?.[1 - side] ?? ''];
      mm.output = [add.output?.[0] ?? ''];
      removed.add(add);
      changes.push({
        kind: 'replaced',
        node: nodeLabel(add, idx),
        detail: `MatMul + Add fused into Gemm '${mm.name ?? ''}'`,
      });
      return;
    }
  });
  if (removed.size) g.node = nodes.filter((n) => !removed.has(n));
  return removed.size;
}

/** Per-output-channel values of a constant that broadcasts along the channel axis of a Conv output. */
function perChannel(t: TensorProto, cout: number, outRank: number): Float32Array | undefined {
  const d = tensorDims(t);
  const v = floatValues(t);
  const ones = (xs: number[]): boolean => xs.every((x) => x === 1);
  if (v.length === 1 && d.length <= outRank) return new Float32Array(cout).fill(v[0]!);
  if (v.length !== cout) return undefined;
  if (d.length === outRank - 1 && d[0] === cout && ones(d.slice(1))) return v;
  if (d.length === outRank && d[0] === 1 && d[1] === cout && ones(d.slice(2))) return v;
  return undefined;
}

/**
 * Conv followed by Mul or Add with a per-channel (or scalar) constant: the scale goes into the weights and
 * bias, the shift into the bias (Conv is linear per output channel).
 */
export function foldConvAffine(
  g: GraphProto,
  constant: (name: string) => TensorProto | undefined,
  taken: Set<string>,
  changes: TransformChange[],
): number {
  const { nodes, readers, outputs, producer } = fusionIndex(g);
  const removed = new Set<NodeProto>();
  nodes.forEach((op, idx) => {
    if ((op.op_type !== 'Mul' && op.op_type !== 'Add') || !isDefault(op)) return;
    for (const side of [0, 1]) {
      const x = op.input?.[side] ?? '';
      const conv = producer.get(x);
      const k = constant(op.input?.[1 - side] ?? '');
      if (!conv || conv.op_type !== 'Conv' || !isDefault(conv) || removed.has(conv) || !isF32(k)) continue;
      if (readers.get(x) !== 1 || outputs.has(x)) continue;
      const w = constant(conv.input?.[1] ?? '');
      const b = conv.input?.[2] ? constant(conv.input[2]) : undefined;
      if (!isF32(w) || (conv.input?.[2] && !isF32(b))) continue;
      const dims = tensorDims(w);
      const cout = dims[0] ?? 0;
      const c = perChannel(k, cout, dims.length);
      if (!c) continue;
      const bias = b ? floatValues(b) : new Float32Array(cout);
      const label = conv.name || `conv${idx}`;
      const newB = new Float32Array(cout);
      let wName = conv.input?.[1] ?? '';
      if (op.op_type === 'Mul') {
        const wv = floatValues(w);
        const per = wv.length / cout;
        const newW = new Float32Array(wv.length);
        for (let o = 0; o < cout; o++) for (let j = 0; j < per; j++) newW[o * per + j] = wv[o * per + j]! * c[o]!;
        for (let o = 0; o < cout; o++) newB[o] = bias[o]! * c[o]!;
        wName = freshName(taken, `${label}.weight_scaled`);
        (g.initializer ??= []).push(floatTensor(wName, dims, newW));
      } else for (let o = 0; o < cout; o++) newB[o] = bias[o]! + c[o]!;
      const bName = freshName(taken, `${label}.bias_fused`);
      (g.initializer ??= []).push(floatTensor(bName, [cout], newB));
      conv.input = [conv.input?.[0] ?? '', wName, bName];
      conv.output = [op.output?.[0] ?? ''];
      removed.add(op);
      changes.push({
        kind: 'replaced',
        node: nodeLabel(op, idx),
        detail: `${op.op_type} by a constant folded into Conv '${label}'`,
      });
      return;
    }
  });
  if (removed.size) g.node = nodes.filter((n) => !removed.has(n));
  return removed.size;
}
