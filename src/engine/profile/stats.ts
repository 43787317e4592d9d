/** Order statistics for latency samples. */
import type { LatencyStats } from '../report/profileReport';

/** Linear-interpolated quantile (numpy's default 'linear' method). */
export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export function latencyStats(ms: readonly number[]): LatencyStats {
  return {
    runs: ms.length,
    p50: quantile(ms, 0.5),
    p90: quantile(ms, 0.9),
    // A loop, not Math.min(...ms): spreading a long array overflows the call stack.
    min: ms.reduce((a, b) => Math.min(a, b), Infinity),
    max: ms.reduce((a, b) => Math.max(a, b), -Infinity),
    mean: ms.reduce((a, b) => a + b, 0) / ms.length,
  };
}
