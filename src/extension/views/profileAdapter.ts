/**
 * Turns the engine's ProfileReport (the versioned report contract) into the Layer Costs view's rows, joined
 * with the static cost model's FLOPs, plus the suggestions the view and the Problems panel show.
 *
 * The suggestions come from the advice engine (src/engine/advise, run in a job process after the profile and
 * converted by adviceSuggestions.ts); this file adds only what the profile itself says about its coverage.
 */
import { trustOf } from '../../engine/profile/profileTrust';
import type { StaticCosts } from '../../engine/graph/graphView';
import { summarizeAssumedDims } from '../../engine/graph/inputPlan';
import type { ProfileReport } from '../../engine/report/profileReport';
import type { LayerCost, LayerCostReport, ProfiledInput, Suggestion } from '../../engine/report/layerCosts';

/** Static per-node figures (from the graph job) keyed by file node name. */
export type { StaticCosts };

/** What the profile says about itself (not advice): when its per-node shares are approximate, and why. */
export function profileNotes(report: ProfileReport): Suggestion[] {
  return trustOf(report).warnings.map((w, k) => ({
    id: `trust-${k}`,
    title: 'Per-node shares are approximate',
    detail: w,
    severity: 'warning',
  }));
}

/**
 * Each input's profiled shape and its origin: the setting that gave it (`shapeSources`), 'assumed' where the
 * input plan chose a dim, else 'the model' (all dims fixed in the file).
 */
export function profiledInputs(
  report: ProfileReport,
  shapeSources: Readonly<Record<string, string>> = {},
): ProfiledInput[] {
  const assumed = new Set((report.inputPlan?.assumed ?? []).map((a) => a.input));
  return report.inputs.map((i) => ({
    name: i.name,
    dims: i.dims,
    source:
      i.origin === 'file'
        ? 'from the inputs file'
        : (shapeSources[i.name] ?? (assumed.has(i.name) ? 'assumed' : 'the model')),
  }));
}

export function toLayerCostReport(
  report: ProfileReport,
  costs: StaticCosts = {},
  advice: readonly Suggestion[] = [],
  shapeSources: Readonly<Record<string, string>> = {},
): LayerCostReport {
  const totalP50 = report.nodes.reduce((a, n) => a + n.p50Ms, 0);
  const nodes: LayerCost[] = report.nodes.map((n) => {
    // A fused node covers several file nodes: show it under the first one's name (the graph can reveal it),
    // with the FLOPs of everything it covers.
    const name = n.nodes[0] ?? n.name;
    const flops = n.nodes.length
      ? n.nodes.reduce<number | null>((a, f) => {
          const c = costs[f]?.flops;
          return c === undefined || c === null ? a : (a ?? 0) + c;
        }, null)
      : null;
    return {
      name,
      op: n.op,
      p50Us: n.p50Ms * 1000,
      share: totalP50 > 0 ? n.p50Ms / totalP50 : 0,
      memoryBytes: n.outputBytes || costs[name]?.outputBytes || null,
      flops,
      paramBytes: n.graphParamBytes ?? n.paramBytes,
    };
  });
  return {
    file: report.file,
    runs: report.settings.runs,
    totalP50Ms: report.latency.modelRun.p50,
    optimizationLevel: report.settings.optimizationLevel,
    assumedDims: report.inputPlan ? summarizeAssumedDims(report.inputPlan.assumed) : '',
    inputs: profiledInputs(report, shapeSources),
    nodes,
    suggestions: [...advice, ...profileNotes(report)],
    source: report,
    trustWarnings: trustOf(report).warnings,
  };
}
