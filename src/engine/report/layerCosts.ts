/**
 * The Layer Costs view's data, independent of VS Code: a profile reduced to per-node rows, and the grouping
 * (by op type, or by the exporter's name scopes such as `/backbone/stage1/conv`) and sorting the tree shows.
 * Kept free of `vscode` imports so the grouping can be tested in plain Node.
 */
import type { HeatMapMetric } from '../../protocol/webviewProtocol';

export interface LayerCost {
  /** Node name as in the model file (the graph view's node id). */
  readonly name: string;
  readonly op: string;
  /** Median kernel time over the measured runs, in microseconds. */
  readonly p50Us: number;
  /** p50 over the sum of all nodes' p50 (0–1). */
  readonly share: number;
  /** Output activation bytes (measured when the profile has them, else estimated); null when unknown. */
  readonly memoryBytes: number | null;
  readonly flops: number | null;
  /** Bytes of the weights the node reads. */
  readonly paramBytes: number;
}

export interface Suggestion {
  readonly id: string;
  readonly title: string;
  readonly detail: string;
  readonly severity: 'info' | 'warning';
  /** Node the suggestion is about; absent for model-wide suggestions. */
  readonly node?: string;
  /** For a node entry: the id of the suggestion it is a copy of (the model-wide entry with the action). */
  readonly of?: string;
  /**
   * The optimize step that acts on it, when there is one (drives the code action); 'advice' runs the
   * suggestion's own pre-filled configuration (`config`).
   */
  readonly action?: 'quantize-dynamic' | 'simplify' | 'prune' | 'fp16' | 'advice';
  /** The advice engine's rule that produced it (src/engine/advise), when it came from there. */
  readonly rule?: string;
  /** The advice engine's optimize configuration (plain JSON) that `action: 'advice'` runs. */
  readonly config?: unknown;
}

/** One input as the profile fed it: its shape and where the shape came from. */
export interface ProfiledInput {
  readonly name: string;
  readonly dims: readonly number[];
  /** 'assumed' (representative defaults), 'the model' (fixed dims), or the setting that gave it. */
  readonly source: string;
}

/** `x 1×3×320×320 (onnxTuner.inputShapes)`, inputs joined by `; ` — the line every report header carries. */
export function formatProfiledInputs(inputs: readonly ProfiledInput[]): string {
  return inputs
    .map((i) => `${i.name} ${i.dims.length ? i.dims.join('×') : 'scalar'}${i.source ? ` (${i.source})` : ''}`)
    .join('; ');
}

export interface LayerCostReport {
  readonly file: string;
  readonly runs: number;
  readonly totalP50Ms: number;
  /** Optimization level the per-node numbers are for (names differ between levels). */
  readonly optimizationLevel: string;
  /** The dims the profile assumed, one short line (`assumed batch=1, seq=128`); '' or absent when none. */
  readonly assumedDims?: string;
  /** The input shapes the profile ran with (absent in reports from older versions). */
  readonly inputs?: readonly ProfiledInput[];
  /** Configured shapes left out for this model, one line each, naming the setting and the model. */
  readonly inputNotes?: readonly string[];
  readonly nodes: readonly LayerCost[];
  readonly suggestions: readonly Suggestion[];
  /** The engine's own report, kept as-is for export (JSON/HTML/Markdown). */
  readonly source: unknown;
  /** Why per-node shares are approximate (profile coverage, profiler overhead); empty when they are not. */
  readonly trustWarnings?: readonly string[];
}

/** The tree sorts by the heat map's metrics. */
export type SortKey = HeatMapMetric;
export type GroupBy = 'op' | 'scope';

export interface CostGroup {
  readonly kind: 'group';
  readonly label: string;
  /** Path of scope names from the root ('op' grouping: one element, the op type). */
  readonly path: readonly string[];
  readonly p50Us: number;
  readonly share: number;
  readonly memoryBytes: number;
  readonly flops: number;
  readonly groups: readonly CostGroup[];
  readonly nodes: readonly LayerCost[];
}

export function metricOf(n: { p50Us: number; memoryBytes: number | null; flops: number | null }, key: SortKey): number {
  return key === 'latency' ? n.p50Us : key === 'memory' ? (n.memoryBytes ?? 0) : (n.flops ?? 0);
}

/** Name scopes of a node: `/encoder/layer.0/attn/MatMul` → ['encoder', 'layer.0', 'attn']. */
export function scopeOf(name: string): string[] {
  const parts = name.split('/').filter((p) => p.length > 0);
  return parts.slice(0, -1);
}

function sum(nodes: readonly LayerCost[], f: (n: LayerCost) => number): number {
  return nodes.reduce((a, n) => a + f(n), 0);
}

function makeGroup(label: string, path: string[], nodes: LayerCost[], groups: CostGroup[]): CostGroup {
  const all = [...nodes, ...groups.flatMap(allNodes)];
  return {
    kind: 'group',
    label,
    path,
    p50Us: sum(all, (n) => n.p50Us),
    share: sum(all, (n) => n.share),
    memoryBytes: sum(all, (n) => n.memoryBytes ?? 0),
    flops: sum(all, (n) => n.flops ?? 0),
    groups,
    nodes,
  };
}

/** Every node under a group, at any depth. */
export function allNodes(g: CostGroup): LayerCost[] {
  return [...g.nodes, ...g.groups.flatMap(allNodes)];
}

function sortGroup(g: CostGroup, key: SortKey): CostGroup {
  const by = (a: { p50Us: number; memoryBytes: number | null; flops: number | null }, b: typeof a): number =>
    metricOf(b, key) - metricOf(a, key);
  return {
    ...g,
    groups: g.groups.map((s) => sortGroup(s, key)).sort(by),
    nodes: [...g.nodes].sort(by),
  };
}

/** Groups by op type: one level of groups, nodes inside. */
function groupByOp(nodes: readonly LayerCost[]): CostGroup[] {
  const byOp = new Map<string, LayerCost[]>();
  for (const n of nodes) byOp.set(n.op, [...(byOp.get(n.op) ?? []), n]);
  return [...byOp].map(([op, list]) => makeGroup(op, [op], list, []));
}

/**
 * Groups by name scope into a tree. A scope with a single child scope and no nodes of its own is merged with
 * it (`backbone/stage1`), so deep exporter prefixes do not cost a click each.
 */
function groupByScope(nodes: readonly LayerCost[]): CostGroup[] {
  interface Draft {
    readonly children: Map<string, Draft>;
    readonly nodes: LayerCost[];
  }
  const root: Draft = { children: new Map(), nodes: [] };
  for (const n of nodes) {
    let d = root;
    for (const part of scopeOf(n.name)) {
      let c = d.children.get(part);
      if (!c) d.children.set(part, (c = { children: new Map(), nodes: [] }));
      d = c;
    }
    d.nodes.push(n);
  }
  const build = (label: string, path: string[], d: Draft): CostGroup => {
    let l = label;
    let p = path;
    let cur = d;
    while (cur.nodes.length === 0 && cur.children.size === 1) {
      const [name, only] = [...cur.children][0]!;
      l = `${l}/${name}`;
      p = [...p, name];
      cur = only;
    }
    const groups = [...cur.children].map(([name, c]) => build(name, [...p, name], c));
    return makeGroup(l, p, cur.nodes, groups);
  };
  const top = [...root.children].map(([name, c]) => build(name, [name], c));
  // Nodes with no scope in their name stay at the top level, as a group of their own.
  return root.nodes.length ? [...top, makeGroup('(no scope)', [], root.nodes, [])] : top;
}

export function groupLayerCosts(nodes: readonly LayerCost[], by: GroupBy, key: SortKey): CostGroup[] {
  const groups = by === 'op' ? groupByOp(nodes) : groupByScope(nodes);
  return groups.map((g) => sortGroup(g, key)).sort((a, b) => metricOf(b, key) - metricOf(a, key));
}
