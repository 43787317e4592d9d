/**
 * Search by node name, op type or tensor name (case-insensitive), ranked so that what a user means by a
 * word comes first: a node named exactly so, then node names containing it, then nodes of that op type, then
 * nodes that merely read or write a tensor whose name contains it. ("Conv" used to select a Constant first:
 * its output tensor `…Conv…_weight` matched before any Conv node.) Ties keep graph order.
 */
import type { CompactGraph, CompactNode } from '../../src/protocol/webviewProtocol';
import type { VisibleGraph } from './visibleGraph';

/** Lower is better; undefined: no match. */
function rank(n: CompactNode, q: string): number | undefined {
  const name = n.name.toLowerCase();
  const op = n.op.toLowerCase();
  if (name === q) return 0;
  if (op === q) return 1;
  if (name.includes(q)) return 2;
  if (op.includes(q)) return 3;
  if (n.inputs.some((t) => t.toLowerCase().includes(q)) || n.outputs.some((t) => t.toLowerCase().includes(q))) return 4;
  return undefined;
}

/** Matching units, best first (each unit once, at its best member's rank). */
export function searchUnits(graph: CompactGraph, view: VisibleGraph, query: string): number[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const best = new Map<number, number>();
  for (const n of graph.nodes) {
    const r = rank(n, q);
    if (r === undefined) continue;
    const u = view.unitOfNode[n.id]!;
    const had = best.get(u);
    if (had === undefined || r < had) best.set(u, r);
  }
  // Map keeps first-insertion (graph) order, and Array.prototype.sort is stable.
  return [...best].sort((a, b) => a[1] - b[1]).map(([u]) => u);
}

/** The next match after `current` (wrapping), or the previous one with `back`; -1 when there are none. */
export function cycleMatch(order: readonly number[], current: number, back = false): number {
  if (!order.length) return -1;
  const at = order.indexOf(current);
  if (at < 0) return order[back ? order.length - 1 : 0]!;
  return order[(at + (back ? order.length - 1 : 1)) % order.length]!;
}
