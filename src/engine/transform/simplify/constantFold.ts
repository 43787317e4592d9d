/**
 * Constant folding: nodes whose inputs are all constants are evaluated once and replaced by initializers.
 * Evaluation uses onnxruntime-node itself, so every op it supports folds exactly as it would run: the
 * constant sub-graph of one graph becomes a small model (its constants as initializers, its needed values
 * as outputs), which runs once. Shape/Size of values whose shape is fully known (after the user fixed the
 * symbolic dims) fold without running anything.
 *
 * Not folded: non-deterministic ops (Random*, Multinomial, Bernoulli), Quantize/DequantizeLinear (folding a
 * DequantizeLinear of a weight would undo the quantization, as ORT's own folding also avoids), ops in other
 * domains, ops holding subgraphs, and results more than `maxGrowthBytes` larger than their inputs (a
 * ConstantOfShape or Expand of a small shape can make a huge tensor that belongs at run time).
 */
import * as ort from 'onnxruntime-node';
import { attrInt } from '../../graph/attributes';
import { declaredElements, MAX_TENSOR_ELEMENTS, type ValueType } from '../../graph/dims';
import type { Lookup } from '../../graph/scope';
import { tensorByteSize } from '../../graph/tensorData';
import { dtypeBytes } from '../../onnx/dtypes';
import { int64ToNumber } from '../../onnx/int64';
import type { GraphProto, ModelProto, NodeProto, TensorProto } from '../../onnx/types';
import { subgraphsOf } from '../../onnx/walk';
import { modelToBuffer } from '../../onnx/writeModel';
import { toSessionOptions } from '../../runtime/sessionOptions';
import { nodeLabel, type TransformChange } from '../common/changes';
import { int64Tensor, rawTensor } from '../common/weights';
import { outerReads, ownBytes } from './graphEdit';
import { isDefaultDomain as isDefault } from './fusionIndex';

const NOT_FOLDED = new Set([
  'RandomNormal',
  'RandomUniform',
  'RandomNormalLike',
  'RandomUniformLike',
  'Multinomial',
  'Bernoulli',
  'QuantizeLinear',
  'DequantizeLinear',
  'DynamicQuantizeLinear',
  'Constant',
]);

/** onnxruntime-node tensor type names → TensorProto.DataType (strings are never folded). */
const ORT_DTYPES: Record<string, number> = {
  float32: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  float64: 11,
  uint32: 12,
  uint64: 13,
};

export interface FoldContext {
  readonly model: ModelProto;
  /** Largest allowed growth of one folded value over the bytes of the constants it is computed from. */
  readonly maxGrowthBytes: number;
  readonly changes: TransformChange[];
  /** Nodes that failed to evaluate or gave results too large to keep. */
  readonly unfoldable: Set<NodeProto>;
}

/** Shape and Size of values with a fully known shape → int64 initializers (ONNX Shape-15 start/end). */
/** Ops whose output can be far larger than their inputs (shape-driven or broadcasting). */
const GROWING_OPS = new Set(
  'ConstantOfShape Expand Tile Range Pad Resize Upsample OneHot MatMul Gemm Einsum Add Sub Mul Div Pow Where Max Min Mean Sum And Or Xor Equal Greater Less GreaterOrEqual LessOrEqual BitShift Mod PRelu ConvTranspose DepthToSpace NonZero Col2Im CenterCropPad'.split(
    ' ',
  ),
);

export function foldKnownShapes(g: GraphProto, types: Lookup<ValueType>, changes: TransformChange[]): number {
  let folded = 0;
  const kept: NodeProto[] = [];
  (g.node ?? []).forEach((n, i) => {
    const inp = n.input?.[0];
    const out = n.output?.[0];
    const shape = inp ? types.get(inp)?.shape : null;
    const known = shape && shape.every((d): d is number => typeof d === 'number') ? shape : null;
    if (!isDefault(n) || !out || !known || (n.op_type !== 'Shape' && n.op_type !== 'Size')) {
      kept.push(n);
      return;
    }
    let t: TensorProto;
    if (n.op_type === 'Size') t = int64Tensor(out, [], [known.reduce((a, b) => a * b, 1)]);
    else {
      const r = known.length;
      const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
      const start = clamp(attrInt(n, 'start', 0));
      const end = clamp(attrInt(n, 'end', r));
      const dims = known.slice(start, Math.max(start, end));
      t = int64Tensor(out, [dims.length], dims);
    }
    (g.initializer ??= []).push(t);
    changes.push({ kind: 'replaced', node: nodeLabel(n, i), detail: `${n.op_type} of a known shape folded` });
    folded++;
  });
  if (folded) g.node = kept;
  return folded;
}

function tensorFromOrt(name: string, t: ort.Tensor): TensorProto | undefined {
  const dtype = ORT_DTYPES[t.type];
  if (dtype === undefined) return undefined;
  return rawTensor(name, [...t.dims], dtype, ownBytes(t.data as ArrayBufferView));
}

/** Runs the nodes (in order) over the given constants and returns the requested values. */
async function evaluate(
  ctx: FoldContext,
  nodes: readonly NodeProto[],
  inits: readonly TensorProto[],
  wanted: readonly string[],
): Promise<Map<string, TensorProto | undefined>> {
  const ir = int64ToNumber(ctx.model.ir_version ?? 7);
  const mini: ModelProto = {
    ir_version: Math.max(ir, 4),
    opset_import: ctx.model.opset_import ?? [],
    graph: {
      name: 'fold',
      node: [...nodes],
      initializer: [...inits],
      input: [],
      output: wanted.map((name) => ({ name })),
    },
  };
  const session = await ort.InferenceSession.create(
    modelToBuffer(mini),
    // Failures are expected here (they become 'skipped' changes), so ORT's own error log stays quiet.
    { ...toSessionOptions({ optimizationLevel: 'disabled', intraOpThreads: 1 }), logSeverityLevel: 4 },
  );
  try {
    const out = await session.run({});
    return new Map(wanted.map((w) => [w, out[w] ? tensorFromOrt(w, out[w]) : undefined]));
  } finally {
    await session.release();
  }
}

/** Folds the constant nodes of one graph; `outer` resolves constants of enclosing graphs. */
export async function foldConstants(
  g: GraphProto,
  outer: Lookup<TensorProto>,
  types: Lookup<ValueType> | undefined,
  ctx: FoldContext,
): Promise<number> {
  const nodes = g.node ?? [];
  const graphInputs = new Set((g.input ?? []).map((v) => v.name ?? ''));
  // An initializer that is also a graph input is a default the caller may override: not a constant.
  const local = new Map<string, TensorProto>();
  for (const t of g.initializer ?? []) if (t.name && !graphInputs.has(t.name)) local.set(t.name, t);
  // Tensors in external data files are not folded: the evaluation model is built in memory.
  const constant = (name: string): TensorProto | undefined => {
    const t = local.get(name) ?? (graphInputs.has(name) ? undefined : outer.get(name));
    return t && t.data_location !== 1 ? t : undefined;
  };

  const bytesOf = (name: string): number => {
    const t = constant(name);
    if (t) return tensorByteSize(t);
    const vt = types?.get(name);
    const n = vt ? declaredElements(vt.shape) : null;
    if (n === null) return -1;
    // Declared past the size limit: never evaluated (that would be the allocation the file asks for).
    return n > MAX_TENSOR_ELEMENTS ? Infinity : dtypeBytes(vt!.dtype, n);
  };
  /**
   * A folding "bomb" hides a huge value behind an op whose output size inference cannot see (a
   * ConstantOfShape, Expand or Tile fed by a computed shape, then Abs): ops that can produce more bytes than
   * they read are folded only when their output size is known.
   */
  const unboundedGrowth = (n: NodeProto): boolean =>
    GROWING_OPS.has(n.op_type ?? '') && (n.output ?? []).some((o) => o && bytesOf(o) < 0);

  // Nodes found unfoldable stay excluded for the rest of this simplify run (later rounds too).
  const excluded = ctx.unfoldable;
  for (let attempt = 0; attempt < 16; attempt++) {
    // Nodes in graph order are topologically sorted in valid ONNX; a node folds when all inputs are constant
    // or come from nodes that fold.
    const folding = new Set<NodeProto>();
    const produced = new Set<string>();
    for (const n of nodes) {
      const ins = (n.input ?? []).filter(Boolean);
      if (!isDefault(n) || NOT_FOLDED.has(n.op_type ?? '') || subgraphsOf(n).length || ins.length === 0) continue;
      if (excluded.has(n) || !ins.every((i) => produced.has(i) || constant(i))) continue;
      const inBytes = ins.reduce((s, i) => s + Math.max(0, bytesOf(i)), 0);
      if ((n.output ?? []).some((o) => bytesOf(o) > inBytes + ctx.maxGrowthBytes)) continue;
      if (unboundedGrowth(n)) {
        excluded.add(n);
        ctx.changes.push({
          kind: 'skipped',
          node: nodeLabel(n, nodes.indexOf(n)),
          detail: 'not folded: its output size is unknown and this op can produce far more data than it reads',
        });
        continue;
      }
      folding.add(n);
      for (const o of n.output ?? []) if (o) produced.add(o);
    }
    if (folding.size === 0) return 0;

    const readers = new Set<string>((g.output ?? []).map((v) => v.name ?? ''));
    for (const n of nodes) {
      if (!folding.has(n)) for (const i of n.input ?? []) readers.add(i);
      for (const sub of subgraphsOf(n)) for (const r of outerReads(sub)) readers.add(r);
    }
    const wanted = [...produced].filter((p) => readers.has(p));
    const inits = new Map<string, TensorProto>();
    for (const n of folding)
      for (const i of n.input ?? []) {
        const t = i && !produced.has(i) ? constant(i) : undefined;
        if (t) inits.set(i, t.name === i ? t : { ...t, name: i });
      }

    let values: Map<string, TensorProto | undefined>;
    try {
      values = await evaluate(ctx, [...folding], [...inits.values()], wanted);
    } catch (e) {
      // One op the runtime cannot evaluate (e.g. an old-opset corner case) must not stop the others: find
      // the first node that fails on its own and leave it (and what depends on it) unfolded.
      const bad = await firstFailing(ctx, [...folding], constant);
      if (!bad) throw e;
      excluded.add(bad);
      ctx.changes.push({
        kind: 'skipped',
        node: nodeLabel(bad, nodes.indexOf(bad)),
        detail: `not folded: onnxruntime could not evaluate it (${String((e as Error).message).split('\n')[0]})`,
      });
      continue;
    }
    // Values that came back as strings or grew too much stay computed at run time.
    const rejected = wanted.filter((w) => {
      const t = values.get(w);
      return !t || tensorByteSize(t) > ctx.maxGrowthBytes + inputsBytesFor(w, folding, constant);
    });
    if (rejected.length) {
      const producers = nodes.filter((n) => folding.has(n) && (n.output ?? []).some((o) => rejected.includes(o)));
      for (const p of producers) excluded.add(p);
      continue;
    }
    for (const w of wanted) (g.initializer ??= []).push(values.get(w)!);
    g.node = nodes.filter((n) => !folding.has(n));
    ctx.changes.push({
      kind: 'replaced',
      node: g.name,
      detail: `constant folding: ${folding.size} node(s) evaluated into ${wanted.length} initializer(s)`,
    });
    return folding.size;
  }
  return 0;
}

/** Bytes of the constants (outside the folded set) that the producer of `value` reads directly. */
function inputsBytesFor(
  value: string,
  folding: Set<NodeProto>,
  constant: (n: string) => TensorProto | undefined,
): number {
  for (const n of folding)
    if ((n.output ?? []).includes(value))
      return (n.input ?? []).reduce((s, i) => {
        const t = i ? constant(i) : undefined;
        return s + (t ? tensorByteSize(t) : 0);
      }, 0);
  return 0;
}

async function firstFailing(
  ctx: FoldContext,
  folding: readonly NodeProto[],
  constant: (n: string) => TensorProto | undefined,
): Promise<NodeProto | undefined> {
  const known = new Map<string, TensorProto>();
  for (const n of folding) {
    const inits = (n.input ?? [])
      .filter(Boolean)
      .map((i) => known.get(i) ?? constant(i))
      .filter((t): t is TensorProto => !!t);
    const outs = (n.output ?? []).filter(Boolean);
    try {
      const v = await evaluate(ctx, [n], inits, outs);
      for (const [k, t] of v) if (t) known.set(k, t);
      if (outs.some((o) => !v.get(o))) return n;
    } catch {
      return n;
    }
  }
  return undefined;
}
