/**
 * Optional shape labels on edges (`1×32×80×80`), as Netron shows them: the tensor each drawn edge carries, from
 * the compact graph's types. One label per drawn unit edge (the first tensor between the two units).
 */
import type { CompactGraph } from '../../src/protocol/webviewProtocol';
import type { VisibleGraph } from './visibleGraph';

export function shapeLabel(graph: CompactGraph, tensor: string): string {
  const shape = graph.tensors[tensor]?.shape;
  return shape ? shape.map((d) => (d === null ? '?' : String(d))).join('×') : '';
}

/** Per unit edge of `view.edges` (pairs), the shape text of its tensor, or '' where unknown. */
export function edgeLabels(graph: CompactGraph, view: VisibleGraph): string[] {
  const n = view.units.length;
  const tensorOf = new Map<number, string>();
  for (const e of graph.edges) {
    if (graph.nodes[e.from]!.folded) continue;
    const key = view.unitOfNode[e.from]! * n + view.unitOfNode[e.to]!;
    if (!tensorOf.has(key)) tensorOf.set(key, e.tensor);
  }
  const out: string[] = [];
  for (let i = 0; i < view.edges.length; i += 2) {
    const t = tensorOf.get(view.edges[i]! * n + view.edges[i + 1]!);
    out.push(t ? shapeLabel(graph, t) : '');
  }
  return out;
}
