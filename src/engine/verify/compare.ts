/**
 * `compare(original, optimized)`: does the optimized model still compute the same thing, and is it worth it?
 * Per output: max/mean abs error, cosine, SNR, argmax agreement (over several input sets); A/B latency with
 * alternating runs; file size ratio; node counts by op type. Both sessions use the same runtime settings.
 */
import { inputFilesOf } from '../runtime/feedSource';
import { explainRunError } from '../runtime/runErrors';
import { planInputs, type InputPlan } from '../graph/inputPlan';
import { throwIfCancelled } from '../cancel';
import type * as ort from 'onnxruntime-node';
import type { ModelProto } from '../onnx/types';
import type { RuntimeSettings } from '../runtime/sessionOptions';
import { adaptFeeds, synthesizeFeeds, type FeedOptions, type Feeds } from './feeds';
import { measureAB, type LatencyComparison } from './latency';
import { createSession, loadSource, type ModelSource } from './modelSource';
import { diffOpCounts, type OpCountDiff } from './nodeDiff';
import { mergeMetrics, tensorMetrics, tensorValues, type TensorMetrics } from './outputMetrics';

export interface CompareOptions extends FeedOptions {
  readonly runtime?: RuntimeSettings;
  /** Input sets to compare outputs on; default: `inputSets` synthesised sets with seeds seed, seed+1, ... */
  readonly inputs?: readonly Feeds[];
  readonly inputSets?: number;
  /** Measured A/B latency runs (0: skip latency). Default 20. */
  readonly latencyRuns?: number;
  readonly warmupRuns?: number;
  /** Stops the comparison between runs (CancelledError). */
  readonly signal?: AbortSignal;
}

export interface OutputComparison extends TensorMetrics {
  readonly name: string;
  readonly dims: readonly number[];
}

export interface CompareReport {
  readonly a: string;
  readonly b: string;
  readonly outputs: readonly OutputComparison[];
  /** Outputs present in only one model. */
  readonly unmatchedOutputs: readonly string[];
  readonly inputSets: number;
  readonly latency?: LatencyComparison;
  readonly size: { readonly a: number; readonly b: number; readonly ratio: number };
  readonly nodes: { readonly a: number; readonly b: number; readonly byOp: readonly OpCountDiff[] };
  readonly runtime: RuntimeSettings;
  /**
   * Dims assumed for synthesised inputs and the values drawn, with reasons, and the shape fed to each input
   * with an open dim (absent when inputs were given; `inputShapes` absent in older reports).
   */
  readonly inputPlan?: Pick<InputPlan, 'assumed' | 'ranges'> & Partial<Pick<InputPlan, 'inputShapes'>>;
}

function countNodes(model: ModelProto): number {
  return model.graph?.node?.length ?? 0;
}

export async function compare(
  original: ModelSource,
  optimized: ModelSource,
  opts: CompareOptions = {},
): Promise<CompareReport> {
  const A = loadSource(original, 'A');
  const B = loadSource(optimized, 'B');
  const runtime = opts.runtime ?? {};
  const sa = await createSession(A.ortInput, runtime);
  const sb = await createSession(B.ortInput, runtime);
  try {
    const sets =
      opts.inputs ??
      // A folder of input files is the comparison set: one input set per file.
      (opts.inputsFile && inputFilesOf(opts.inputsFile).length > 1
        ? inputFilesOf(opts.inputsFile).map((f) => synthesizeFeeds(sa, { ...opts, model: A.proto, inputsFile: f }))
        : undefined) ??
      Array.from({ length: opts.inputSets ?? 2 }, (_, k) =>
        synthesizeFeeds(sa, { ...opts, model: A.proto, seed: (opts.seed ?? 42) + k }),
      );
    const perOutput = new Map<string, { dims: readonly number[]; list: TensorMetrics[] }>();
    const bNames = new Set(sb.outputNames);
    for (const feeds of sets) {
      throwIfCancelled(opts.signal, 'the comparison');
      const ra = await sa.run(feeds).catch((e: unknown) => Promise.reject(explainRunError(e, feeds, A.label)));
      const rb = await sb
        .run(adaptFeeds(feeds, sb))
        .catch((e: unknown) => Promise.reject(explainRunError(e, feeds, B.label)));
      for (const name of sa.outputNames) {
        if (!bNames.has(name)) continue;
        const ta = ra[name]!;
        const tb = rb[name]!;
        const va = tensorValues(ta);
        const vb = tensorValues(tb);
        if (!va || !vb || va.length !== vb.length) continue;
        const entry = perOutput.get(name) ?? { dims: ta.dims, list: [] };
        entry.list.push(tensorMetrics(va, vb, ta.dims));
        perOutput.set(name, entry);
      }
    }
    const outputs = [...perOutput].map(([name, e]) => ({ name, dims: e.dims, ...mergeMetrics(e.list) }));
    const unmatched = [
      ...sa.outputNames.filter((n) => !bNames.has(n)),
      ...sb.outputNames.filter((n) => !sa.outputNames.includes(n)),
    ];
    const latencyRuns = opts.latencyRuns ?? 20;
    let latency: LatencyComparison | undefined;
    if (latencyRuns > 0 && sets[0]) {
      const fa: ort.InferenceSession.FeedsType = sets[0];
      latency = await measureAB(sa, sb, fa, adaptFeeds(sets[0], sb), {
        runs: latencyRuns,
        warmupRuns: opts.warmupRuns ?? 3,
        signal: opts.signal,
      });
    }
    const report: CompareReport = {
      a: A.label,
      b: B.label,
      outputs,
      unmatchedOutputs: unmatched,
      inputSets: sets.length,
      size: { a: A.bytes, b: B.bytes, ratio: B.bytes / A.bytes },
      nodes: { a: countNodes(A.proto), b: countNodes(B.proto), byOp: diffOpCounts(A.proto, B.proto) },
      runtime,
      ...(opts.inputs
        ? {}
        : { inputPlan: planInputs(A.proto, { dims: opts.dims, inputShapes: opts.inputShapes, values: opts.values }) }),
    };
    return latency ? { ...report, latency } : report;
  } finally {
    await sa.release();
    await sb.release();
  }
}
