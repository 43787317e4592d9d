/**
 * The extension's engine jobs: what each kind takes and gives. They run in a job process (jobProcess.ts),
 * one per job, started and supervised by JobRunner; params and results are plain data (they cross a process
 * boundary with structured clone).
 */
import type { OptimizeConfig, Suggestion as AdviceSuggestion } from '../../engine/advise/adviceTypes';
import type { ProfileReport } from '../../engine/report/profileReport';
import type { JobRuntime } from '../../engine/runtime/jobRuntime';
import type { SweepResult } from '../../engine/sweep/sweep';
import type { LayerCostReport } from '../../engine/report/layerCosts';
import type { GraphView } from '../../engine/graph/graphView';
import type { InputSignature } from '../../engine/graph/fitInputShapes';
import type { GraphDiffView } from '../../engine/graph/diffGraphView';
import type { ErrorOverlay } from '../../protocol/webviewProtocol';
import type { Candidate } from '../../engine/optimize/candidates';

export type { JobRuntime };

export type OptimizeStepName = 'simplify' | 'prune' | 'quantize-dynamic' | 'fp16';

export interface OptimizeParams {
  readonly file: string;
  readonly outFile: string;
  readonly steps: readonly OptimizeStepName[];
  readonly runtime: JobRuntime;
  /** Unstructured magnitude pruning ratio when 'prune' is a step (0–1). */
  readonly pruneRatio: number;
  readonly compareRuns: number;
  /** A suggestion's pre-filled configuration (advice engine), applied after `steps`. */
  readonly config?: OptimizeConfig;
  /** Exact names of nodes the quantize steps keep in float (the model's exclusion list; issue 18). */
  readonly keepFloat?: readonly string[];
  /** Exact names of nodes the quantize steps run in float16 instead of int8 ("Keep in fp16"). */
  readonly keepFp16?: readonly string[];
  /**
   * The candidate an automatic optimize kept: its recipe (simplify, then its quantizer with the settings the
   * automatic choice measured, autoOptimize.ts candidateSteps) is run instead of `steps` (issue 18: Re-quantize).
   */
  readonly candidate?: Candidate;
}

/** Optimize's automatic choice (the CLI's `optimize MODEL` with no transform named), run by the engine. */
export interface AutoOptimizeParams {
  readonly file: string;
  /** The output name template (settings); the suffix follows the candidate kept (engine/transform/outputName). */
  readonly outputNaming: string;
  readonly runtime: JobRuntime;
  readonly compareRuns: number;
}

export interface AutoOptimizeJobResult {
  /** The file written, or null when no candidate improved the model (nothing is written then). */
  readonly outFile: string | null;
  /** The verdict line, then one line per candidate with its measurements. */
  readonly verdictLines: readonly string[];
  readonly steps: readonly { readonly name: string; readonly summary: string }[];
  readonly comparison: ComparisonSummary | null;
  /** The candidate whose model was written (its recipe is what Re-quantize reruns); null when none was. */
  readonly candidate: Candidate | null;
}

export interface OptimizeResult {
  /** The file written, or null when no step changed the model (no copy is written then). */
  readonly outFile: string | null;
  readonly bytes: number;
  readonly steps: readonly { readonly name: string; readonly summary: string }[];
  readonly comparison: ComparisonSummary | null;
}

/** The comparison of two models, reduced to what the report view shows. */
export interface ComparisonSummary {
  readonly a: string;
  readonly b: string;
  readonly sizeA: number;
  readonly sizeB: number;
  readonly nodesA: number;
  readonly nodesB: number;
  readonly latency: { readonly aMs: number; readonly bMs: number; readonly ratio: number } | null;
  readonly outputs: readonly {
    readonly name: string;
    readonly maxAbsError: number;
    readonly cosine: number;
  }[];
  readonly notes: readonly string[];
}

/** "Find fewest exclusions": the engine's greedy search (optimize/exclusionSearch.ts) for one quantizer. */
export interface ExclusionSearchParams {
  readonly file: string;
  /** Where the first iteration that reaches the target is written (nothing is written when none does). */
  readonly outFile: string;
  readonly mode: 'dynamic';
  readonly targetCosine: number;
  readonly maxExclusions: number;
  readonly runtime: JobRuntime;
  readonly compareRuns: number;
}

export interface ExclusionSearchJobResult {
  /** One per round, in order: what was kept float and what that measured. */
  readonly iterations: readonly {
    readonly keepFloat: readonly string[];
    readonly comparison: ComparisonSummary;
  }[];
  /** Index of the first iteration that reached the target. */
  readonly reached: number | null;
  readonly outFile: string | null;
}

export interface JobKinds {
  graph: {
    params: {
      file: string;
      dims: Readonly<Record<string, number>>;
      inputShapes: Readonly<Record<string, readonly number[]>>;
    };
    result: GraphView;
  };
  summary: {
    params: {
      file: string;
      dims: Readonly<Record<string, number>>;
      inputShapes: Readonly<Record<string, readonly number[]>>;
    };
    result: { text: string };
  };
  /** The model's declared inputs, to fit the configured shapes to it (inputs/modelInputs.ts). */
  inputs: { params: { file: string }; result: InputSignature[] };
  graphDiff: { params: { a: string; b: string; dims: Readonly<Record<string, number>> }; result: GraphDiffView };
  profile: {
    params: { file: string; runtime: JobRuntime; runs: number; warmupRuns: number };
    result: LayerCostReport;
  };
  optimize: { params: OptimizeParams; result: OptimizeResult };
  optimizeAuto: { params: AutoOptimizeParams; result: AutoOptimizeJobResult };
  compare: {
    params: { a: string; b: string; runtime: JobRuntime; runs: number };
    result: ComparisonSummary;
  };
  /** Per-node error of B against A on the comparison's inputs, fetched in bounded chunks (localize.ts). */
  nodeErrors: { params: { a: string; b: string; runtime: JobRuntime }; result: ErrorOverlay };
  exclusionSearch: { params: ExclusionSearchParams; result: ExclusionSearchJobResult };
  advise: {
    params: { file: string; runtime: JobRuntime; profile?: ProfileReport };
    result: readonly AdviceSuggestion[];
  };
  sweep: { params: SweepParams; result: SweepResult };
}

/** The sweep's options that cross the thread boundary (engine SweepOptions minus the callbacks). */
export interface SweepParams {
  readonly file: string;
  readonly threads?: readonly number[];
  readonly batches?: readonly number[];
  readonly maxBatch?: number;
  readonly runs: number;
  readonly warmupRuns: number;
  readonly dims: Readonly<Record<string, number>>;
  readonly inputShapes: Readonly<Record<string, readonly number[]>>;
  readonly budgetMs?: number;
}

export type JobKind = keyof JobKinds;

export interface JobRequest<K extends JobKind = JobKind> {
  readonly kind: K;
  readonly params: JobKinds[K]['params'];
}
