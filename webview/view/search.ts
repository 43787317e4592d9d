/** Search by node name, op type or tensor name (case-insensitive substring); returns matching units. */
import type { CompactGraph } from '../../src/protocol/webviewProtocol';
import type { VisibleGraph } from './visibleGraph';

export function searchUnits(graph: CompactGraph, view: VisibleGraph, query: string): Set<number> {
  const q = query.trim().toLowerCase();
  const found = new Set<number>();
  if (!q) return found;
  for (const n of graph.nodes) {
    const hit =
      n.name.toLowerCase().includes(q) ||
      n.op.toLowerCase() === q ||
      n.inputs.some((t) => t.toLowerCase().includes(q)) ||
      n.outputs.some((t) => t.toLowerCase().includes(q));
    if (hit) found.add(view.unitOfNode[n.id]!);
  }
  return found;
}
