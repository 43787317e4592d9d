/**
 * The one runtime shape every job receives, from the CLI's flags or the extension's settings alike, and the
 * defaults both front ends share (the extension's package.json declares the same values; a test checks).
 */
import type { ExecutionProvider, RuntimeSettings } from './sessionOptions';

/** Session settings plus the input shapes a job feeds; `dims` travels here once, not beside it. */
export interface JobRuntime extends RuntimeSettings {
  readonly executionProvider: ExecutionProvider;
  readonly dims: Readonly<Record<string, number>>;
  readonly inputShapes: Readonly<Record<string, readonly number[]>>;
}

/** Measured runs of a profile. */
export const DEFAULT_PROFILE_RUNS = 20;
/** Warm-up runs before them (first runs allocate and tune kernels: not what a deployment sees). */
export const DEFAULT_WARMUP_RUNS = 5;
/** Alternating A/B runs of a comparison. */
export const DEFAULT_COMPARE_RUNS = 20;
/** Intra-op threads: 0 leaves the choice to onnxruntime (one per physical core), in the CLI and the extension. */
export const DEFAULT_THREADS = 0;
