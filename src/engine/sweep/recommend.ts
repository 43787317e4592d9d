/**
 * The sweep's recommendation. With a latency budget: the cheapest configuration whose p90 meets it (fewest
 * threads, then the most throughput among those), and the max-throughput one within it. Without a budget:
 * the max-throughput configuration, and the lowest-latency one.
 */
import type { SweepPoint } from './sweepPoint';

export interface Recommendation {
  /** What `point` is: within the budget at least cost, the fastest overall, or nothing meets the budget. */
  readonly kind: 'cheapest-within-budget' | 'max-throughput' | 'none-meets-budget' | 'no-points';
  readonly point: SweepPoint | null;
  /** With a budget: the max-throughput point whose p90 meets it. */
  readonly maxThroughputWithinBudget: SweepPoint | null;
  /** The point with the lowest p90 (the best any configuration did for latency). */
  readonly lowestLatency: SweepPoint | null;
  readonly reason: string;
}

const ms = (x: number): string => `${Number(x.toPrecision(4))} ms`;

const byThroughput = (a: SweepPoint, b: SweepPoint): number => b.throughput - a.throughput;

const describe = (p: SweepPoint): string =>
  `${p.provider}, ${p.threads} thread(s), batch ${p.batch}: p50 ${p.p50Ms.toFixed(2)} ms, p90 ${p.p90Ms.toFixed(2)} ms, ${p.throughput.toFixed(1)} items/s`;

export function recommend(points: readonly SweepPoint[], budgetMs?: number): Recommendation {
  if (!points.length)
    return {
      kind: 'no-points',
      point: null,
      maxThroughputWithinBudget: null,
      lowestLatency: null,
      reason: 'no configuration ran',
    };
  const lowestLatency = [...points].sort((a, b) => a.p90Ms - b.p90Ms)[0]!;
  if (budgetMs === undefined) {
    const best = [...points].sort(byThroughput)[0]!;
    return {
      kind: 'max-throughput',
      point: best,
      maxThroughputWithinBudget: null,
      lowestLatency,
      reason: `no budget given: the highest throughput is ${describe(best)}; the lowest latency ${describe(lowestLatency)}`,
    };
  }
  const within = points.filter((p) => p.p90Ms <= budgetMs);
  if (!within.length)
    return {
      kind: 'none-meets-budget',
      point: null,
      maxThroughputWithinBudget: null,
      lowestLatency,
      reason: `no configuration has p90 ≤ ${ms(budgetMs)}; the lowest is ${describe(lowestLatency)}`,
    };
  const fewest = Math.min(...within.map((p) => p.threads));
  const cheapest = within.filter((p) => p.threads === fewest).sort(byThroughput)[0]!;
  const fastest = [...within].sort(byThroughput)[0]!;
  return {
    kind: 'cheapest-within-budget',
    point: cheapest,
    maxThroughputWithinBudget: fastest,
    lowestLatency,
    reason: `cheapest with p90 ≤ ${ms(budgetMs)}: ${describe(cheapest)}${fastest !== cheapest ? `; the most throughput within the budget: ${describe(fastest)}` : ''}`,
  };
}
