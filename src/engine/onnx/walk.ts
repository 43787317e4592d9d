/** Visits every graph of a model: the main graph, then subgraphs held in node attributes (If/Loop/Scan). */
import type { GraphProto, ModelProto, NodeProto, TensorProto } from './types';

export function subgraphsOf(node: NodeProto): GraphProto[] {
  const out: GraphProto[] = [];
  for (const a of node.attribute ?? []) {
    if (a.g) out.push(a.g);
    for (const g of a.graphs ?? []) out.push(g);
  }
  return out;
}

/** Depth-first over a graph and its nested subgraphs; `depth` is 0 for the main graph. */
export function forEachGraph(graph: GraphProto, fn: (g: GraphProto, depth: number) => void, depth = 0): void {
  fn(graph, depth);
  for (const n of graph.node ?? []) for (const sub of subgraphsOf(n)) forEachGraph(sub, fn, depth + 1);
}

/** Every tensor that carries data: initializers and tensor-valued attributes (Constant nodes), in all graphs. */
export function forEachTensor(model: ModelProto, fn: (t: TensorProto) => void): void {
  if (!model.graph) return;
  forEachGraph(model.graph, (g) => {
    for (const t of g.initializer ?? []) fn(t);
    for (const n of g.node ?? [])
      for (const a of n.attribute ?? []) {
        if (a.t) fn(a.t);
        for (const t of a.tensors ?? []) fn(t);
      }
  });
}
