/**
 * What is drawn: each node, or the collapsed name-scope group that contains it. Groups come from the node
 * names' '/' scopes (`/encoder/layer.3/attention/MatMul` sits in encoder > encoder/layer.3 > ...). Big graphs
 * start collapsed, then the largest groups are opened until a handful of units show (never past a limit), so
 * the first view is the model's parts — `features.0` … `features.7`, `norm`, `head` — rather than one box, or
 * hundreds of small ones that only read at a zoom where nothing else fits. Folded constants
 * (CompactNode.folded) are no unit of their own: they belong to the unit of their first consumer, where their
 * row is drawn.
 */
import type { CompactGraph } from '../../src/protocol/webviewProtocol';

export interface Unit {
  /** A node id, or -1 for a collapsed group. */
  readonly nodeId: number;
  /** Group key (scope path joined by '/') for groups; node name for nodes. */
  readonly key: string;
  readonly label: string;
  readonly sublabel: string;
  /** Node ids this unit stands for. */
  readonly members: readonly number[];
}

export interface VisibleGraph {
  readonly units: readonly Unit[];
  /** Unit index of every node id. */
  readonly unitOfNode: Int32Array;
  /** Deduplicated unit edges as [from, to, ...]. */
  readonly edges: Int32Array;
}

interface GroupInfo {
  members: number;
  /** Keys of the groups directly inside, in first-seen order. */
  childGroups: Set<string>;
  /** Nodes directly inside (not in a deeper group). */
  childNodes: number;
}

interface ScopeIndex {
  readonly groups: Map<string, GroupInfo>;
  /** Per node id: the keys of the groups it is in, outermost first (`a`, `a/b`, …). */
  readonly keys: readonly (readonly string[])[];
}

/** Built once per graph: the first view, every relayout and every group opened read it. */
const scopeIndexes = new WeakMap<CompactGraph, ScopeIndex>();

function scopeIndex(graph: CompactGraph): ScopeIndex {
  let index = scopeIndexes.get(graph);
  if (index) return index;
  const groups = new Map<string, GroupInfo>();
  const keys: string[][] = new Array<string[]>(graph.nodes.length);
  for (const node of graph.nodes) {
    const path: string[] = new Array<string>(node.scope.length);
    keys[node.id] = path;
    for (let d = 0; d < path.length; d++) path[d] = d === 0 ? node.scope[0]! : `${path[d - 1]}/${node.scope[d]}`;
    if (node.folded) continue;
    for (let d = 0; d < path.length; d++) {
      let g = groups.get(path[d]!);
      if (!g) groups.set(path[d]!, (g = { members: 0, childGroups: new Set(), childNodes: 0 }));
      g.members++;
      if (d + 1 < path.length) g.childGroups.add(path[d + 1]!);
      else g.childNodes++;
    }
  }
  index = { groups, keys };
  scopeIndexes.set(graph, index);
  return index;
}

/** Member count and distinct direct children of every scope group (folded constants are in none). */
export function groupTree(graph: CompactGraph): Map<string, GroupInfo> {
  return scopeIndex(graph).groups;
}

/** The first view of a big graph opens groups until at least this many units show. */
export const INITIAL_UNITS = 24;

/**
 * Groups to open first: everything when the graph has at most `limit` nodes; else the biggest groups, one at a
 * time, until INITIAL_UNITS units show, never past `limit` units.
 */
export function initialExpanded(graph: CompactGraph, limit: number): Set<string> {
  const groups = groupTree(graph);
  const expanded = new Set<string>();
  let drawn = 0;
  const bodies = new Set<string>();
  for (const n of graph.nodes) {
    if (!n.folded) drawn++;
    if (n.subgraph) bodies.add(n.subgraph);
  }
  // If/Loop/Scan bodies start closed whatever the size: the main graph reads as the model's own flow.
  const inBody = (key: string): boolean => bodies.has(key) || [...bodies].some((b) => key.startsWith(`${b}/`));
  if (drawn <= limit) {
    for (const key of groups.keys()) if (!inBody(key)) expanded.add(key);
    return expanded;
  }
  // Top-level units: each scope-less node, and each outermost group (no string per node: 100k-node chains).
  const topGroups = new Set<string>();
  let topNodes = 0;
  for (const n of graph.nodes) {
    if (n.folded) continue;
    if (n.scope.length) topGroups.add(n.scope[0]!);
    else topNodes++;
  }
  let visible = topNodes + topGroups.size;
  const frontier = [...topGroups];
  while (frontier.length && visible < INITIAL_UNITS) {
    // Level by level (a model's parts before their blocks), the biggest first within a level.
    const depth = (k: string): number => k.split('/').length;
    frontier.sort((a, b) => depth(a) - depth(b) || groups.get(b)!.members - groups.get(a)!.members);
    const key = frontier.shift()!;
    const g = groups.get(key)!;
    if (inBody(key)) continue;
    const children = g.childGroups.size + g.childNodes;
    if (visible + children - 1 > limit) continue;
    expanded.add(key);
    visible += children - 1;
    for (const c of g.childGroups) frontier.push(c);
  }
  return expanded;
}

/** Single-member groups are never drawn as boxes: a box hiding one node helps nobody. */
export function visibleGraph(graph: CompactGraph, expanded: ReadonlySet<string>): VisibleGraph {
  const { groups, keys } = scopeIndex(graph);
  const units: Unit[] = [];
  const unitOfNode = new Int32Array(graph.nodes.length);
  const groupUnit = new Map<string, number>();
  for (const node of graph.nodes) {
    if (node.folded) continue;
    let collapsedAt = '';
    for (const key of keys[node.id]!) {
      if (!expanded.has(key) && groups.get(key)!.members > 1) {
        collapsedAt = key;
        break;
      }
    }
    if (!collapsedAt) {
      unitOfNode[node.id] = units.length;
      units.push({ nodeId: node.id, key: node.name, label: node.op, sublabel: node.name, members: [node.id] });
      continue;
    }
    let u = groupUnit.get(collapsedAt);
    if (u === undefined) {
      u = units.length;
      groupUnit.set(collapsedAt, u);
      units.push({ nodeId: -1, key: collapsedAt, label: collapsedAt, sublabel: '', members: [] });
    }
    (units[u]!.members as number[]).push(node.id);
    unitOfNode[node.id] = u;
  }
  for (const u of units) if (u.nodeId < 0) (u as { sublabel: string }).sublabel = `${u.members.length} nodes`;
  placeFolded(graph, unitOfNode);
  const seen = new Set<number>();
  const edges: number[] = [];
  const n = units.length;
  for (const e of graph.edges) {
    if (graph.nodes[e.from]!.folded) continue; // drawn as a row inside the consumer, not as an edge
    const a = unitOfNode[e.from]!;
    const b = unitOfNode[e.to]!;
    if (a === b || seen.has(a * n + b)) continue;
    seen.add(a * n + b);
    edges.push(a, b);
  }
  return { units, unitOfNode, edges: Int32Array.from(edges) };
}

/**
 * Opens `key` and, through any chain of groups that hold a single group each, the group under it: opening
 * `encoder/layer.11` whose only content is `…/attention` should show what is inside, not one box again.
 */
export function expandGroup(graph: CompactGraph, expanded: Set<string>, key: string): void {
  const groups = groupTree(graph);
  let k = key;
  for (;;) {
    expanded.add(k);
    const g = groups.get(k);
    if (!g || g.childNodes !== 0 || g.childGroups.size !== 1) return;
    k = g.childGroups.values().next().value!;
  }
}

/**
 * Gives each folded node the unit of its first consumer (following chains such as Constant → Identity → Conv),
 * so search and reveal of a constant's name land on the box that shows it. Nodes come in topological order, so
 * walking them backwards sees every consumer before its producer.
 */
function placeFolded(graph: CompactGraph, unitOfNode: Int32Array): void {
  const firstConsumer = new Int32Array(graph.nodes.length).fill(-1);
  for (const e of graph.edges) if (firstConsumer[e.from]! < 0) firstConsumer[e.from] = e.to;
  for (let id = graph.nodes.length - 1; id >= 0; id--)
    if (graph.nodes[id]!.folded) unitOfNode[id] = firstConsumer[id]! >= 0 ? unitOfNode[firstConsumer[id]!]! : 0;
}
