/**
 * Compute-scaling sweep: latency, throughput and memory over intra-op thread counts, batch sizes and
 * execution providers. Each point gets a fresh session (so its memory is its own), warm-up runs, then
 * measured runs; batch sizes double until the memory cap (estimated by the cost model before a point runs,
 * measured after) or the largest asked for. Cancellation is checked between runs (each a fraction of a
 * second on the models this is for), so a cancel stops the sweep within one run.
 */
import { explainRunError } from '../runtime/runErrors';
import { planInputs, type InputPlan } from '../graph/inputPlan';
import * as os from 'node:os';
import type * as ort from 'onnxruntime-node';
import { CancelledError, throwIfCancelled } from '../cancel';
import { costModel } from '../graph/costModel';
import { inferShapes } from '../graph/shapeInference';
import { readModel } from '../onnx/readModel';
import type { ModelProto } from '../onnx/types';
import { modelToBuffer } from '../onnx/writeModel';
import { quantile } from '../verify/latency';
import { synthesizeFeeds, type FeedExtras } from '../verify/feeds';
import { createSession } from '../verify/modelSource';
import { checkExecutionProvider, explainProviderFailure } from '../runtime/executionProviders';
import { startPeakMemoryWindow } from '../runtime/processMemory';
import type { ExecutionProvider, OptimizationLevel } from '../runtime/sessionOptions';
import { defaultDims } from '../graph/defaultDims';
import { atBatch, findBatchDim, type BatchDim } from './batchDim';
import { recommend, type Recommendation } from './recommend';
import type { SweepPoint } from './sweepPoint';

export type { SweepPoint };

export interface SweepOptions {
  /** Intra-op thread counts (default 1 … the number of cores). */
  readonly threads?: readonly number[];
  /** Batch sizes (default 1, 2, 4, … up to `maxBatch`, within the memory cap). */
  readonly batches?: readonly number[];
  readonly maxBatch?: number;
  readonly providers?: readonly ExecutionProvider[];
  readonly runs?: number;
  readonly warmupRuns?: number;
  readonly dims?: Readonly<Record<string, number>>;
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
  /** `--value` overrides and `--inputs` file for the inputs the job feeds. */
  readonly feedExtras?: FeedExtras;
  /** Stop growing the batch past this many bytes (default: half the free memory, at most 4 GiB). */
  readonly memoryCapBytes?: number;
  readonly budgetMs?: number;
  readonly optimizationLevel?: OptimizationLevel;
  readonly signal?: AbortSignal;
  readonly onProgress?: (message: string) => void;
}

export interface SweepSkip {
  readonly provider: string;
  readonly threads?: number;
  readonly batch?: number;
  readonly reason: string;
}

export interface SweepResult {
  readonly batchDim: BatchDim | null;
  readonly points: readonly SweepPoint[];
  readonly skipped: readonly SweepSkip[];
  readonly memoryCapBytes: number;
  readonly runs: number;
  readonly budgetMs: number | null;
  readonly recommendation: Recommendation;
  /** How memory was measured, in words. */
  readonly memoryNote: string;
  /** Dims assumed besides the swept batch, and the values the inputs were drawn from, with reasons. */
  readonly inputPlan?: Pick<InputPlan, 'assumed' | 'ranges'>;
}

/** The input plan at batch 1, without the swept batch dim (its values are the sweep's own). */
function sweptPlan(proto: ModelProto, bd: BatchDim | null, opts: SweepOptions): Pick<InputPlan, 'assumed' | 'ranges'> {
  const at = atBatch(bd, 1, opts.dims ?? {}, opts.inputShapes ?? {});
  const plan = planInputs(proto, { dims: at.dims, inputShapes: at.inputShapes, values: opts.feedExtras?.values });
  return { assumed: plan.assumed, ranges: plan.ranges };
}

export function defaultThreads(): number[] {
  const n = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  return Array.from({ length: n }, (_, i) => i + 1);
}

export function defaultBatches(maxBatch: number): number[] {
  const out: number[] = [];
  for (let b = 1; b <= maxBatch; b *= 2) out.push(b);
  return out;
}

function estimateBytes(
  model: ModelProto,
  dims: Record<string, number>,
  shapes: Record<string, number[]>,
): number | null {
  try {
    const c = costModel(inferShapes(model, { dims, inputShapes: shapes }));
    return c.peak.unknownSizes > 0 && c.peak.activationBytes === 0 ? null : c.peak.totalBytes;
  } catch {
    return null;
  }
}

async function timed(s: ort.InferenceSession, feeds: Record<string, ort.Tensor>): Promise<number> {
  const t = performance.now();
  try {
    await s.run(feeds);
  } catch (e) {
    throw explainRunError(e, feeds);
  }
  return performance.now() - t;
}

export async function sweep(model: ModelProto | string, opts: SweepOptions = {}): Promise<SweepResult> {
  const proto = typeof model === 'string' ? readModel(model).proto : model;
  const input: string | Uint8Array = typeof model === 'string' ? model : modelToBuffer(model);
  const threads = opts.threads ?? defaultThreads();
  const bd = findBatchDim(proto);
  const batches = bd ? (opts.batches ?? defaultBatches(opts.maxBatch ?? 64)) : [1];
  const cap = opts.memoryCapBytes ?? Math.min(4 * 2 ** 30, os.freemem() / 2);
  const runs = opts.runs ?? 10;
  const warmup = opts.warmupRuns ?? 2;
  const points: SweepPoint[] = [];
  const skipped: SweepSkip[] = [];
  if (!bd) skipped.push({ provider: '*', reason: 'no input has an open first dim: batch size fixed by the model' });
  for (const provider of opts.providers ?? ['cpu']) {
    try {
      checkExecutionProvider(provider);
    } catch (e) {
      skipped.push({ provider, reason: (e as Error).message });
      continue;
    }
    let capped = false;
    for (const batch of [...batches].sort((a, b) => a - b)) {
      const at = atBatch(bd, batch, opts.dims ?? {}, opts.inputShapes ?? {});
      // Memory is estimated at the dims the run will use: the user's, the batch, and representative defaults.
      const planned = defaultDims(proto, { dims: at.dims, inputShapes: at.inputShapes });
      const est = estimateBytes(proto, planned.dims, planned.inputShapes);
      if (capped || (est !== null && est > cap)) {
        skipped.push({ provider, batch, reason: `over the memory cap (${(cap / 2 ** 20).toFixed(0)} MiB)` });
        capped = true;
        continue;
      }
      for (const t of threads) {
        throwIfCancelled(opts.signal, 'the sweep');
        opts.onProgress?.(`${provider} threads=${t} batch=${batch}`);
        const window = startPeakMemoryWindow();
        let session: ort.InferenceSession;
        try {
          session = await createSession(input, {
            executionProvider: provider,
            intraOpThreads: t,
            optimizationLevel: opts.optimizationLevel ?? 'all',
            dims: at.dims,
          });
        } catch (e) {
          skipped.push({ provider, threads: t, batch, reason: explainProviderFailure(provider, e).message });
          continue;
        }
        const ms: number[] = [];
        try {
          const feeds = synthesizeFeeds(session, {
            dims: at.dims,
            inputShapes: at.inputShapes,
            model: proto,
            ...opts.feedExtras,
          });
          for (let i = 0; i < warmup + runs; i++) {
            throwIfCancelled(opts.signal, 'the sweep');
            const d = await timed(session, feeds);
            if (i >= warmup) ms.push(d);
          }
        } catch (e) {
          if (e instanceof CancelledError) throw e;
          skipped.push({ provider, threads: t, batch, reason: (e as Error).message });
          continue;
        } finally {
          await session.release();
        }
        const mem = window.finish();
        const p50 = quantile(ms, 0.5);
        points.push({
          provider,
          threads: t,
          batch,
          p50Ms: p50,
          p90Ms: quantile(ms, 0.9),
          throughput: (batch * 1000) / p50,
          peakRssGrowthBytes: mem.peakRssGrowthBytes,
          estimatedBytes: est,
        });
        if ((mem.peakRssGrowthBytes ?? 0) > cap) capped = true;
      }
    }
  }
  return {
    batchDim: bd,
    points,
    skipped,
    memoryCapBytes: cap,
    runs,
    budgetMs: opts.budgetMs ?? null,
    recommendation: recommend(points, opts.budgetMs),
    inputPlan: sweptPlan(proto, bd, opts),
    memoryNote:
      'memory: measured = growth of the process peak RSS (VmHWM, Linux) from session creation to the end of the runs; estimated = the cost model (weights + activation peak)',
  };
}
