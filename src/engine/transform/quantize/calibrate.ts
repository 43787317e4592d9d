/**
 * Calibration: run the float model in onnxruntime on calibration inputs with the wanted activations exposed
 * as extra outputs, and choose each tensor's quantization range by MinMax, Percentile or Entropy (KL).
 * Pass 1 records min/max; the histogram methods need a second pass with the ranges fixed.
 */
import { throwIfCancelled } from '../../cancel';
import type * as ort from 'onnxruntime-node';
import type { ModelProto } from '../../onnx/types';
import { modelToBuffer } from '../../onnx/writeModel';
import type { RuntimeSettings } from '../../runtime/sessionOptions';
import { createSession } from '../../verify/modelSource';
import { withExtraOutputs } from '../common/exposeOutputs';
import { entropyThreshold, Histogram, percentileRange } from './histogram';

export type CalibrationMethod = 'minmax' | 'percentile' | 'entropy';

export interface CalibrationOptions {
  readonly method?: CalibrationMethod;
  /** For 'percentile' (default 99.99). */
  readonly percentile?: number;
  readonly runtime?: RuntimeSettings;
  /** Called after each sample with (done, total) per pass. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Stops calibration between samples (CancelledError). */
  readonly signal?: AbortSignal;
}

export interface TensorRange {
  readonly min: number;
  readonly max: number;
}

export interface CalibrationResult {
  readonly method: CalibrationMethod;
  /** Chosen range per tensor. */
  readonly ranges: ReadonlyMap<string, TensorRange>;
  /** Observed min/max per tensor over all samples (what MinMax gives). */
  readonly observed: ReadonlyMap<string, TensorRange>;
  readonly samples: number;
}

type Feeds = Record<string, ort.Tensor>;

function floatData(t: ort.Tensor | undefined): Float32Array | undefined {
  return t && t.type === 'float32' ? (t.data as Float32Array) : undefined;
}

export async function calibrate(
  model: ModelProto,
  tensors: readonly string[],
  samples: readonly Feeds[],
  opts: CalibrationOptions = {},
): Promise<CalibrationResult> {
  if (samples.length === 0) throw new Error('calibration needs at least one input sample');
  const method = opts.method ?? 'minmax';
  const graphInputs = new Set((model.graph?.input ?? []).map((v) => v.name ?? ''));
  const exposed = withExtraOutputs(model, tensors);
  const session = await createSession(modelToBuffer(exposed.model), { ...opts.runtime, optimizationLevel: 'disabled' });
  const names = [...exposed.exposed, ...tensors.filter((t) => graphInputs.has(t))];
  const outputsWanted = new Set(session.outputNames);
  const read = async (feeds: Feeds): Promise<Map<string, Float32Array>> => {
    const out = await session.run(feeds);
    const m = new Map<string, Float32Array>();
    for (const n of names) {
      const d = floatData(outputsWanted.has(n) ? out[n] : feeds[n]);
      if (d) m.set(n, d);
    }
    return m;
  };
  try {
    const observed = new Map<string, { min: number; max: number }>();
    for (let s = 0; s < samples.length; s++) {
      throwIfCancelled(opts.signal, 'calibration');
      for (const [n, d] of await read(samples[s]!)) {
        const r = observed.get(n) ?? { min: Infinity, max: -Infinity };
        for (let i = 0; i < d.length; i++) {
          const v = d[i]!;
          if (v < r.min) r.min = v;
          if (v > r.max) r.max = v;
        }
        observed.set(n, r);
      }
      opts.onProgress?.(s + 1, samples.length);
    }
    if (method === 'minmax') return { method, ranges: observed, observed, samples: samples.length };
    const hists = new Map<string, Histogram>();
    for (const [n, r] of observed)
      hists.set(
        n,
        method === 'entropy'
          ? new Histogram(0, Math.max(Math.abs(r.min), Math.abs(r.max)))
          : new Histogram(r.min, r.max),
      );
    for (let s = 0; s < samples.length; s++) {
      throwIfCancelled(opts.signal, 'calibration');
      for (const [n, d] of await read(samples[s]!)) hists.get(n)?.add(d, method === 'entropy');
      opts.onProgress?.(s + 1, samples.length);
    }
    const ranges = new Map<string, TensorRange>();
    for (const [n, r] of observed) {
      const h = hists.get(n)!;
      if (method === 'percentile') {
        const [lo, hi] = percentileRange(h, opts.percentile ?? 99.99);
        ranges.set(n, { min: Math.max(r.min, lo), max: Math.min(r.max, hi) });
      } else {
        const t = entropyThreshold(h);
        ranges.set(n, { min: Math.max(r.min, -t), max: Math.min(r.max, t) });
      }
    }
    return { method, ranges, observed, samples: samples.length };
  } finally {
    await session.release();
  }
}
