/**
 * Everything the advice rules read, computed once: the model, its static analysis with the deployment dims
 * (and without them, to see which symbols drive a size), an optional profile, the CPU's features, the
 * execution providers, and optionally per-node quantization error and the graph ORT optimized.
 */
import { costModel, type CostSummary, type NodeCost } from '../graph/costModel';
import type { DimAssumption } from '../graph/defaultDims';
import { indexGraph, type GraphIndex } from '../graph/graphIndex';
import { constantInputValues, planInputs } from '../graph/inputPlan';
import { defaultOpset, inferShapes, type ShapeInference } from '../graph/shapeInference';
import type { ModelProto } from '../onnx/types';
import type { ProfileReport } from '../report/profileReport';
import type { NodeError } from '../verify/localize';
import type { CpuFeatures } from './cpuFeatures';
import { formatBytes } from '../../protocol/units';

export interface AdviceInputs {
  readonly model: ModelProto;
  /** Bytes of the model on disk (file + external data). */
  readonly modelBytes: number;
  readonly dims?: Readonly<Record<string, number>>;
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
  readonly profile?: ProfileReport;
  readonly cpu: CpuFeatures;
  /** Execution providers this onnxruntime build lists. */
  readonly providers: readonly string[];
  /** Per-node error of the model quantized dynamically (verify/localize), worst first. */
  readonly quantError?: readonly NodeError[];
  /** The model as onnxruntime optimized it at level 'extended' (to see which patterns it fused). */
  readonly ortOptimized?: ModelProto;
}

export interface AdviceContext extends AdviceInputs {
  readonly opset: number;
  readonly index: GraphIndex;
  readonly shapes: ShapeInference;
  readonly cost: CostSummary;
  /** Shapes with no user dims: symbols stay by name, so a size can be traced to 'batch' or 'seq'. */
  readonly symbolicCost: CostSummary;
  readonly costByName: ReadonlyMap<string, NodeCost>;
  /** Symbolic input dims the user gave no value for: the static analysis uses representative defaults. */
  readonly assumedDims: readonly string[];
  /** Dims assumed, with their values and reasons (defaultDims.ts). */
  readonly dimAssumptions: readonly DimAssumption[];
  /** Values of every input dim symbol: the user's, those read off given input shapes, else the defaults. */
  readonly effectiveDims: Readonly<Record<string, number>>;
}

/** Input dim symbols of the main graph (initializers listed as inputs excluded). */
export function inputSymbols(model: ModelProto): string[] {
  const inits = new Set((model.graph?.initializer ?? []).map((t) => t.name));
  const out = new Set<string>();
  for (const v of model.graph?.input ?? [])
    if (!inits.has(v.name))
      for (const d of v.type?.tensor_type?.shape?.dim ?? []) if (d.dim_param) out.add(d.dim_param);
  return [...out];
}

export function buildAdviceContext(inputs: AdviceInputs): AdviceContext {
  const given: Record<string, number> = { ...inputs.dims };
  // A full input shape names the values of that input's symbols too (ppocr's [p2o.DynamicDimension.0, 3, ...]).
  for (const v of inputs.model.graph?.input ?? []) {
    const shape = inputs.inputShapes?.[v.name ?? ''];
    (v.type?.tensor_type?.shape?.dim ?? []).forEach((d, i) => {
      if (shape && d.dim_param && shape[i] !== undefined && given[d.dim_param] === undefined)
        given[d.dim_param] = shape[i]!;
    });
  }
  const assumedDims = inputSymbols(inputs.model).filter((d) => given[d] === undefined);
  // The same representative dims profiling and synthesis use (defaultDims.ts, through the input plan), never
  // silently 1; the plan also says which single-element inputs hold a known constant (an If's branch).
  const planned = planInputs(inputs.model, { dims: given, inputShapes: inputs.inputShapes ?? {} });
  const dims = { ...planned.dims, ...given };
  const inputValues = constantInputValues(inputs.model, planned);
  const shapes = inferShapes(inputs.model, { dims, inputShapes: planned.inputShapes, inputValues });
  const cost = costModel(shapes);
  const symbolicCost = costModel(inferShapes(inputs.model, {}));
  const costByName = new Map(cost.nodes.filter((n) => n.graphPath === '').map((n) => [n.name, n]));
  return {
    ...inputs,
    opset: defaultOpset(inputs.model),
    index: indexGraph(inputs.model.graph ?? {}),
    shapes,
    cost,
    symbolicCost,
    costByName,
    assumedDims,
    dimAssumptions: planned.assumed,
    effectiveDims: dims,
  };
}

export interface Share {
  readonly share: number;
  /** 'profile' (measured time share) or 'flops' (static FLOPs share when no profile was given). */
  readonly source: 'profile' | 'flops';
}

/** The latency share of the given main-graph nodes: from the profile when there is one, else from FLOPs. */
export function latencyShare(ctx: AdviceContext, nodes: ReadonlySet<string>): Share {
  if (ctx.profile) {
    let share = 0;
    for (const p of ctx.profile.nodes) if (p.nodes.some((n) => nodes.has(n))) share += p.share;
    return { share: Math.min(1, share), source: 'profile' };
  }
  const total = ctx.cost.totals.flops;
  let f = 0;
  for (const n of ctx.cost.nodes) if (n.graphPath === '' && nodes.has(n.name)) f += n.flops ?? 0;
  return { share: total > 0 ? f / total : 0, source: 'flops' };
}

/** Main-graph node names by op type. */
export function nodesOfOps(ctx: AdviceContext, ops: readonly string[]): string[] {
  return ctx.cost.nodes.filter((n) => n.graphPath === '' && ops.includes(n.op)).map((n) => n.name);
}

export function pct(x: number): string {
  return `${(100 * x).toFixed(x < 0.1 ? 1 : 0)}%`;
}

/** Bytes in advice text, in the one unit policy (src/protocol/units.ts) so they read as Layer Costs does. */
export function mib(bytes: number): string {
  return formatBytes(bytes);
}
