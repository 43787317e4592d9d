/**
 * Error metrics between a reference tensor and a candidate: max/mean absolute error, cosine similarity,
 * signal-to-noise ratio, and for classifier-like outputs how often the argmax over the last axis agrees.
 */
import type * as ort from 'onnxruntime-node';
import { halfToFloat } from '../graph/tensorData';

export interface TensorMetrics {
  readonly maxAbs: number;
  readonly meanAbs: number;
  /** Cosine similarity of the flattened tensors (1 when both are all zeros). */
  readonly cosine: number;
  /** 10·log10(Σref² / Σ(ref−cand)²); capped at 200 dB for identical tensors (JSON has no Infinity). */
  readonly snrDb: number;
  /** Share of rows (last axis) whose argmax agrees; present when the last axis has ≥ 2 entries. */
  readonly argmaxAgreement?: number;
  /** Over several input sets: the mean of the per-set cosines (`cosine` is then the worst set's). */
  readonly meanCosine?: number;
}

export const SNR_CAP_DB = 200;

/** A tensor's values as float64 numbers (float16 decoded, int64 converted); undefined for strings. */
export function tensorValues(t: ort.Tensor): Float64Array | undefined {
  const d = t.data;
  if (t.type === 'float16') return Float64Array.from(d as Uint16Array, halfToFloat);
  if (d instanceof BigInt64Array || d instanceof BigUint64Array) return Float64Array.from(d, Number);
  if (Array.isArray(d)) return undefined;
  return Float64Array.from(d as ArrayLike<number>);
}

export function tensorMetrics(ref: ArrayLike<number>, cand: ArrayLike<number>, dims: readonly number[]): TensorMetrics {
  if (ref.length !== cand.length) throw new Error(`tensor sizes differ: ${ref.length} vs ${cand.length}`);
  let maxAbs = 0;
  let sumAbs = 0;
  let dot = 0;
  let nr = 0;
  let nc = 0;
  let noise = 0;
  for (let i = 0; i < ref.length; i++) {
    const a = ref[i]!;
    const b = cand[i]!;
    const d = a - b;
    const ad = Math.abs(d);
    if (ad > maxAbs || Number.isNaN(ad)) maxAbs = Number.isNaN(ad) ? NaN : ad;
    sumAbs += ad;
    dot += a * b;
    nr += a * a;
    nc += b * b;
    noise += d * d;
  }
  const cosine = nr === 0 && nc === 0 ? 1 : nr === 0 || nc === 0 ? 0 : dot / Math.sqrt(nr * nc);
  const snrDb = noise === 0 ? SNR_CAP_DB : nr === 0 ? -SNR_CAP_DB : Math.min(SNR_CAP_DB, 10 * Math.log10(nr / noise));
  const last = dims.at(-1) ?? 0;
  const out: TensorMetrics = { maxAbs, meanAbs: ref.length ? sumAbs / ref.length : 0, cosine, snrDb };
  if (last >= 2 && ref.length % last === 0 && ref.length > 0) {
    const rows = ref.length / last;
    let agree = 0;
    for (let r = 0; r < rows; r++) if (argmax(ref, r * last, last) === argmax(cand, r * last, last)) agree++;
    return { ...out, argmaxAgreement: agree / rows };
  }
  return out;
}

function argmax(a: ArrayLike<number>, start: number, n: number): number {
  let best = 0;
  for (let i = 1; i < n; i++) if (a[start + i]! > a[start + best]!) best = i;
  return best;
}

/** Combines metrics of the same output over several input sets (worst max, mean of means, min and mean cosine, min SNR). */
export function mergeMetrics(list: readonly TensorMetrics[]): TensorMetrics {
  const agreements = list.map((m) => m.argmaxAgreement).filter((x): x is number => x !== undefined);
  const out: TensorMetrics = {
    maxAbs: Math.max(...list.map((m) => m.maxAbs)),
    meanAbs: list.reduce((s, m) => s + m.meanAbs, 0) / list.length,
    cosine: Math.min(...list.map((m) => m.cosine)),
    meanCosine: list.reduce((s, m) => s + m.cosine, 0) / list.length,
    snrDb: Math.min(...list.map((m) => m.snrDb)),
  };
  return agreements.length
    ? { ...out, argmaxAgreement: agreements.reduce((a, b) => a + b, 0) / agreements.length }
    : out;
}
