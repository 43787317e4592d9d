/**
 * Linear quantization arithmetic, as the ONNX operator specs define it:
 *   QuantizeLinear:   q = saturate(round_half_to_even(x / scale) + zero_point)
 *   DequantizeLinear: x ≈ (q − zero_point) · scale
 * Scales are rounded to float32 before use, so what we quantize with is exactly what the model stores and
 * `|dequant(q) − x| ≤ scale/2` holds for every x inside the representable range.
 */

export type QuantType = 'int8' | 'uint8';

export interface QuantRange {
  readonly qmin: number;
  readonly qmax: number;
}

/**
 * Integer ranges. Symmetric int8 uses [−127, 127] (as onnxruntime's tooling does, so −x quantizes to −q);
 * `reduceRange` drops one bit (7-bit) for CPUs without VNNI, whose u8·s8 multiply-add can saturate.
 */
export function quantRange(type: QuantType, reduceRange = false): QuantRange {
  if (type === 'int8') return reduceRange ? { qmin: -64, qmax: 64 } : { qmin: -127, qmax: 127 };
  return reduceRange ? { qmin: 0, qmax: 127 } : { qmin: 0, qmax: 255 };
}

export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  // Math.round rounds .5 up; ties go to the even neighbour instead.
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export interface QuantParams {
  /** float32-rounded scale. */
  readonly scale: number;
  readonly zeroPoint: number;
}

/**
 * Scale and zero point for values in [min, max]. The range is widened to include 0 (so 0 is exact: padding
 * and ReLU zeros stay zeros). Symmetric: zero point 0 and scale = max|x| / qmax. Asymmetric (uint8): the
 * whole integer range spans [min, max].
 */
export function quantParams(
  min: number,
  max: number,
  type: QuantType,
  symmetric: boolean,
  reduceRange = false,
): QuantParams {
  const { qmin, qmax } = quantRange(type, reduceRange);
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  if (symmetric) {
    const absMax = Math.max(Math.abs(lo), Math.abs(hi));
    const zeroPoint = type === 'int8' ? 0 : Math.ceil((qmax + qmin) / 2);
    // The largest magnitude that fits on both sides of the zero point.
    const half = Math.min(qmax - zeroPoint, zeroPoint - qmin);
    const scale = nonZeroScale(absMax / half);
    return { scale, zeroPoint };
  }
  const scale = nonZeroScale((hi - lo) / (qmax - qmin));
  const zeroPoint = Math.min(qmax, Math.max(qmin, roundHalfEven(qmin - lo / scale)));
  return { scale, zeroPoint };
}

/** float32 scale; an all-zero (or denormal, which float32 scales flush to 0) range gets scale 1. */
function nonZeroScale(s: number): number {
  const f = Math.fround(s);
  return f > 0 && Number.isFinite(f) ? f : 1;
}

export function quantizeValue(x: number, p: QuantParams, r: QuantRange): number {
  const q = roundHalfEven(x / p.scale) + p.zeroPoint;
  return q < r.qmin ? r.qmin : q > r.qmax ? r.qmax : q;
}

export function minMax(values: ArrayLike<number>, start = 0, end = values.length, stride = 1): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = start; i < end; i += stride) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo === Infinity ? [0, 0] : [lo, hi];
}

export interface QuantizedWeight {
  /** int8 or uint8 values, same layout as the input. */
  readonly data: Int8Array | Uint8Array;
  /** One entry per tensor, or per channel along `axis`. */
  readonly params: readonly QuantParams[];
  readonly axis?: number;
}

/**
 * Quantizes a float weight of shape `dims`, per tensor or per channel along `axis` (ONNX QuantizeLinear
 * opset ≥ 13 takes a 1-D scale of length dims[axis]).
 */
export function quantizeWeight(
  values: Float32Array,
  dims: readonly number[],
  type: QuantType,
  symmetric: boolean,
  opts: { axis?: number; reduceRange?: boolean } = {},
): QuantizedWeight {
  const r = quantRange(type, opts.reduceRange);
  const data = type === 'int8' ? new Int8Array(values.length) : new Uint8Array(values.length);
  if (opts.axis === undefined) {
    const [lo, hi] = minMax(values);
    const p = quantParams(lo, hi, type, symmetric, opts.reduceRange);
    for (let i = 0; i < values.length; i++) data[i] = quantizeValue(values[i]!, p, r);
    return { data, params: [p] };
  }
  const axis = opts.axis;
  const channels = dims[axis]!;
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = values.length / (channels * inner);
  const params: QuantParams[] = [];
  for (let c = 0; c < channels; c++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let o = 0; o < outer; o++) {
      const base = (o * channels + c) * inner;
      for (let k = 0; k < inner; k++) {
        const v = values[base + k]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    const p = quantParams(lo === Infinity ? 0 : lo, hi === -Infinity ? 0 : hi, type, symmetric, opts.reduceRange);
    params.push(p);
    for (let o = 0; o < outer; o++) {
      const base = (o * channels + c) * inner;
      for (let k = 0; k < inner; k++) data[base + k] = quantizeValue(values[base + k]!, p, r);
    }
  }
  return { data, params, axis };
}

/** Transposes a row-major [rows, cols] matrix (Gemm transB weights to MatMul layout). */
export function transpose2d(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c]!;
  return out;
}
