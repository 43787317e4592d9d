/**
 * Graph-structure advice: decomposed LayerNorm/GELU the model's opset has no single op for, Cast/Transpose
 * round trips, constant subgraphs left unfolded, and unstructured sparsity that dense kernels ignore.
 */
import { DataType, type NodeProto, type TensorProto } from '../../onnx/types';
import { tensorByteSize, tensorElementCount } from '../../graph/tensorData';
import type { Suggestion } from '../adviceTypes';
import { latencyShare, mib, pct, type AdviceContext } from '../adviceContext';
import { manualAction, optimizeAction } from '../actions';
import { floatWeightNodes } from './quantizeRules';

const nameOf = (n: NodeProto, i: number): string => n.name || `${n.op_type ?? 'node'}_${i}`;

function consumersOf(ctx: AdviceContext, value: string | undefined): NodeProto[] {
  return value ? (ctx.index.consumers.get(value) ?? []).map((i) => ctx.index.nodes[i]!) : [];
}

function producerOf(ctx: AdviceContext, value: string | undefined): NodeProto | undefined {
  const i = value !== undefined ? ctx.index.producer.get(value) : undefined;
  return i === undefined ? undefined : ctx.index.nodes[i];
}

/** Follows single consumers through the given op types in order; returns the chain or undefined. */
function chain(ctx: AdviceContext, from: NodeProto, ops: readonly string[]): NodeProto[] | undefined {
  const out: NodeProto[] = [];
  let cur = from;
  for (const op of ops) {
    const next = consumersOf(ctx, cur.output?.[0]).find((c) => c.op_type === op);
    if (!next) return undefined;
    out.push(next);
    cur = next;
  }
  return out;
}

/** LayerNorm written out: ReduceMean(x) → Sub(x, mean) → Pow → ReduceMean → Add(eps) → Sqrt → Div. */
function layerNormPatterns(ctx: AdviceContext): NodeProto[][] {
  const found: NodeProto[][] = [];
  for (const sub of ctx.index.nodes) {
    if (sub.op_type !== 'Sub') continue;
    const mean = producerOf(ctx, sub.input?.[1]);
    if (mean?.op_type !== 'ReduceMean' || mean.input?.[0] !== sub.input?.[0]) continue;
    const pow = consumersOf(ctx, sub.output?.[0]).find((c) => c.op_type === 'Pow' || c.op_type === 'Mul');
    const rest = pow && chain(ctx, pow, ['ReduceMean', 'Add', 'Sqrt', 'Div']);
    if (rest) found.push([mean, sub, pow, ...rest]);
  }
  return found;
}

/** erf-GELU written out: Div(x, √2) or Mul(x, 1/√2) → Erf → Add(1) → Mul(x) [→ Mul(0.5)]. */
function geluPatterns(ctx: AdviceContext): NodeProto[][] {
  const found: NodeProto[][] = [];
  for (const erf of ctx.index.nodes) {
    if (erf.op_type !== 'Erf') continue;
    const pre = producerOf(ctx, erf.input?.[0]);
    const rest = chain(ctx, erf, ['Add', 'Mul']);
    if (!rest) continue;
    const half = consumersOf(ctx, rest[1]!.output?.[0]).find((c) => c.op_type === 'Mul');
    found.push([
      ...(pre && (pre.op_type === 'Div' || pre.op_type === 'Mul') ? [pre] : []),
      erf,
      ...rest,
      ...(half ? [half] : []),
    ]);
  }
  return found;
}

/** How many nodes of this op type the graph ORT optimized still has (undefined when not given). */
function remaining(ctx: AdviceContext, op: string): number | undefined {
  return ctx.ortOptimized ? (ctx.ortOptimized.graph?.node ?? []).filter((n) => n.op_type === op).length : undefined;
}

export function unfusedPatternRule(ctx: AdviceContext): Suggestion[] {
  const out: Suggestion[] = [];
  const cases = [
    { what: 'LayerNorm', op: 'LayerNormalization', since: 17, marker: 'Sqrt', patterns: layerNormPatterns(ctx) },
    { what: 'GELU', op: 'Gelu', since: 20, marker: 'Erf', patterns: geluPatterns(ctx) },
  ];
  for (const c of cases) {
    if (!c.patterns.length || ctx.opset >= c.since) continue;
    const left = remaining(ctx, c.marker);
    if (left === 0) continue; // onnxruntime fused every instance itself: nothing to gain
    const names = c.patterns.flat().map((n) => nameOf(n, ctx.index.nodes.indexOf(n)));
    const share = latencyShare(ctx, new Set(names));
    out.push({
      rule: 'unfused-pattern',
      title: `${c.patterns.length} decomposed ${c.what} pattern(s) at opset ${ctx.opset}: ${c.op} needs opset ${c.since}`,
      severity: 'suggestion',
      nodes: names,
      evidence: {
        pattern: c.what,
        instances: c.patterns.length,
        opset: ctx.opset,
        opsetWithOp: c.since,
        nodesShare: share.share,
        shareSource: share.source,
        ...(left !== undefined ? { leftAfterOrtOptimization: left } : {}),
      },
      detail: `${c.patterns.length} ${c.what} computation(s) are spelled out in ${c.patterns[0]!.length} elementwise ops each (${pct(share.share)} of the ${share.source === 'profile' ? 'measured time' : 'FLOPs'}); ONNX has ${c.op} only from opset ${c.since}.${left !== undefined ? ` After onnxruntime's own optimization ${left} '${c.marker}' node(s) remain, so it did not fuse them all.` : ' onnxruntime may fuse some at level extended; a trial or profile at level all tells.'}`,
      estimated: {
        latencyFraction: share.share * 0.6,
        bytesSaved: 0,
        memoryBytesSaved: 0,
        basis: `60% of the pattern nodes' time (one fused kernel instead of ${c.patterns[0]!.length} passes over memory)`,
      },
      confidence: left !== undefined ? 'medium' : 'low',
      action: manualAction(
        `re-export the model at opset ≥ ${c.since} (e.g. torch.onnx.export(..., opset_version=${c.since})) so the exporter writes ${c.op}`,
      ),
    });
  }
  return out;
}

/** Transpose→Transpose and Cast→Cast pairs: data moved or converted twice for nothing. */
export function castTransposeChurnRule(ctx: AdviceContext): Suggestion[] {
  const pairs: NodeProto[][] = [];
  for (const n of ctx.index.nodes) {
    if (n.op_type !== 'Cast' && n.op_type !== 'Transpose') continue;
    for (const c of consumersOf(ctx, n.output?.[0])) if (c.op_type === n.op_type) pairs.push([n, c]);
  }
  const all = ctx.index.nodes
    .map((n, i) => ({ n, name: nameOf(n, i) }))
    .filter(({ n }) => n.op_type === 'Cast' || n.op_type === 'Transpose');
  const share = latencyShare(ctx, new Set(all.map((a) => a.name)));
  if (pairs.length < 2 && !(share.source === 'profile' && share.share >= 0.1)) return [];
  const pairNames = [...new Set(pairs.flat())].map((n) => nameOf(n, ctx.index.nodes.indexOf(n)));
  return [
    {
      rule: 'cast-transpose-churn',
      title: `Cast/Transpose churn: ${pairs.length} back-to-back pair(s)`,
      severity: 'suggestion',
      nodes: pairNames.length ? pairNames : all.map((a) => a.name),
      evidence: {
        pairs: pairs.length,
        castNodes: all.filter((a) => a.n.op_type === 'Cast').length,
        transposeNodes: all.filter((a) => a.n.op_type === 'Transpose').length,
        share: share.share,
        shareSource: share.source,
      },
      detail: `${pairs.length} Cast→Cast or Transpose→Transpose pair(s) convert or move the same data twice; Cast and Transpose take ${pct(share.share)} of the ${share.source === 'profile' ? 'measured time' : 'FLOPs'}. onnxruntime cancels inverse Transpose pairs at level basic, but not precision round trips (f32→f16→f32 changes values). Simplify removes same-type Casts; fix the rest in the exporter.`,
      estimated: {
        latencyFraction: share.share * 0.5,
        bytesSaved: 0,
        memoryBytesSaved: 0,
        basis: 'half of the Cast/Transpose time',
      },
      confidence: 'low',
      action: optimizeAction({ simplify: true }),
    },
  ];
}

/** Nodes whose every input is a constant: their output is a constant, computed again on every load. */
export function constantSubgraphRule(ctx: AdviceContext): Suggestion[] {
  const foldable: { n: NodeProto; name: string }[] = [];
  ctx.index.nodes.forEach((n, i) => {
    if (n.op_type === 'Constant' || n.op_type === 'Identity' || !(n.input ?? []).length) return;
    if ((n.input ?? []).every((x) => !x || ctx.index.constants.has(x))) foldable.push({ n, name: nameOf(n, i) });
  });
  if (!foldable.length) return [];
  const share = latencyShare(ctx, new Set(foldable.map((f) => f.name)));
  const inBytes = new Map<string, number>();
  for (const f of foldable)
    for (const x of f.n.input ?? []) {
      const t = x ? ctx.index.constants.get(x) : undefined;
      if (t) inBytes.set(x, tensorByteSize(t));
    }
  return [
    {
      rule: 'constant-subgraph',
      title: `${foldable.length} node(s) compute constants: fold them (simplify)`,
      severity: 'suggestion',
      nodes: foldable.map((f) => f.name),
      evidence: {
        foldableNodes: foldable.length,
        ops: [...new Set(foldable.map((f) => f.n.op_type))].join(', '),
        constantInputBytes: [...inBytes.values()].reduce((a, b) => a + b, 0),
        share: share.share,
        shareSource: share.source,
      },
      detail: `${foldable.length} node(s) (${[...new Set(foldable.map((f) => f.n.op_type))].join(', ')}) read only constants. onnxruntime folds them when it loads the model (level basic and above), so the run-time gain is small unless optimizations are off; folding them in the file makes it leaner, loads faster and lets other tools see the real weights.`,
      estimated: {
        latencyFraction: share.source === 'profile' ? share.share : 0,
        bytesSaved: 0,
        memoryBytesSaved: 0,
        basis:
          share.source === 'profile'
            ? 'their measured time share'
            : 'none claimed: onnxruntime folds them at load time',
      },
      confidence: 'medium',
      action: optimizeAction({ simplify: true }),
    },
  ];
}

/** Exact zeros (and −0) in a float32 tensor, without copying it. */
export function countZeros(t: TensorProto): number {
  let zeros = 0;
  if (t.raw_data && t.raw_data.length) {
    const dv = new DataView(t.raw_data.buffer, t.raw_data.byteOffset, t.raw_data.byteLength);
    for (let i = 0; i + 4 <= dv.byteLength; i += 4) if ((dv.getUint32(i, true) & 0x7fffffff) === 0) zeros++;
  } else {
    const f = t.float_data ?? [];
    for (let i = 0; i < f.length; i++) if (f[i] === 0) zeros++;
  }
  return zeros;
}

/** Unstructured zeros: dense CPU kernels multiply them anyway (DESIGN.md: 50% sparsity ran no faster). */
export function unusedSparsityRule(ctx: AdviceContext): Suggestion[] {
  const seen = new Set<string>();
  let total = 0;
  let zeros = 0;
  const sparse: string[] = [];
  for (const w of floatWeightNodes(ctx)) {
    if (w.op === 'Gather' || seen.has(w.weight)) continue;
    seen.add(w.weight);
    const t = ctx.index.constants.get(w.weight)!;
    if (t.data_type !== DataType.FLOAT) continue;
    const n = tensorElementCount(t);
    const z = countZeros(t);
    total += n;
    zeros += z;
    if (n >= 256 && z / n >= 0.3) sparse.push(w.name);
  }
  if (total < 1024 || zeros / total < 0.3) return [];
  return [
    {
      rule: 'unused-sparsity',
      title: `${pct(zeros / total)} of the weights are zero, but dense CPU kernels ignore that`,
      severity: 'note',
      nodes: sparse,
      evidence: { zeroWeights: zeros, weights: total, sparsity: zeros / total },
      detail: `${zeros} of ${total} weights (${pct(zeros / total)}) are exactly zero, unstructured. onnxruntime's CPU kernels are dense: they multiply the zeros like any other value, so this buys no speed (measured here: 50% sparsity, no faster) — only a smaller compressed download (${mib(zeros * 4)} of zeros). For speed, prune structurally (whole channels: --prune structured:RATIO) or quantize.`,
      estimated: {
        latencyFraction: 0,
        bytesSaved: 0,
        memoryBytesSaved: 0,
        basis: 'none: an honest note, not a speed-up',
      },
      confidence: 'high',
      action: manualAction(
        'prune structurally (onnx-tuner optimize MODEL --prune structured:0.3) or quantize; unstructured zeros stay dense',
      ),
    },
  ];
}
