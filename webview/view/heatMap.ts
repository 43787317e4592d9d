/**
 * Heat-map colours: a sequential yellow→red ramp over a unit's cost relative to the most expensive unit.
 * The ramp is fixed (not themed) so "hot" reads the same in light, dark and high-contrast themes; text on it
 * is always drawn dark. The latency delta is signed: slower nodes take the same ramp, faster ones a blue one.
 */
import type {
  ErrorOverlay,
  GraphHeatMetric,
  HeatMapMetric,
  LatencyDeltaOverlay,
  ProfileOverlay,
  ProfileOverlayNode,
} from '../../src/protocol/webviewProtocol';

/** Legend text per metric. */
export const METRIC_LABELS: Readonly<Record<GraphHeatMetric, string>> = {
  latency: 'share of latency',
  memory: 'memory (activations + params)',
  flops: 'FLOPs',
  error: 'error of the optimized model (noise / signal)',
  latencyDelta: 'latency delta, optimized − original (blue faster, red slower)',
};

/** Metrics whose costs have a sign (drawn on a two-sided scale, normalised by the largest magnitude). */
export const SIGNED_METRICS: ReadonlySet<GraphHeatMetric> = new Set(['latencyDelta']);

function cost(n: ProfileOverlayNode, metric: HeatMapMetric): number | undefined {
  switch (metric) {
    case 'latency':
      return n.share;
    case 'memory':
      return n.activationBytes + n.paramBytes;
    case 'flops':
      return n.flops;
  }
}

/**
 * Colour for t in [0,1]: hue 55° (yellow) down to 0° (red). The square root spreads the many small values
 * (per-node shares are heavy-tailed: a few convs take most of the time), so mid-cost nodes read as orange.
 */
export function heatColour(t: number): string {
  if (t < 0) {
    const c = Math.sqrt(Math.min(1, -t));
    return `hsl(${Math.round(190 + 25 * c)}, 80%, ${Math.round(75 - 20 * c)}%)`;
  }
  const c = Math.sqrt(Math.min(1, Math.max(0, t)));
  return `hsl(${Math.round(55 - 55 * c)}, 90%, ${Math.round(70 - 20 * c)}%)`;
}

/**
 * The legend's ramp drawn with heatColour itself at evenly spaced costs, so the legend and the nodes are one
 * scale (the legend was a hand-written CSS gradient that had drifted from the nodes' colours).
 */
export function legendGradient(steps = 10, signed = false): string {
  const at = (i: number): number => (signed ? (2 * i) / steps - 1 : i / steps);
  const stops = Array.from({ length: steps + 1 }, (_, i) => `${heatColour(at(i))} ${Math.round((100 * i) / steps)}%`);
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

/** Cost per node name for the chosen metric; a node whose cost is unknown (FLOPs of an op the cost model
 * does not know) is left out, so it stays uncoloured instead of reading as free. */
export function nodeCosts(overlay: ProfileOverlay, metric: HeatMapMetric): Map<string, number> {
  const costs = new Map<string, number>();
  for (const n of overlay.nodes) {
    const c = cost(n, metric);
    if (c !== undefined) costs.set(n.name, c);
  }
  return costs;
}

/**
 * Error per node name as a cost: the noise-to-signal power ratio 10^(−SNR/10). It is zero for an exact node and
 * grows as SNR falls, so the hottest nodes are those `compare --localize` ranks first (worst SNR first), and it
 * adds up sensibly when a collapsed group sums its members (SNR in dB does not).
 */
export function errorCosts(errors: ErrorOverlay): Map<string, number> {
  const costs = new Map<string, number>();
  for (const n of errors.nodes)
    costs.set(n.name, Number.isFinite(n.snrDb) ? 10 ** (-n.snrDb / 10) : n.snrDb < 0 ? 1e9 : 0);
  return costs;
}

/** The legend of the error metric: which ranking it colours by (the one `compare --localize` printed). */
export function errorLegend(errors: ErrorOverlay): string {
  return errors.ranking === 'added'
    ? 'error each node adds (noise / signal, fed the original inputs)'
    : METRIC_LABELS.error;
}

/** The costs the chosen metric colours by, or undefined when its data has not arrived (no profile, no error). */
export function heatCosts(
  metric: GraphHeatMetric,
  profile: ProfileOverlay | undefined,
  errors: ErrorOverlay | undefined,
  deltas?: LatencyDeltaOverlay,
): Map<string, number> | undefined {
  if (metric === 'error') return errors ? errorCosts(errors) : undefined;
  if (metric === 'latencyDelta') return deltas ? new Map(deltas.nodes.map((n) => [n.name, n.deltaMs])) : undefined;
  return profile ? nodeCosts(profile, metric) : undefined;
}

/**
 * Each unit's summed member cost normalised to the largest magnitude (so a signed cost stays in [−1, 1]); NaN
 * where no member was profiled.
 */
export function unitHeat(
  members: readonly (readonly number[])[],
  nodeNames: readonly string[],
  costs: ReadonlyMap<string, number>,
): Float64Array {
  const heat = new Float64Array(members.length).fill(NaN);
  let max = 0;
  members.forEach((ids, u) => {
    let sum = 0;
    let any = false;
    for (const id of ids) {
      const c = costs.get(nodeNames[id]!);
      if (c !== undefined) {
        sum += c;
        any = true;
      }
    }
    if (any) {
      heat[u] = sum;
      max = Math.max(max, Math.abs(sum));
    }
  });
  if (max > 0) for (let u = 0; u < heat.length; u++) heat[u] = heat[u]! / max;
  return heat;
}
