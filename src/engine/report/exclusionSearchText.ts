/** The exclusion search as text: one row per round (what was kept float, and what that measured). */
import type { ExclusionSearchResult } from '../optimize/exclusionSearch';
import { speedText } from '../verify/verdict';

export function exclusionSearchRows(r: ExclusionSearchResult): string[] {
  const rows = [
    `round  float  min cosine  speed                  size   kept float`,
    ...r.iterations.map((it, i) => {
      const added = i > 0 ? `+ ${it.excluded[it.excluded.length - 1]}` : '(none)';
      const speed = it.latencyRatio === undefined ? 'not timed' : speedText(it.latencyRatio);
      return `${String(i + 1).padEnd(5)}  ${String(it.excluded.length).padEnd(5)}  ${it.minCosine.toFixed(4).padEnd(10)}  ${speed.padEnd(21)}  ${`${it.sizeRatio.toFixed(2)}×`.padEnd(5)}  ${added}${r.reached === i ? '  ← reached' : ''}`;
    }),
  ];
  return rows;
}
