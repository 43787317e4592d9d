/**
 * Memory and shape advice: where the activation peak is and which symbolic dims drive it, and which
 * dynamic input dims keep ORT from folding shape computations (fix them for the deployment shape).
 */
import type { Suggestion } from '../adviceTypes';
import { latencyShare, mib, pct, type AdviceContext } from '../adviceContext';
import { manualAction, optimizeAction, runtimeAction } from '../actions';

/**
 * A few nodes with huge activations: the largest output is ≥ 1 MiB and ≥ 8× the median node output. The
 * symbols in the same node's shape without user dims (e.g. [batch, seq, seq]) say what scales it.
 */
export function activationPeakRule(ctx: AdviceContext): Suggestion[] {
  const nodes = ctx.cost.nodes.filter((n) => n.graphPath === '' && (n.outputBytes ?? 0) > 0);
  if (nodes.length < 3) return [];
  const sizes = nodes.map((n) => n.outputBytes!).sort((a, b) => a - b);
  const median = sizes[Math.floor((sizes.length - 1) / 2)]!; // the lower median: a few huge ones must not set it
  const big = nodes
    .filter((n) => n.outputBytes! >= 2 ** 20 && n.outputBytes! >= 8 * median)
    .sort((a, b) => b.outputBytes! - a.outputBytes!)
    .slice(0, 5);
  if (!big.length) return [];
  const symbolic = new Map(ctx.symbolicCost.nodes.filter((n) => n.graphPath === '').map((n) => [n.name, n]));
  const drivers = new Set<string>();
  const shapes: string[] = [];
  for (const n of big) {
    const s = symbolic.get(n.name)?.outputShapes[0];
    for (const d of s ?? []) if (typeof d === 'string') drivers.add(d);
    shapes.push(`${n.name} [${(s ?? n.outputShapes[0] ?? []).map((d) => d ?? '?').join('×')}]`);
  }
  // Each symbol that appears k times in the largest shape scales it k-fold (seq² for attention scores).
  const top = symbolic.get(big[0]!.name)?.outputShapes[0] ?? [];
  const power = (sym: string): number => top.filter((d) => d === sym).length;
  const peak = ctx.cost.peak;
  const bigBytes = big.reduce((a, n) => a + n.outputBytes!, 0);
  return [
    {
      rule: 'activation-peak',
      title: `Activation memory: the ${big.length} largest output(s) total ${mib(bigBytes)}`,
      severity: 'note',
      nodes: big.map((n) => n.name),
      evidence: {
        peakActivationBytes: peak.activationBytes,
        peakAtNode: peak.atNode,
        largestOutputBytes: big[0]!.outputBytes!,
        medianOutputBytes: median,
        drivingDims: [...drivers].map((d) => (power(d) > 1 ? `${d}^${power(d)}` : d)).join(', ') || 'none (static)',
      },
      detail: `The activation peak (${mib(peak.activationBytes)}) is reached at ${peak.atNode}. The largest outputs: ${shapes.join('; ')}${drivers.size ? `; they scale with ${[...drivers].map((d) => (power(d) > 1 ? `${d} (to the power ${power(d)})` : d)).join(', ')}: cap those dims (or batch smaller) to bound memory` : ''}.`,
      estimated: {
        latencyFraction: 0,
        bytesSaved: 0,
        memoryBytesSaved: Math.round(bigBytes / 2),
        basis: 'half the bytes of the largest outputs, if their driving dim is halved',
      },
      confidence: 'low',
      action: manualAction(
        drivers.size
          ? `bound ${[...drivers].join(', ')} at deployment (smaller batch, shorter sequences or tiles), or split the largest ops`
          : 'the shapes are static: split the largest ops or feed smaller inputs',
      ),
    },
  ];
}

const SHAPE_OPS = new Set(['Shape', 'Size', 'Gather', 'Unsqueeze', 'Squeeze', 'Concat', 'Slice', 'ConstantOfShape']);

/**
 * Symbolic input dims: with them open, ORT keeps the Shape → Gather → Concat → Reshape chains as run-time
 * work and picks kernels without knowing sizes. Fixing them (free-dimension overrides, or simplify with
 * dims) folds those chains. Counted here: Shape/Size nodes that read a value with a symbolic dim.
 */
export function dynamicDimsRule(ctx: AdviceContext): Suggestion[] {
  const symbols = new Set<string>();
  const unnamed: string[] = [];
  for (const v of ctx.model.graph?.input ?? []) {
    if (ctx.index.initializers.has(v.name ?? '')) continue;
    for (const d of v.type?.tensor_type?.shape?.dim ?? []) {
      if (d.dim_param) symbols.add(d.dim_param);
      else if (d.dim_value === undefined) unnamed.push(v.name ?? '');
    }
  }
  if (!symbols.size && !unnamed.length) return [];
  const open = [...symbols].filter((s) => ctx.assumedDims.includes(s));
  const symbolicTypes = ctx.symbolicCost.nodes;
  const shapeNodes = ctx.index.nodes
    .map((n, i) => ({ n, name: n.name || `${n.op_type ?? 'node'}_${i}` }))
    .filter(({ n }) => n.op_type === 'Shape' || n.op_type === 'Size');
  const shapeChain = new Set(
    ctx.index.nodes
      .map((n, i) => ({ n, name: n.name || `${n.op_type ?? 'node'}_${i}` }))
      .filter(({ n }) => SHAPE_OPS.has(n.op_type ?? ''))
      .map(({ name }) => name),
  );
  const share = latencyShare(ctx, shapeChain);
  const fixed: Record<string, number> = {};
  for (const s of symbols) fixed[s] = ctx.effectiveDims[s] ?? 1;
  return [
    {
      rule: 'dynamic-dims',
      title: `Fix dynamic input dims for the deployment shape (${[...symbols].join(', ') || 'unnamed dims'})`,
      severity: 'suggestion',
      nodes: shapeNodes.map((s) => s.name),
      evidence: {
        symbolicDims: [...symbols].join(', '),
        unnamedDimInputs: unnamed.join(', '),
        openWithoutValue: open.join(', '),
        shapeNodes: shapeNodes.length,
        shapeChainShare: share.share,
        symbolicCostNodes: symbolicTypes.filter((n) => n.flops === null).length,
      },
      detail: `Inputs have dynamic dims; ${shapeNodes.length} Shape/Size node(s) compute sizes at run time and shape-related ops take ${pct(share.share)} of the ${share.source === 'profile' ? 'measured time' : 'FLOPs'}. Give ORT the deployment values (free-dimension overrides${open.length ? `; no value given yet for ${open.join(', ')}: ${open.map((d) => `${d}=${ctx.effectiveDims[d] ?? '?'}`).join(', ')} assumed` : ''}) or simplify with --dims to fold the shape chains into constants.`,
      estimated: {
        latencyFraction: Math.max(share.share * 0.5, shapeNodes.length ? 0.01 : 0),
        bytesSaved: 0,
        memoryBytesSaved: 0,
        basis: 'half the time of shape-computation ops (they fold away), at least 1% when Shape nodes exist',
      },
      confidence: 'low',
      action: !symbols.size
        ? manualAction(
            `the dynamic dims of ${unnamed.join(', ')} have no name: pass full shapes (--shape) or re-export with fixed dims`,
          )
        : shapeNodes.length
          ? optimizeAction({ simplify: true, dims: fixed })
          : runtimeAction({ dims: fixed }),
    },
  ];
}
