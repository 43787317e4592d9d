/**
 * Keyboard moves between connected units: up/down follow the first edge to a producer/consumer, left/right
 * move to the nearest unit in the same layer.
 */
import type { LayoutResult } from '../layout/layeredLayout';
import type { VisibleGraph } from './visibleGraph';

export type Direction = 'up' | 'down' | 'left' | 'right';

export function neighbour(view: VisibleGraph, layout: LayoutResult, from: number, dir: Direction): number {
  const e = view.edges;
  if (dir === 'up' || dir === 'down') {
    let best = -1;
    let bestDx = Infinity;
    for (let i = 0; i < e.length; i += 2) {
      const other = dir === 'down' ? (e[i] === from ? e[i + 1]! : -1) : e[i + 1] === from ? e[i]! : -1;
      if (other < 0) continue;
      const dx = Math.abs(layout.x[other]! - layout.x[from]!);
      if (dx < bestDx) [best, bestDx] = [other, dx];
    }
    return best;
  }
  let best = -1;
  let bestDx = Infinity;
  const layer = layout.layer[from];
  for (let u = 0; u < view.units.length; u++) {
    if (layout.layer[u] !== layer || u === from) continue;
    const dx = layout.x[u]! - layout.x[from]!;
    if ((dir === 'right' ? dx > 0 : dx < 0) && Math.abs(dx) < bestDx) [best, bestDx] = [u, Math.abs(dx)];
  }
  return best;
}
