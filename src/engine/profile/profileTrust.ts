/**
 * Whether a profile's per-node shares can be trusted: the node table must explain most of model_run, and the
 * profiler must not distort the run it measures. Pure, so the thresholds are tested without timing anything.
 */

/** Above this fraction of model_run unexplained by node times, shares are incomplete (issue 20: 69–88% seen). */
export const MAX_UNCOVERED = 0.1;
/** Above this profiled/plain ratio, the profiler's own cost skews shares (issue 20: 2–4.9× on small models). */
export const MAX_PROFILER_OVERHEAD = 1.5;

export interface ProfileTrust {
  /** True when either warning fired: per-node shares should be read as approximate. */
  readonly sharesFlagged: boolean;
  readonly warnings: string[];
}

export function assessProfileTrust(coverage: number, profilerOverhead: number | null): ProfileTrust {
  const warnings: string[] = [];
  if (1 - coverage > MAX_UNCOVERED) {
    warnings.push(
      `node times explain only ${(coverage * 100).toFixed(1)}% of model_run (over ${MAX_UNCOVERED * 100}% uncovered): ` +
        'the rest is framework time between kernels, so per-node shares are of the covered part only',
    );
  }
  if (profilerOverhead !== null && profilerOverhead > MAX_PROFILER_OVERHEAD) {
    warnings.push(
      `the profiler slowed runs ${profilerOverhead.toFixed(2)}x (over ${MAX_PROFILER_OVERHEAD}x): ` +
        'small or short nodes are over-weighted in per-node shares; trust plain latency for totals',
    );
  }
  return { sharesFlagged: warnings.length > 0, warnings };
}

/** A report's own trust verdict, or one computed from its figures (reports written before it was stored). */
export function trustOf(r: {
  readonly trust?: { readonly sharesFlagged: boolean; readonly warnings: readonly string[] };
  readonly attribution: { readonly coverage: number };
  readonly latency: { readonly profilerOverhead: number | null };
}): { readonly sharesFlagged: boolean; readonly warnings: readonly string[] } {
  return r.trust ?? assessProfileTrust(r.attribution.coverage, r.latency.profilerOverhead);
}
