/** One measured point of a compute-scaling sweep: its own module so recommend.ts and sweep.ts need not import each other. */
import type { ExecutionProvider } from '../runtime/sessionOptions';

export interface SweepPoint {
  readonly provider: ExecutionProvider;
  readonly threads: number;
  readonly batch: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  /** Items per second at the median latency: batch · 1000 / p50. */
  readonly throughput: number;
  /**
   * Growth of this process's peak RSS (VmHWM) from before the session was created to the end of its runs
   * (weights, arena, activations); null off Linux. Memory the allocator kept from earlier points is reused
   * without growing RSS, so later points can read low.
   */
  readonly peakRssGrowthBytes: number | null;
  /** The cost model's estimate for this batch: weights + activation peak (a lower bound). */
  readonly estimatedBytes: number | null;
}
