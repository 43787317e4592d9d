/**
 * Shape rules for onnxruntime's com.microsoft ops that exported and ORT-optimized transformers carry
 * (FusedMatMul, Attention, MultiHeadAttention, SkipLayerNormalization, the Gelu family, MatMulNBits from int4 weights) and for
 * the QLinear ops of already-quantized models, so their costs are known instead of "unsupported".
 */
import { attrInt, attrInts } from './attributes';
import type { Shape, ValueType } from './dims';
import { computeRules, matmulShape } from './shapeRulesCompute';
import type { OpContext, ShapeRule } from './shapeContext';

const t = (dtype: number, shape: Shape): ValueType => ({ dtype, shape });
const same: ShapeRule = (ctx) => ({ outputs: [ctx.inputs[0]!] });

/** A rule applied to some of the node's inputs, in the order a plain op expects them (QLinearConv → Conv). */
function onInputs(rule: ShapeRule, picks: readonly number[]): ShapeRule {
  return (ctx) => {
    const picked: OpContext = {
      ...ctx,
      inputs: picks.map((k) => ctx.inputs[k] ?? { dtype: 0, shape: null }),
      has: (k) => picks[k] !== undefined && ctx.has(picks[k]!),
      value: (k) => (picks[k] === undefined ? undefined : ctx.value(picks[k]!)),
    };
    return rule(picked);
  };
}

/** Swaps the last two dims (FusedMatMul's transA/transB). */
function transposedLast(s: Shape, yes: boolean): Shape {
  if (!s || !yes || s.length < 2) return s;
  return [...s.slice(0, -2), s[s.length - 1]!, s[s.length - 2]!];
}

const fusedMatMul: ShapeRule = (ctx) => {
  const a = transposedLast(ctx.inputs[0]!.shape, attrInt(ctx.node, 'transA', 0) === 1);
  const b = transposedLast(ctx.inputs[1]!.shape, attrInt(ctx.node, 'transB', 0) === 1);
  return { outputs: [t(ctx.inputs[0]!.dtype, matmulShape(a, b))] };
};

/** MatMulNBits: A [..., K] × packed B (N × K, 4-bit) → [..., N]; N is an attribute. */
const matMulNBits: ShapeRule = (ctx) => {
  const a = ctx.inputs[0]!;
  const n = attrInt(ctx.node, 'N', 0);
  return { outputs: [t(a.dtype, a.shape && n > 0 ? [...a.shape.slice(0, -1), n] : null)] };
};

/** Attention: input [B, S, D] with packed QKV weights [D, 3·H] (or qkv_hidden_sizes) → [B, S, H_v]. */
const attention: ShapeRule = (ctx) => {
  const x = ctx.inputs[0]!;
  const w = ctx.inputs[1]!.shape;
  const sizes = attrInts(ctx.node, 'qkv_hidden_sizes');
  const hidden = sizes?.length === 3 ? sizes[2]! : typeof w?.[1] === 'number' ? w[1] / 3 : null;
  return { outputs: [t(x.dtype, x.shape && x.shape.length === 3 ? [x.shape[0]!, x.shape[1]!, hidden] : null)] };
};

/** MultiHeadAttention with 3-D query [B, S, D] and value [B, L, D_v] → [B, S, D_v]. */
const multiHeadAttention: ShapeRule = (ctx) => {
  const q = ctx.inputs[0]!;
  const v = ctx.inputs[2]?.shape;
  const dv = v?.length === 3 ? v[2]! : null;
  return { outputs: [t(q.dtype, q.shape?.length === 3 ? [q.shape[0]!, q.shape[1]!, dv] : null)] };
};

/** SkipLayerNormalization: output, (mean, inv std dev: shapes not needed), input + skip + bias. */
const skipLayerNorm: ShapeRule = (ctx) => {
  const x = ctx.inputs[0]!;
  return { outputs: [x, t(1, null), t(1, null), x] };
};

export const contribRules: Record<string, ShapeRule> = {
  FusedMatMul: fusedMatMul,
  MatMulNBits: matMulNBits,
  Attention: attention,
  MultiHeadAttention: multiHeadAttention,
  SkipLayerNormalization: skipLayerNorm,
  SkipSimplifiedLayerNormalization: skipLayerNorm,
  SimplifiedLayerNormalization: same,
  BiasGelu: same,
  FastGelu: same,
  Gelu: same,
  QuickGelu: same,
  BiasAdd: same,
  BiasSoftmax: same,
  // The com.microsoft Q/DQ pair (opsets < 13 use it) behaves as the standard one.
  QuantizeLinear: computeRules['QuantizeLinear']!,
  DequantizeLinear: computeRules['DequantizeLinear']!,
  QLinearConv: onInputs(computeRules['Conv']!, [0, 3, 8]),
  QLinearMatMul: onInputs(computeRules['MatMul']!, [0, 3]),
};

/** The standard-domain QLinear ops (ai.onnx since opset 10). */
export const qlinearRules: Record<string, ShapeRule> = {
  QLinearConv: contribRules['QLinearConv']!,
  QLinearMatMul: contribRules['QLinearMatMul']!,
};
