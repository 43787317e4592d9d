/**
 * A/B latency measured side by side: the two sessions run alternately (A,B then B,A, ...) on the same
 * inputs, so drift on a shared machine hits both equally. The ratio is median(B)/median(A); the spread is
 * the interquartile range of the per-pair ratios B_i/A_i. Sessions must be created with thread-pool
 * spinning off (the default of toSessionOptions): a spinning pool steals the CPU from the other session.
 */
import { throwIfCancelled } from '../cancel';
import { quantile } from '../profile/stats';

export { quantile };
import type * as ort from 'onnxruntime-node';

export interface LatencyComparison {
  readonly runs: number;
  readonly aMedianMs: number;
  readonly bMedianMs: number;
  /** median(B) / median(A): below 1 means B is faster. */
  readonly ratio: number;
  /** 25th and 75th percentile of the paired ratios B_i/A_i. */
  readonly spread: readonly [number, number];
}

export interface LatencyOptions {
  readonly runs?: number;
  readonly warmupRuns?: number;
  /** Stops the measurement between runs. */
  readonly signal?: AbortSignal;
}

async function timeRun(s: ort.InferenceSession, feeds: ort.InferenceSession.FeedsType): Promise<number> {
  const t = performance.now();
  await s.run(feeds);
  return performance.now() - t;
}

export async function measureAB(
  a: ort.InferenceSession,
  b: ort.InferenceSession,
  feedsA: ort.InferenceSession.FeedsType,
  feedsB: ort.InferenceSession.FeedsType,
  opts: LatencyOptions = {},
): Promise<LatencyComparison> {
  const runs = opts.runs ?? 20;
  for (let i = 0; i < (opts.warmupRuns ?? 3); i++) {
    throwIfCancelled(opts.signal, 'the A/B timing');
    await a.run(feedsA);
    await b.run(feedsB);
  }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < runs; i++) {
    throwIfCancelled(opts.signal, 'the A/B timing');
    if (i % 2 === 0) {
      ta.push(await timeRun(a, feedsA));
      tb.push(await timeRun(b, feedsB));
    } else {
      tb.push(await timeRun(b, feedsB));
      ta.push(await timeRun(a, feedsA));
    }
  }
  const paired = ta.map((x, i) => tb[i]! / x);
  const aMedianMs = quantile(ta, 0.5);
  const bMedianMs = quantile(tb, 0.5);
  return {
    runs,
    aMedianMs,
    bMedianMs,
    ratio: bMedianMs / aMedianMs,
    spread: [quantile(paired, 0.25), quantile(paired, 0.75)],
  };
}
