/**
 * Static cost model over a shape-inferred model: per node MACs/FLOPs, parameter bytes (constants the node
 * reads), output activation bytes; model totals; and a peak-memory estimate from tensor liveness in
 * topological order (each activation is alive from its producer until its last consumer; graph inputs and
 * outputs stay alive; weights are counted apart). Subgraph nodes are costed too: an If counts its costlier
 * branch, a Loop/Scan body is counted once (its trip count is data-dependent).
 */
import { attrInt, attrInts } from './attributes';
import { dtypeBytes } from '../onnx/dtypes';
import type { NodeProto, TensorProto } from '../onnx/types';
import { numel, type Shape } from './dims';
import { opCost } from './opCost';
import type { GraphShapes, ShapeInference } from './shapeInference';
import { tensorByteSize, tensorElementCount, tensorNumbers } from './tensorData';

export interface NodeCost {
  readonly name: string;
  readonly op: string;
  /** '' for the main graph; e.g. 'If_0/then_branch' inside subgraphs. */
  readonly graphPath: string;
  readonly macs: number | null;
  readonly flops: number | null;
  /** Bytes of constant inputs (weights) the node reads. */
  readonly paramBytes: number;
  /** Bytes of the node's outputs; null when a shape is unknown. */
  readonly outputBytes: number | null;
  readonly outputShapes: readonly Shape[];
}

export interface PeakMemory {
  /** Largest sum of live activation bytes at any point of the main graph's topological order. */
  readonly activationBytes: number;
  /** The node after whose outputs were allocated the peak was reached. */
  readonly atNode: string;
  /** Weights plus the activation peak: an estimate of the runtime's working set for one inference. */
  readonly totalBytes: number;
  /** Number of values with unknown size (counted as 0): the estimate is a lower bound when > 0. */
  readonly unknownSizes: number;
}

export interface CostSummary {
  readonly nodes: readonly NodeCost[];
  readonly totals: {
    readonly macs: number;
    readonly flops: number;
    /** Unique constant tensors over all graphs (initializers and Constant nodes, each counted once). */
    readonly paramBytes: number;
    readonly paramCount: number;
    readonly paramBytesByDtype: Readonly<Record<number, { count: number; bytes: number }>>;
    /** Nodes whose cost could not be computed (unknown shapes): totals are lower bounds when > 0. */
    readonly unknownCostNodes: number;
    /** How much of the model the totals cover: "cost known for N of M nodes (X% of the parameters)". */
    readonly coverage: CostCoverage;
  };
  readonly peak: PeakMemory;
}

export interface CostCoverage {
  readonly nodes: number;
  readonly knownNodes: number;
  /** Share of the parameter bytes that nodes of known cost read (1 when the model has no parameters). */
  readonly paramShare: number;
}

/** "cost known for 670 of 672 nodes (99.8% of the parameters)". */
export function formatCoverage(c: CostCoverage): string {
  const pct = (100 * c.paramShare).toFixed(c.paramShare === 1 || c.paramShare === 0 ? 0 : 1);
  return `cost known for ${c.knownNodes} of ${c.nodes} nodes (${pct}% of the parameters)`;
}

/** A Loop's trip count when it is a constant (input M), else undefined: its body then counts once. */
function loopTrips(g: GraphShapes, node: NodeProto): number | undefined {
  let m: number | undefined;
  if (node.op_type === 'Loop' && node.input?.[0]) {
    const t = g.index.constants.get(node.input[0]);
    const v = t ? tensorNumbers(t, 1)?.[0] : g.values.get(node.input[0])?.[0];
    m = typeof v === 'number' ? v : undefined;
  } else if (node.op_type === 'Scan') m = scanTrips(g, node);
  // A huge M (exporters write INT64_MAX for "until the condition") is not a trip count.
  return m !== undefined && Number.isSafeInteger(m) && m >= 0 && m <= 1e6 ? m : undefined;
}

/** Scan (opset ≥ 9) runs its body once per slice of its first scan input along that input's scan axis. */
function scanTrips(g: GraphShapes, node: NodeProto): number | undefined {
  const inputs = node.input ?? [];
  const scanned = attrInt(node, 'num_scan_inputs', 0);
  const first = inputs[inputs.length - scanned];
  const shape = scanned > 0 && first ? g.types.get(first)?.shape : undefined;
  if (!shape) return undefined;
  const axis = attrInts(node, 'scan_input_axes')?.[0] ?? 0;
  const d = shape[axis < 0 ? axis + shape.length : axis];
  return typeof d === 'number' ? d : undefined;
}

function valueBytes(g: GraphShapes, name: string): number | null {
  const t = g.types.get(name);
  const n = t ? numel(t.shape) : null;
  return n === null || !t ? null : dtypeBytes(t.dtype, n);
}

interface Acc {
  nodes: NodeCost[];
  unknown: number;
}

/** Costs the nodes of one graph; returns its (macs, flops) total, counting If as its costlier branch. */
function costGraph(g: GraphShapes, path: string, acc: Acc): { macs: number; flops: number } {
  let macs = 0;
  let flops = 0;
  for (const i of g.index.order) {
    const node = g.index.nodes[i]!;
    const inShapes = (node.input ?? []).map((n) => (n ? (g.types.get(n)?.shape ?? null) : null));
    const outShapes = (node.output ?? []).map((n) => (n ? (g.types.get(n)?.shape ?? null) : null));
    const c = opCost(node, inShapes, outShapes);
    let paramBytes = 0;
    for (const n of node.input ?? []) {
      const t = n ? g.index.constants.get(n) : undefined;
      if (t) paramBytes += tensorByteSize(t);
    }
    let outputBytes: number | null = 0;
    for (const o of node.output ?? []) {
      if (!o) continue;
      const b = valueBytes(g, o);
      outputBytes = b === null || outputBytes === null ? null : outputBytes + b;
    }
    // Weights, not activations: a Constant, or an Identity alias of a weight (tied weights are one tensor).
    if (node.op_type === 'Constant' || (node.output ?? []).every((o) => !o || g.index.constants.has(o)))
      outputBytes = 0;
    const name = node.name || `${node.op_type ?? 'node'}_${i}`;
    acc.nodes.push({
      name,
      op: node.op_type ?? '',
      graphPath: path,
      macs: c.macs,
      flops: c.flops,
      paramBytes,
      outputBytes,
      outputShapes: outShapes,
    });
    if (c.flops === null) acc.unknown++;
    macs += c.macs ?? 0;
    flops += c.flops ?? 0;
    const subs = g.subgraphs.get(node);
    if (subs) {
      const branchTotals = subs.map((s) =>
        costGraph(s, `${path ? `${path}/` : ''}${name}/${s.index.graph.name || 'body'}`, acc),
      );
      // If: the branch its known condition takes, else the costlier one; Loop: its body times a known trip
      // count, Scan: times the length of its scan axis (once when the count is unknown).
      const taken = g.selected.get(node);
      const worst =
        taken !== undefined
          ? branchTotals[taken]!
          : branchTotals.reduce((a, b) => (b.flops > a.flops ? b : a), { macs: 0, flops: 0 });
      const trips = loopTrips(g, node) ?? 1;
      macs += worst.macs * trips;
      flops += worst.flops * trips;
    }
  }
  return { macs, flops };
}

/** Liveness walk over one graph (see module comment). Subgraph peaks are added while their node runs. */
function peakOf(g: GraphShapes): PeakMemory {
  const { index } = g;
  const lastUse = new Map<string, number>();
  index.order.forEach((nodeIdx, step) => {
    for (const n of index.nodes[nodeIdx]!.input ?? []) if (n) lastUse.set(n, step);
  });
  let unknownSizes = 0;
  const size = (name: string): number => {
    const b = valueBytes(g, name);
    if (b === null) unknownSizes++;
    return b ?? 0;
  };
  let live = 0;
  for (const n of index.graphInputs) if (!index.initializers.has(n)) live += size(n);
  let peak = live;
  let atNode = '(inputs)';
  index.order.forEach((nodeIdx, step) => {
    const node = index.nodes[nodeIdx]!;
    if (node.op_type === 'Constant') return;
    const subPeak = Math.max(0, ...(g.subgraphs.get(node) ?? []).map((s) => peakOf(s).activationBytes));
    for (const o of node.output ?? []) if (o && !index.constants.has(o)) live += size(o); // aliases of weights are weights
    if (live + subPeak > peak) {
      peak = live + subPeak;
      atNode = node.name || `${node.op_type ?? 'node'}_${nodeIdx}`;
    }
    const freed = new Set<string>();
    for (const n of [...(node.input ?? []), ...(node.output ?? [])]) {
      if (!n || freed.has(n) || index.graphOutputs.has(n) || index.graphInputs.has(n) || index.constants.has(n))
        continue;
      if (!index.producer.has(n)) continue; // outer-scope names are owned by the enclosing graph
      if ((lastUse.get(n) ?? -1) <= step) {
        freed.add(n);
        live -= valueBytes(g, n) ?? 0;
      }
    }
  });
  return { activationBytes: peak, atNode, totalBytes: peak, unknownSizes };
}

function uniqueConstants(g: GraphShapes, seen: Set<TensorProto>): void {
  for (const t of g.index.initializers.values()) seen.add(t);
  for (const [name, t] of g.index.constants) if (g.index.producer.has(name) && nodeIsConstant(g, name)) seen.add(t);
  for (const subs of g.subgraphs.values()) for (const s of subs) uniqueConstants(s, seen);
}

function nodeIsConstant(g: GraphShapes, name: string): boolean {
  const n: NodeProto | undefined = g.index.nodes[g.index.producer.get(name)!];
  return n?.op_type === 'Constant';
}

/**
 * Each node's cost alone (main graph and bodies), without the totals and the memory peak: what the graph view
 * shows per node, for a third less work than costModel on a big graph.
 */
export function nodeCosts(shapes: ShapeInference): NodeCost[] {
  const acc: Acc = { nodes: [], unknown: 0 };
  costGraph(shapes.main, '', acc);
  return acc.nodes;
}

export function costModel(shapes: ShapeInference): CostSummary {
  const acc: Acc = { nodes: [], unknown: 0 };
  const { macs, flops } = costGraph(shapes.main, '', acc);
  const tensors = new Set<TensorProto>();
  uniqueConstants(shapes.main, tensors);
  let paramBytes = 0;
  let paramCount = 0;
  const byDtype: Record<number, { count: number; bytes: number }> = {};
  for (const t of tensors) {
    const bytes = tensorByteSize(t);
    const count = tensorElementCount(t);
    paramBytes += bytes;
    paramCount += count;
    const e = (byDtype[t.data_type ?? 0] ??= { count: 0, bytes: 0 });
    e.count += count;
    e.bytes += bytes;
  }
  const p = peakOf(shapes.main);
  let readByNodes = 0;
  let readByKnown = 0;
  for (const n of acc.nodes) {
    readByNodes += n.paramBytes;
    if (n.flops !== null) readByKnown += n.paramBytes;
  }
  const coverage: CostCoverage = {
    nodes: acc.nodes.length,
    knownNodes: acc.nodes.length - acc.unknown,
    paramShare: readByNodes > 0 ? readByKnown / readByNodes : 1,
  };
  return {
    nodes: acc.nodes,
    totals: {
      macs,
      flops,
      paramBytes,
      paramCount,
      paramBytesByDtype: byDtype,
      unknownCostNodes: acc.unknown,
      coverage,
    },
    peak: { ...p, totalBytes: p.activationBytes + paramBytes },
  };
}
