/**
 * Turns the engine's ProfileReport (the versioned report contract) into the Layer Costs view's rows, joined
 * with the static cost model's FLOPs, plus the suggestions the view and the Problems panel show.
 *
 * The suggestion rules here are a stop-gap until src/engine/advise exists: each one is a plain reading of
 * the profile (which op types dominate, whether their weights are still float) and names the optimize step
 * that acts on it.
 */
import type { ProfileReport } from '../../engine/report/profileReport';
import type { LayerCost, LayerCostReport, Suggestion } from './layerCostModel';

/** Static per-node figures (from the graph job) keyed by file node name. */
export type StaticCosts = Readonly<
  Record<string, { readonly flops: number | null; readonly outputBytes: number | null }>
>;

const QUANTIZABLE = new Set(['MatMul', 'Gemm', 'Conv', 'FusedConv', 'FusedMatMul', 'FusedGemm']);
const QUANTIZED = /Integer|QLinear|DynamicQuantize|DequantizeLinear|MatMulNBits/;

export function profileSuggestions(report: ProfileReport): Suggestion[] {
  const out: Suggestion[] = [];
  const quantizable = report.nodes.filter((n) => QUANTIZABLE.has(n.op));
  const alreadyQuantized = report.nodes.some((n) => QUANTIZED.test(n.op));
  const share = quantizable.reduce((a, n) => a + n.share, 0);
  if (!alreadyQuantized && share >= 0.3) {
    out.push({
      id: 'quantize-dynamic',
      title: 'Quantize weights to int8',
      // Honest about speed: int8 MatMul/Gemm ran ~2× faster here (VNNI), but ConvInteger can be slower than
      // float Conv on CPU (ppocr-det: 4× slower) — the comparison report after Optimize measures it.
      detail: `${quantizable.length} MatMul/Gemm/Conv nodes take ${(share * 100).toFixed(0)}% of the time with float weights. Dynamic int8 makes their weights ~4× smaller; MatMul/Gemm usually run faster, Conv may not — the comparison report measures it.`,
      severity: 'warning',
      action: 'quantize-dynamic',
    });
    for (const n of quantizable.slice(0, 3))
      out.push({
        id: `quantize-node:${n.name}`,
        title: 'Heavy float layer',
        detail: `${(n.share * 100).toFixed(1)}% of the time; a candidate for int8.`,
        severity: 'info',
        node: n.nodes[0] ?? n.name,
        action: 'quantize-dynamic',
      });
  }
  if (report.attribution.coverage < 0.8 && report.attribution.coverage > 0)
    out.push({
      id: 'coverage',
      title: 'Time outside the nodes',
      detail: `The node table explains ${(report.attribution.coverage * 100).toFixed(0)}% of a run; the rest is session overhead (copies, allocation).`,
      severity: 'info',
    });
  return out;
}

export function toLayerCostReport(report: ProfileReport, costs: StaticCosts = {}): LayerCostReport {
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
    nodes,
    suggestions: profileSuggestions(report),
    source: report,
  };
}
