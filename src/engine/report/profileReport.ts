/**
 * The `profile` report: where a model's inference time and memory go, node by node, measured with
 * onnxruntime's profiler. Part of the versioned report contract (schemaVersion.ts): the CLI's `--json`, the
 * HTML report, the Layer Costs tree view and the graph overlay all read this one shape.
 */
import type { DimAssumption } from '../graph/defaultDims';
import type { InputValueRange } from '../graph/inputValueRanges';
import type { OptimizationLevel } from '../runtime/sessionOptions';

/** Latency over the measured runs, in milliseconds. */
export interface LatencyStats {
  readonly runs: number;
  readonly p50: number;
  readonly p90: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
}

/**
 * How a profiled node relates to the file's nodes: `exact` (same node), `fused` (ORT built it from the
 * listed file nodes, found through the optimized model it saved; where the fused region cannot be bounded
 * only the node the fusion is named after is listed), `inserted` (ORT added it, e.g. a layout reorder or a
 * precision cast; `nodes` lists the file node it was derived from when known, else nothing).
 */
export type NodeMatch = 'exact' | 'fused' | 'inserted';

export interface NodeProfile {
  /** The node name onnxruntime ran (the trace's `<name>_kernel_time`). */
  readonly name: string;
  readonly op: string;
  readonly provider: string;
  readonly match: NodeMatch;
  /** Where the (first) covered file node lives: '' for the main graph, else `<node>/<subgraph name>` as in the inspect report, e.g. 'If_0/If_0_else_branch'; null if unknown. */
  readonly graphPath: string | null;
  /** File node names this entry covers (one for `exact`). */
  readonly nodes: string[];
  /** Kernel invocations per measured run (more than 1 inside Loop/Scan bodies). */
  readonly calls: number;
  /** Measured runs in which the node ran at all (If branches run only when taken). */
  readonly runsSeen: number;
  /** Self time per run (time spent in subgraphs is attributed to their nodes, not to the If/Loop). */
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  /** meanMs / mean model_run time (the shares of all nodes add up to `attribution.coverage`). */
  readonly share: number;
  /** Bytes of the node's outputs (trace `output_size`). */
  readonly outputBytes: number;
  /** Bytes of the node's non-constant inputs (trace `activation_size`). */
  readonly activationBytes: number;
  /** Bytes of the node's constant inputs as ORT saw them (trace `parameter_size`; 0 where ORT pre-packed the weight). */
  readonly paramBytes: number;
  /** Bytes of the initializers/constants the covered file nodes read (from the graph); null if not matched. */
  readonly graphParamBytes: number | null;
  /** Static output bytes of the (exact) file node from shape inference with the run's input shapes; null if unknown. */
  readonly graphOutputBytes: number | null;
  /** FLOPs of the covered file nodes from the static cost model; null if unknown. */
  readonly flops: number | null;
  /** The CPU arena's bytes in use at its peak while this node ran (trace `mem_in_use_peak`); null without an arena. */
  readonly arenaPeakBytes: number | null;
  /** Output types and shapes as the trace reports them. */
  readonly outputShapes: { type: string; dims: number[] }[];
}

export interface OpTypeProfile {
  readonly op: string;
  readonly nodes: number;
  readonly meanMs: number;
  readonly share: number;
}

export interface ProfileReport {
  readonly schemaVersion: number;
  readonly kind: 'profile';
  readonly file: string;
  readonly createdAt: string;
  readonly settings: {
    readonly executionProvider: string;
    readonly optimizationLevel: OptimizationLevel;
    readonly intraOpThreads: number | null;
    readonly runs: number;
    readonly warmup: number;
  };
  /** Which graph the node numbers are for, in words (depends on the optimization level). */
  readonly levelNote: string;
  readonly inputs: { name: string; type: string; dims: number[]; origin: 'file' | 'value' | 'synthetic' }[];
  /** Symbolic dims that were still open after planning, set to 1 (normally none). */
  readonly assumedDims: string[];
  /** Dims assumed for the synthesised inputs and the values they were drawn from, with reasons. */
  readonly inputPlan?: { readonly assumed: DimAssumption[]; readonly ranges: InputValueRange[] };
  readonly latency: {
    /** Wall-clock time of `session.run()` with the profiler on. */
    readonly profiled: LatencyStats;
    /** The trace's own `model_run` durations. */
    readonly modelRun: LatencyStats;
    /** Wall-clock time in a plain session (no profiler), same settings and inputs; null when skipped. */
    readonly plain: LatencyStats | null;
    /** profiled.p50 / plain.p50. */
    readonly profilerOverhead: number | null;
  };
  readonly attribution: {
    /** Mean per run of the node self times. */
    readonly nodeMs: number;
    /** Mean model_run time. */
    readonly modelRunMs: number;
    /** nodeMs / modelRunMs: how much of a run the node table explains. */
    readonly coverage: number;
  };
  readonly memory: {
    /** Growth of the runtime process's peak RSS (VmHWM) during the measured runs; null where unavailable. */
    readonly peakRssGrowthBytes: number | null;
    readonly peakRssBytes: number | null;
    /** Largest `mem_in_use_peak` of the CPU arena seen in the trace; null without an arena. */
    readonly arenaPeakBytes: number | null;
  };
  /** Nodes sorted by p50 (descending). */
  readonly nodes: NodeProfile[];
  /** Per op type, sorted by mean time (descending). */
  readonly opTypes: OpTypeProfile[];
  /** File nodes that never showed up in the trace (constants folded away, untaken branches, fused-away nodes). */
  readonly unprofiledNodeCount: number;
  /**
   * Whether per-node shares can be read as exact: warnings when node times leave over 10% of model_run
   * unexplained or the profiler slowed runs over 1.5× (profileTrust.ts). Absent in reports from older versions.
   */
  readonly trust?: { readonly sharesFlagged: boolean; readonly warnings: readonly string[] };
}
