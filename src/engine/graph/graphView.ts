/**
 * What the graph job returns for an opened model: the webview's compact graph (no weights), the static
 * per-node details the webview pulls on demand, and the static costs (FLOPs, output bytes) that the Layer
 * Costs view joins to measured rows. Built inside a job process.
 */
import * as path from 'node:path';
import { nodeCosts } from './costModel';
import type { UserDims } from './defaultDims';
import { planInputs, shapesAtPlan } from './inputPlan';
import type { ShapeInference } from './shapeInference';
import type { LoadedModel } from '../onnx/readModel';
import type { CompactGraph } from '../../protocol/webviewProtocol';
import { buildCompactGraph, type StaticNodeDetails } from './webviewGraph';

/** Static FLOPs and output bytes per node name (the cost model's), for Layer Costs beside measured times. */
export type StaticCosts = Readonly<
  Record<string, { readonly flops: number | null; readonly outputBytes: number | null }>
>;

export interface GraphView {
  readonly file: string;
  readonly fileName: string;
  readonly fileBytes: number;
  readonly graph: CompactGraph;
  /** Indexed by CompactNode.id. */
  readonly details: readonly StaticNodeDetails[];
  readonly costs: StaticCosts;
}

/** `user`: the dims and input shapes the user gave; open dims get the same defaults a profile plans. */
export function buildGraphView(loaded: LoadedModel, user: UserDims): GraphView {
  const costs: Record<string, { flops: number | null; outputBytes: number | null; paramBytes: number }> = {};
  let shapes: ShapeInference | undefined;
  try {
    // The shapes a profile of the same settings runs at (inputPlan.ts), so the FLOPs beside measured times
    // are for the same input, not for open dims left unknown.
    const plan = planInputs(loaded.proto, user);
    shapes = shapesAtPlan(loaded.proto, plan);
    for (const n of nodeCosts(shapes))
      if (!n.graphPath) costs[n.name] = { flops: n.flops, outputBytes: n.outputBytes, paramBytes: n.paramBytes };
  } catch {
    // Costs and types are an overlay: a model the shape inference cannot follow still opens, without them.
  }
  const { graph, details } = buildCompactGraph(loaded, shapes);
  return {
    file: loaded.file,
    fileName: path.basename(loaded.file),
    fileBytes: loaded.fileBytes,
    graph,
    details: details.map((d) => {
      // Costs are per main-graph node; a body node of the same name is another node.
      const node = graph.nodes[d.nodeId]!;
      const c = node.subgraph ? undefined : costs[node.name];
      if (!c) return d;
      // No spreads: this runs once per node of models with 100k nodes.
      const out: { -readonly [K in keyof StaticNodeDetails]: StaticNodeDetails[K] } = {
        nodeId: d.nodeId,
        attributes: d.attributes,
        inputs: d.inputs,
        outputs: d.outputs,
      };
      if (c.flops != null) out.flops = c.flops;
      out.params = c.paramBytes;
      return out;
    }),
    costs,
  };
}
