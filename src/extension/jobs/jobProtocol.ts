/**
 * Messages between the extension host and its job workers (worker threads running engine work off the host
 * thread). One request per worker: the host starts a worker for a job and terminates it when the job ends or
 * is cancelled, so cancelling never waits for the engine to notice a flag.
 */
import type { OptimizeConfig, Suggestion as AdviceSuggestion } from '../../engine/advise/adviceTypes';
import type { ProfileReport } from '../../engine/report/profileReport';
import type { SweepResult } from '../../engine/sweep/sweep';
import type { LayerCostReport } from '../views/layerCostModel';
import type { GraphView } from './graphView';

/** Settings a job needs, already validated by settings.ts (plain data: it crosses a thread boundary). */
export interface JobRuntime {
  readonly executionProvider: string;
  readonly intraOpThreads?: number;
  readonly dims: Readonly<Record<string, number>>;
  readonly inputShapes: Readonly<Record<string, readonly number[]>>;
}

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
}

export interface OptimizeResult {
  readonly outFile: string;
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

export interface JobKinds {
  graph: { params: { file: string; dims: Readonly<Record<string, number>> }; result: GraphView };
  summary: { params: { file: string; dims: Readonly<Record<string, number>> }; result: { text: string } };
  profile: {
    params: { file: string; runtime: JobRuntime; runs: number; warmupRuns: number };
    result: LayerCostReport;
  };
  optimize: { params: OptimizeParams; result: OptimizeResult };
  compare: {
    params: { a: string; b: string; runtime: JobRuntime; runs: number };
    result: ComparisonSummary;
  };
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

/** Worker → host. */
export type JobMessage =
  | { readonly type: 'progress'; readonly message: string; readonly fraction?: number }
  | { readonly type: 'done'; readonly result: unknown }
  | { readonly type: 'cancelled' }
  | { readonly type: 'failed'; readonly message: string };

/** Host → worker: stop at the next check between runs (the worker then posts 'cancelled'). */
export type HostToJobWorker = { readonly type: 'cancel' };

/** The marker in `workerData` that makes dist/extension.js run as a job worker instead of an extension. */
export const JOB_WORKER_MARKER = 'onnxTunerJobWorker';
