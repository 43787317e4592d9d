/**
 * Per-node statistics over the measured runs: each node's self time summed within a run (a node inside a
 * Loop body runs several times per run), then mean/p50/p90 over runs. Runs where a node did not run (an If
 * branch not taken) count as 0 ms, so shares stay fractions of the whole run.
 */
import type { NodeProfile, OpTypeProfile } from '../report/profileReport';
import { joinNode, type ModelNodes } from './nodeMatch';
import { quantile } from './stats';
import type { KernelEvent, TraceRun } from './traceParse';

interface NodeAccumulator {
  first: KernelEvent;
  perRunUs: number[];
  calls: number;
  runsSeen: number;
  lastRun: number;
  arenaPeak: number | null;
}

export interface KernelAggregate {
  readonly nodes: NodeProfile[];
  readonly opTypes: OpTypeProfile[];
  readonly nodeMs: number;
  readonly modelRunMs: number;
  readonly arenaPeakBytes: number | null;
  /** File nodes (excluding Constant) that no profiled node covers. */
  readonly unprofiledNodeCount: number;
}

/** The static cost of a file node, by graph path and name (from graph/costModel.ts). */
export type NodeCostLookup = (
  graphPath: string,
  name: string,
) => { outputBytes: number | null; flops: number | null } | undefined;

export function aggregateKernelTimes(
  runs: readonly TraceRun[],
  file: ModelNodes,
  optimized?: ModelNodes,
  cost?: NodeCostLookup,
): KernelAggregate {
  const byName = new Map<string, NodeAccumulator>();
  runs.forEach((run, r) => {
    for (const { event, selfUs } of run.kernels) {
      // Unnamed nodes are told apart by ORT's node index.
      const key = event.name || `#${event.nodeIndex ?? '?'}:${event.op}`;
      let acc = byName.get(key);
      if (!acc) {
        acc = {
          first: event,
          perRunUs: new Array<number>(runs.length).fill(0),
          calls: 0,
          runsSeen: 0,
          lastRun: -1,
          arenaPeak: null,
        };
        byName.set(key, acc);
      }
      if (acc.lastRun !== r) acc.runsSeen++;
      acc.lastRun = r;
      acc.perRunUs[r]! += selfUs;
      acc.calls++;
      if (event.arenaPeakBytes !== null) acc.arenaPeak = Math.max(acc.arenaPeak ?? 0, event.arenaPeakBytes);
    }
  });
  const modelRunMs = runs.reduce((a, r) => a + r.dur, 0) / runs.length / 1000;
  const covered = new Set<string>();
  const nodes: NodeProfile[] = [];
  for (const acc of byName.values()) {
    const e = acc.first;
    const join = joinNode(e.name, e.op, e.nodeIndex, file, optimized);
    for (const n of join.nodes) covered.add(`${join.graphPath}|${n}`);
    const costs = join.nodes.map((n) => cost?.(join.graphPath ?? '', n));
    const flops =
      costs.length && costs.every((c) => c?.flops != null) ? costs.reduce((a, c) => a + c!.flops!, 0) : null;
    const ms = acc.perRunUs.map((us) => us / 1000);
    const meanMs = ms.reduce((a, b) => a + b, 0) / ms.length;
    nodes.push({
      name: e.name,
      op: e.op,
      provider: e.provider,
      match: join.match,
      graphPath: join.graphPath,
      nodes: join.nodes,
      calls: acc.calls / runs.length,
      runsSeen: acc.runsSeen,
      meanMs,
      p50Ms: quantile(ms, 0.5),
      p90Ms: quantile(ms, 0.9),
      share: modelRunMs > 0 ? meanMs / modelRunMs : 0,
      outputBytes: e.outputBytes,
      activationBytes: e.activationBytes,
      paramBytes: e.paramBytes,
      graphParamBytes: join.graphParamBytes,
      graphOutputBytes: join.match === 'exact' ? (costs[0]?.outputBytes ?? null) : null,
      flops,
      arenaPeakBytes: acc.arenaPeak,
      outputShapes: e.outputShapes,
    });
  }
  nodes.sort((a, b) => b.p50Ms - a.p50Ms || b.meanMs - a.meanMs || a.name.localeCompare(b.name));
  const nodeMs = nodes.reduce((a, n) => a + n.meanMs, 0);
  const ops = new Map<string, { nodes: number; meanMs: number }>();
  for (const n of nodes) {
    const o = ops.get(n.op) ?? { nodes: 0, meanMs: 0 };
    o.nodes++;
    o.meanMs += n.meanMs;
    ops.set(n.op, o);
  }
  const opTypes = [...ops.entries()]
    .map(([op, o]) => ({ op, nodes: o.nodes, meanMs: o.meanMs, share: modelRunMs > 0 ? o.meanMs / modelRunMs : 0 }))
    .sort((a, b) => b.meanMs - a.meanMs);
  const arenaPeaks = nodes.map((n) => n.arenaPeakBytes).filter((b): b is number => b !== null);
  const unprofiledNodeCount = file.all.filter(
    (f) => f.node.op_type !== 'Constant' && !covered.has(`${f.graphPath}|${f.name}`),
  ).length;
  return {
    nodes,
    opTypes,
    nodeMs,
    modelRunMs,
    arenaPeakBytes: arenaPeaks.length ? arenaPeaks.reduce((a, b) => Math.max(a, b), 0) : null,
    unprofiledNodeCount,
  };
}
