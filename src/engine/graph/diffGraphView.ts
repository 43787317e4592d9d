/**
 * The "Compare Graphs" view of two models: one compact graph holding B's nodes followed by the nodes removed from
 * A (edges from A re-pointed at their B matches), each node's details, and the overlay that says which nodes are
 * added, removed or changed and how (graphDiff.ts). Built in a job process, like the single-model GraphView.
 */
import * as path from 'node:path';
import type { LoadedModel } from '../onnx/readModel';
import type {
  CompactEdge,
  CompactGraph,
  CompactNode,
  DiffStatus,
  ErrorOverlay,
  ErrorOverlayNode,
  GraphDiffOverlay,
  LatencyDeltaNode,
} from '../../protocol/webviewProtocol';
import { matchNodes } from './graphDiff';
import { buildGraphView, type GraphView } from './graphView';
import type { StaticNodeDetails } from './webviewGraph';

/** What a profile says per node (LayerCostReport has this shape): for the diff's latency deltas. */
export interface MeasuredNodes {
  readonly nodes: readonly { readonly name: string; readonly p50Us: number }[];
}

export interface GraphDiffView {
  readonly graph: CompactGraph;
  /** Indexed by the union graph's node id. */
  readonly details: readonly StaticNodeDetails[];
  readonly diff: GraphDiffOverlay;
  /** Union node id → node name in A / in B (for joining each model's profile). */
  readonly nameInA: readonly (string | null)[];
  readonly nameInB: readonly (string | null)[];
}

/** Reads nothing but the two models (no onnxruntime): viewing a diff works in Restricted Mode. */
export function buildGraphDiffView(
  a: LoadedModel,
  b: LoadedModel,
  dims: Readonly<Record<string, number>>,
): GraphDiffView {
  const va = buildGraphView(a, dims);
  const vb = buildGraphView(b, dims);
  const m = matchNodes(
    a.proto.graph ?? {},
    b.proto.graph ?? {},
    (t) => va.graph.tensors[t]?.dtype,
    (t) => vb.graph.tensors[t]?.dtype,
  );
  return unionView(va, vb, m.bOfA, m.aOfB, m.changes, path.basename(a.file), path.basename(b.file));
}

function unionView(
  va: GraphView,
  vb: GraphView,
  bOfA: Int32Array,
  aOfB: Int32Array,
  changes: ReadonlyMap<number, readonly string[]>,
  fileA: string,
  fileB: string,
): GraphDiffView {
  const nb = vb.graph.nodes.length;
  const unionOfA = new Int32Array(va.graph.nodes.length);
  const removed: CompactNode[] = [];
  const removedFromA: number[] = [];
  // Bodies of If/Loop/Scan are matched with their owner only: B's bodies are drawn, A's are not diffed.
  va.graph.nodes.forEach((n, ia) => {
    if (n.subgraph) unionOfA[ia] = -1;
    else if (bOfA[ia]! >= 0) unionOfA[ia] = bOfA[ia]!;
    else {
      unionOfA[ia] = nb + removed.length;
      removed.push({ ...n, id: nb + removed.length });
      removedFromA.push(ia);
    }
  });
  const edges: CompactEdge[] = [...vb.graph.edges];
  const seen = new Set(edges.map((e) => `${e.from}>${e.to}`));
  for (const e of va.graph.edges) {
    const from = unionOfA[e.from]!;
    const to = unionOfA[e.to]!;
    // Both in B: B's own edges say how they connect now.
    if (from < 0 || to < 0 || (from < nb && to < nb)) continue;
    if (seen.has(`${from}>${to}`)) continue;
    seen.add(`${from}>${to}`);
    edges.push({ from, to, tensor: e.tensor });
  }
  const status: DiffStatus[] = [];
  const notes: Record<number, readonly string[]> = {};
  const counts = { same: 0, changed: 0, added: 0, removed: removed.length };
  for (let ib = 0; ib < nb; ib++) {
    if (vb.graph.nodes[ib]!.subgraph) {
      status.push('same');
      continue;
    }
    const c = changes.get(ib);
    const st: DiffStatus = aOfB[ib]! < 0 ? 'added' : c ? 'changed' : 'same';
    status.push(st);
    counts[st]++;
    if (c) notes[ib] = c;
  }
  for (let k = 0; k < removed.length; k++) status.push('removed');
  const graph: CompactGraph = {
    ...vb.graph,
    nodes: [...vb.graph.nodes, ...removed],
    edges,
    tensors: { ...va.graph.tensors, ...vb.graph.tensors },
  };
  const details = [...vb.details, ...removedFromA.map((ia, k) => ({ ...va.details[ia]!, nodeId: nb + k }))];
  const nameInA = graph.nodes.map((n) => {
    const ia = n.id < nb ? (n.subgraph ? -1 : aOfB[n.id]!) : removedFromA[n.id - nb]!;
    return ia >= 0 ? va.graph.nodes[ia]!.name : null;
  });
  const nameInB = graph.nodes.map((n) => (n.id < nb ? n.name : null));
  return { graph, details, diff: { a: fileA, b: fileB, status, notes, counts }, nameInA, nameInB };
}

/** The diff's notes with "Δ latency" rows added where both profiles measured the node (A's name, B's name). */
export function withLatencyDeltas(
  view: GraphDiffView,
  profileA: MeasuredNodes | undefined,
  profileB: MeasuredNodes | undefined,
): GraphDiffOverlay {
  if (!profileA || !profileB) return view.diff;
  const notes: Record<number, readonly string[]> = { ...view.diff.notes };
  for (const { id, aMs, bMs, deltaMs: d } of latencyDeltasById(view, profileA, profileB)) {
    notes[id] = [
      `Δ latency ${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(3)} ms (${aMs.toFixed(3)} → ${bMs.toFixed(3)})`,
      ...(notes[id] ?? []),
    ];
  }
  return { ...view.diff, notes };
}

/*
 * Per-node latency delta between two profiled models (issue 18): optimized − original, for every node both
 * profiles measured, joined through the matching above. Named as the graph being coloured knows the node: the
 * original's name (its own editor, the "latencyDelta" metric) or the union graph's (Compare Graphs).
 */

/** p50 per node name, in ms. */
function msByName(r: MeasuredNodes): Map<string, number> {
  return new Map(r.nodes.map((n) => [n.name, n.p50Us / 1000]));
}

/** One entry per union node both profiles measured, in union order, with its union id. */
export function latencyDeltasById(
  view: GraphDiffView,
  profileA: MeasuredNodes,
  profileB: MeasuredNodes,
): (LatencyDeltaNode & { readonly id: number; readonly nameInA: string })[] {
  const [a, b] = [msByName(profileA), msByName(profileB)];
  const out: (LatencyDeltaNode & { id: number; nameInA: string })[] = [];
  for (const n of view.graph.nodes) {
    const nameA = view.nameInA[n.id];
    const nameB = view.nameInB[n.id];
    const aMs = nameA != null ? a.get(nameA) : undefined;
    const bMs = nameB != null ? b.get(nameB) : undefined;
    if (aMs === undefined || bMs === undefined) continue;
    out.push({ id: n.id, name: n.name, nameInA: nameA!, aMs, bMs, deltaMs: bMs - aMs });
  }
  return out;
}

/** The deltas named as the coloured graph knows its nodes: the original's names, or the union graph's. */
export function latencyDeltas(
  view: GraphDiffView,
  profileA: MeasuredNodes,
  profileB: MeasuredNodes,
  namedBy: 'a' | 'union',
): LatencyDeltaNode[] {
  return latencyDeltasById(view, profileA, profileB).map((d) => ({
    name: namedBy === 'a' ? d.nameInA : d.name,
    aMs: d.aMs,
    bMs: d.bMs,
    deltaMs: d.deltaMs,
  }));
}

/**
 * The per-node error of B against A (measured on A's nodes, localize.ts) named as the union graph draws them,
 * so Compare Graphs can colour by it too: a matched node is drawn as B's, a removed one as A's.
 */
export function errorsOnUnion(view: GraphDiffView, errors: ErrorOverlay): ErrorOverlay {
  const byName = new Map(errors.nodes.map((n) => [n.name, n]));
  const nodes: ErrorOverlayNode[] = [];
  for (const n of view.graph.nodes) {
    const e = view.nameInA[n.id] != null ? byName.get(view.nameInA[n.id]!) : undefined;
    if (e) nodes.push({ ...e, name: n.name });
  }
  return { ...errors, nodes };
}
