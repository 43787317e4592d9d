/** Keeping some slices of a tensor along one axis (a new tensor with its own buffer; the input is untouched). */
import { tensorDims } from '../../graph/tensorData';
import { dtypeBytes } from '../../onnx/dtypes';
import { DataType, type TensorProto } from '../../onnx/types';
import { floatValues } from '../common/weights';

/** Raw little-endian bytes of a fixed-width tensor (raw_data, or the typed fields for float/int64/int32). */
function rawBytes(t: TensorProto): Uint8Array | undefined {
  if (t.raw_data && t.raw_data.length) return t.raw_data;
  const dt = t.data_type;
  if (dt === DataType.FLOAT || dt === DataType.FLOAT16 || dt === DataType.DOUBLE) {
    if (dt === DataType.FLOAT) {
      const f = floatValues(t);
      return new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
    }
    if (dt === DataType.DOUBLE && t.double_data) return new Uint8Array(Float64Array.from(t.double_data).buffer);
    if (dt === DataType.FLOAT16 && t.int32_data) return new Uint8Array(Uint16Array.from(t.int32_data).buffer);
  }
  if (dt === DataType.INT64 && t.int64_data)
    return new Uint8Array(BigInt64Array.from(t.int64_data, (v) => BigInt(v)).buffer);
  if (dt === DataType.INT32 && t.int32_data) return new Uint8Array(Int32Array.from(t.int32_data).buffer);
  return undefined;
}

/** The tensor with only `keep` (sorted indices) along `axis`, named `name`; undefined if its data is unreadable. */
export function sliceAlongAxis(
  t: TensorProto,
  axis: number,
  keep: readonly number[],
  name: string,
): TensorProto | undefined {
  const dims = tensorDims(t);
  const bytes = rawBytes(t);
  const elem = dtypeBytes(t.data_type, 1);
  if (!bytes || elem === 0 || t.data_location === 1 || axis < 0 || axis >= dims.length) return undefined;
  const outer = dims.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1) * elem;
  const n = dims[axis]!;
  const out = new Uint8Array(outer * keep.length * inner);
  let o = 0;
  for (let a = 0; a < outer; a++)
    for (const k of keep) {
      const start = (a * n + k) * inner;
      out.set(bytes.subarray(start, start + inner), o);
      o += inner;
    }
  const newDims = dims.map((d, i) => (i === axis ? keep.length : d));
  return { name, dims: newDims, data_type: t.data_type ?? 0, raw_data: out };
}

/** Norm of each slice along `axis` of a float tensor (L1: Σ|w|, L2: √Σw²). */
export function sliceNorms(t: TensorProto, axis: number, norm: 'l1' | 'l2'): Float64Array {
  const dims = tensorDims(t);
  const v = floatValues(t);
  const n = dims[axis] ?? 0;
  const outer = dims.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const out = new Float64Array(n);
  for (let a = 0; a < outer; a++)
    for (let k = 0; k < n; k++) {
      const base = (a * n + k) * inner;
      let s = 0;
      for (let j = 0; j < inner; j++) {
        const x = v[base + j]!;
        s += norm === 'l1' ? Math.abs(x) : x * x;
      }
      out[k] = out[k]! + s;
    }
  if (norm === 'l2') for (let k = 0; k < n; k++) out[k] = Math.sqrt(out[k]!);
  return out;
}
