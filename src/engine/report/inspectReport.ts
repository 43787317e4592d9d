/**
 * The `inspect` report: what a model is and what it costs, from static analysis alone (no runtime). Its JSON
 * form is part of the versioned report contract (schemaVersion.ts).
 */
import { dtypeName } from '../onnx/dtypes';
import { int64ToNumber } from '../onnx/int64';
import type { LoadedModel } from '../onnx/readModel';
import { forEachGraph } from '../onnx/walk';
import { costModel, type CostCoverage, type NodeCost } from '../graph/costModel';
import { declaredElements, isTooLarge, MAX_TENSOR_ELEMENTS, type Dim } from '../graph/dims';
import { constantInputValues, planInputs, type InputPlan, type UserInputs } from '../graph/inputPlan';
import { inferShapes, typeFromProto } from '../graph/shapeInference';
import { REPORT_SCHEMA_VERSION } from './schemaVersion';

export interface TensorSignature {
  readonly name: string;
  readonly dtype: string;
  /** Dims as numbers, symbol names, or null when unknown; null when the rank is unknown. */
  readonly shape: Dim[] | null;
}

export interface NodeSummary {
  readonly name: string;
  readonly op: string;
  readonly graphPath: string;
  readonly flops: number | null;
  readonly macs: number | null;
  readonly outputBytes: number | null;
  readonly paramBytes: number;
}

export interface InspectReport {
  readonly schemaVersion: number;
  readonly kind: 'inspect';
  readonly file: string;
  readonly fileBytes: number;
  readonly externalBytes: number;
  readonly irVersion: number;
  readonly opsets: { domain: string; version: number }[];
  readonly producer: { name: string; version: string };
  readonly graphName: string;
  readonly inputs: TensorSignature[];
  readonly outputs: TensorSignature[];
  /** Nodes of the main graph. */
  readonly nodeCount: number;
  /** Nodes in all graphs, subgraphs included. */
  readonly nodeCountAll: number;
  readonly subgraphCount: number;
  /** Main-graph `Constant` nodes (onnxruntime turns these into initializers when it loads the model). */
  readonly constantNodeCount: number;
  /** Node count by op type over all graphs (domain-qualified for custom domains). */
  readonly opCounts: Record<string, number>;
  readonly parameters: { count: number; bytes: number; byDtype: Record<string, { count: number; bytes: number }> };
  readonly totals: { macs: number; flops: number; unknownCostNodes: number; coverage: CostCoverage };
  readonly peakMemory: { activationBytes: number; totalBytes: number; atNode: string; unknownSizes: number };
  readonly topByFlops: NodeSummary[];
  readonly topByActivation: NodeSummary[];
  /** The user's dim values that were applied, and the symbols still open. */
  readonly dims: { applied: Record<string, number>; open: string[] };
  /** Dims assumed where the user gave none, and the values synthesised inputs would take, with reasons. */
  readonly inputPlan: Pick<InputPlan, 'assumed' | 'ranges'>;
  readonly unsupportedOps: string[];
  /** Structural problems (dangling inputs, cycles, duplicate outputs) found in any graph. */
  readonly problems: string[];
}

function summary(n: NodeCost): NodeSummary {
  return {
    name: n.name,
    op: n.op,
    graphPath: n.graphPath,
    flops: n.flops,
    macs: n.macs,
    outputBytes: n.outputBytes,
    paramBytes: n.paramBytes,
  };
}

function top(nodes: readonly NodeCost[], key: (n: NodeCost) => number | null, count = 10): NodeSummary[] {
  return nodes
    .filter((n) => (key(n) ?? 0) > 0)
    .sort((a, b) => (key(b) ?? 0) - (key(a) ?? 0))
    .slice(0, count)
    .map(summary);
}

/** One problem line per tensor whose declared size is over the limit (at most 5, then a count). */
function tooLargeProblems(g: ReturnType<typeof inferShapes>['main']): string[] {
  const types = g.types;
  const names: string[] = [];
  for (const node of g.index.nodes)
    for (const name of node.output ?? []) if (name && isTooLarge(types.get(name)?.shape ?? null)) names.push(name);
  const lines = names
    .slice(0, 5)
    .map(
      (n) =>
        `tensor '${n}' declares ${declaredElements(types.get(n)!.shape)!.toExponential(2)} elements: size unknown (too large, over ${MAX_TENSOR_ELEMENTS.toExponential(2)})`,
    );
  if (names.length > 5) lines.push(`${names.length - 5} more tensor(s) too large`);
  return lines;
}

export function buildInspectReport(loaded: LoadedModel, opts: UserInputs = {}): InspectReport {
  const { proto } = loaded;
  const graph = proto.graph ?? {};
  // Costs at the representative dims profiling uses (defaultDims.ts), not at unknown or 1-sized dims.
  const plan = planInputs(proto, opts);
  const shapes = inferShapes(proto, {
    dims: plan.dims,
    inputShapes: plan.inputShapes,
    inputValues: constantInputValues(proto, plan),
  });
  const cost = costModel(shapes);
  const opCounts: Record<string, number> = {};
  let nodeCountAll = 0;
  let subgraphCount = -1;
  forEachGraph(graph, (g) => {
    subgraphCount++;
    for (const n of g.node ?? []) {
      nodeCountAll++;
      const key = n.domain && n.domain !== 'ai.onnx' ? `${n.domain}.${n.op_type ?? ''}` : (n.op_type ?? '');
      opCounts[key] = (opCounts[key] ?? 0) + 1;
    }
  });
  const problems: string[] = Array.from(shapes.main.index.problems);
  const collect = (subs: typeof shapes.main.subgraphs): void => {
    for (const list of subs.values())
      for (const s of list) {
        for (const p of s.index.problems) problems.push(`in subgraph '${s.index.graph.name ?? ''}': ${p}`);
        collect(s.subgraphs);
      }
  };
  collect(shapes.main.subgraphs);
  for (const p of tooLargeProblems(shapes.main)) problems.push(p);
  // Signatures keep the model's symbols (batch, seq) resolved only with the user's own values.
  const symbolic = inferShapes(proto, { dims: opts.dims ?? {}, inputShapes: opts.inputShapes ?? {} });
  const signature = (name: string, declared: ReturnType<typeof typeFromProto>): TensorSignature => {
    const inferred = symbolic.main.types.get(name);
    return { name, dtype: dtypeName(inferred?.dtype || declared.dtype), shape: inferred?.shape ?? declared.shape };
  };
  const byDtype: Record<string, { count: number; bytes: number }> = {};
  for (const [dt, v] of Object.entries(cost.totals.paramBytesByDtype)) byDtype[dtypeName(Number(dt))] = { ...v };
  const initializerNames = new Set((graph.initializer ?? []).map((t) => t.name));
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    kind: 'inspect',
    file: loaded.file,
    fileBytes: loaded.fileBytes,
    externalBytes: loaded.externalBytes,
    irVersion: int64ToNumber(proto.ir_version ?? 0),
    opsets: (proto.opset_import ?? []).map((o) => ({
      domain: o.domain || 'ai.onnx',
      version: int64ToNumber(o.version ?? 0),
    })),
    producer: { name: proto.producer_name ?? '', version: proto.producer_version ?? '' },
    graphName: graph.name ?? '',
    // Old exporters list initializers among graph inputs; those are weights, not inputs a caller feeds.
    inputs: (graph.input ?? [])
      .filter((v) => !initializerNames.has(v.name))
      .map((v) => signature(v.name ?? '', typeFromProto(v.type))),
    outputs: (graph.output ?? []).map((v) => signature(v.name ?? '', typeFromProto(v.type))),
    nodeCount: graph.node?.length ?? 0,
    nodeCountAll,
    subgraphCount,
    constantNodeCount: (graph.node ?? []).filter((n) => n.op_type === 'Constant' && !n.domain).length,
    opCounts,
    parameters: { count: cost.totals.paramCount, bytes: cost.totals.paramBytes, byDtype },
    totals: {
      macs: cost.totals.macs,
      flops: cost.totals.flops,
      unknownCostNodes: cost.totals.unknownCostNodes,
      coverage: cost.totals.coverage,
    },
    peakMemory: { ...cost.peak },
    topByFlops: top(cost.nodes, (n) => n.flops),
    topByActivation: top(cost.nodes, (n) => n.outputBytes),
    dims: { applied: { ...(opts.dims ?? {}) }, open: [...shapes.openSymbols].sort() },
    inputPlan: { assumed: plan.assumed, ranges: plan.ranges },
    unsupportedOps: [...shapes.unsupportedOps].sort(),
    problems,
  };
}
