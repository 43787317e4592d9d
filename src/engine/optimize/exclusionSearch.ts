/**
 * "Which nodes should I exclude?" (onnxruntime#14233, optimum#1418), answered by measurement: quantize,
 * compare with the original, and while the worst output's cosine is below the target, rank the quantized
 * nodes by the signal each loses itself (its output SNR minus what its input already lost, from per-node
 * localisation against the float model: quantize/sensitivity.ts), measure the output cosine with each of
 * the top few kept float, and keep the one that helps most; then quantize again. Greedy, one node per
 * round, so the list it ends with is short; every round is measured (latency A/B, size, cosine) and
 * returned as an iteration the user can pick from. Cancellable between runs.
 */
import * as ort from 'onnxruntime-node';
import { throwIfCancelled } from '../cancel';
import type { ModelProto } from '../onnx/types';
import { modelToBuffer } from '../onnx/writeModel';
import { runPipeline, type PipelineResult } from '../transform/common/pipeline';
import { quantizeStep, type QuantizeOptions } from '../transform/quantize/quantize';
import { rankQuantizedNodes } from '../transform/quantize/sensitivity';
import { compare, type CompareOptions, type CompareReport } from '../verify/compare';
import { synthesizeFeeds } from '../verify/feeds';
import type { ModelSource } from '../verify/modelSource';
import { exactName } from './exclusionFile';

export interface ExclusionIteration {
  /** Nodes kept in float in this round (exact names), in the order they were added. */
  readonly excluded: readonly string[];
  readonly minCosine: number;
  /** median(quantized)/median(original); undefined when latency was not measured. */
  readonly latencyRatio?: number;
  readonly sizeRatio: number;
  readonly report: CompareReport;
  readonly pipeline: PipelineResult;
}

export interface ExclusionSearchOptions {
  /** The quantizer and its settings (its own `excludeNodes` stay excluded throughout). */
  readonly quantize: QuantizeOptions;
  readonly targetCosine: number;
  /** Most nodes to keep float before giving up (default 10). */
  readonly maxExclusions?: number;
  readonly compare: CompareOptions;
  readonly signal?: AbortSignal;
  readonly onIteration?: (it: ExclusionIteration, round: number) => void;
}

export interface ExclusionSearchResult {
  readonly iterations: readonly ExclusionIteration[];
  /** Index of the first iteration that reached the target; undefined when none did. */
  readonly reached?: number;
}

/** How many of the most sensitive nodes each round measures before choosing one. */
export const TRIED_PER_ROUND = 4;

const minCosine = (r: CompareReport): number =>
  r.outputs.reduce((m, o) => Math.min(m, Number.isNaN(o.cosine) ? -1 : o.cosine), 1);

/** Names of the nodes the quantizer rewrote (its 'replaced' changes). */
function quantizedNodes(p: PipelineResult): Set<string> {
  return new Set(p.steps.flatMap((s) => s.changes.filter((c) => c.kind === 'replaced' && c.node).map((c) => c.node!)));
}

/** Two synthesised input sets for localisation (the worst of the two per tensor counts). */
async function localizationSamples(
  model: ModelProto,
  opts: ExclusionSearchOptions,
): Promise<Record<string, ort.Tensor>[]> {
  const s = await ort.InferenceSession.create(modelToBuffer(model));
  try {
    const feed = {
      dims: opts.quantize.dims,
      inputShapes: opts.quantize.inputShapes,
      model,
      ...opts.quantize.feedExtras,
    };
    return [0, 1].map((k) => synthesizeFeeds(s, { ...feed, seed: 77 + k }));
  } finally {
    await s.release();
  }
}

/**
 * `original` is what each round is compared against (its file, so sizes count from disk); `model` is the
 * float model the quantizer starts from (already simplified, if wanted: node names must match its own).
 */
export async function searchExclusions(
  original: ModelSource,
  model: ModelProto,
  opts: ExclusionSearchOptions,
): Promise<ExclusionSearchResult> {
  const max = opts.maxExclusions ?? 10;
  const base = opts.quantize.excludeNodes ?? [];
  const iterations: ExclusionIteration[] = [];
  const excluded: string[] = [];
  let samples: Record<string, ort.Tensor>[] | undefined;
  const quantized = (keepFloat: readonly string[]): Promise<PipelineResult> =>
    runPipeline(model, [quantizeStep({ ...opts.quantize, excludeNodes: [...base, ...keepFloat.map(exactName)] })]);
  /** Min output cosine with `keepFloat` kept float: one candidate of a round, outputs only. */
  const quantizeWith = async (keepFloat: readonly string[]): Promise<number> => {
    throwIfCancelled(opts.signal, 'the exclusion search');
    const p = await quantized(keepFloat);
    return minCosine(await compare(original, p.model, { ...opts.compare, latencyRuns: 0 }));
  };
  for (;;) {
    throwIfCancelled(opts.signal, 'the exclusion search');
    const pipeline = await quantized(excluded);
    const report = await compare(original, pipeline.model, opts.compare);
    const it: ExclusionIteration = {
      excluded: [...excluded],
      minCosine: minCosine(report),
      ...(report.latency ? { latencyRatio: report.latency.ratio } : {}),
      sizeRatio: report.size.ratio,
      report,
      pipeline,
    };
    iterations.push(it);
    opts.onIteration?.(it, iterations.length);
    if (it.minCosine >= opts.targetCosine) return { iterations, reached: iterations.length - 1 };
    const candidates = quantizedNodes(pipeline);
    if (excluded.length >= max || candidates.size === 0) return { iterations };
    samples ??= await localizationSamples(model, opts);
    const ranked = await rankQuantizedNodes(model, pipeline.model, candidates, samples, opts.compare.runtime);
    const next = await mostHelpful(
      ranked.map((r) => r.node).filter((n) => !excluded.includes(n)),
      (n) => quantizeWith([...excluded, n]),
    );
    if (next === undefined) return { iterations };
    excluded.push(next);
  }
}

/**
 * Of the `TRIED_PER_ROUND` nodes that lose most signal themselves, the one whose exclusion lifts the worst
 * output's cosine most, measured (outputs only, no timing). Local loss alone is not enough: on ppocr-det the
 * first Conv loses 22.9 dB, yet keeping it float lowered the output cosine from 0.64 to 0.21 (errors do not add up layer by layer).
 */
async function mostHelpful(
  ranked: readonly string[],
  cosineWithout: (node: string) => Promise<number>,
): Promise<string | undefined> {
  let best: { node: string; cosine: number } | undefined;
  for (const node of ranked.slice(0, TRIED_PER_ROUND)) {
    const cosine = await cosineWithout(node);
    if (!best || cosine > best.cosine) best = { node, cosine };
  }
  return best?.node;
}
