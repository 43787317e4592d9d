/**
 * Reading tensor values (for constants the analysis needs: shapes, axes, small weights). Large weights are
 * only ever viewed, never expanded; `tensorNumbers` refuses tensors past a size cap.
 */
import { dtypeBytes } from '../onnx/dtypes';
import { int64ToNumber } from '../onnx/int64';
import { DataType, type TensorProto } from '../onnx/types';

export function tensorDims(t: TensorProto): number[] {
  return (t.dims ?? []).map(int64ToNumber);
}

export function tensorElementCount(t: TensorProto): number {
  return tensorDims(t).reduce((a, b) => a * b, 1);
}

/** Bytes the tensor's values occupy (from dims and dtype; external data included). */
export function tensorByteSize(t: TensorProto): number {
  if (t.data_type === DataType.STRING) return (t.string_data ?? []).reduce((s, b) => s + b.length, 0);
  return dtypeBytes(t.data_type, tensorElementCount(t));
}

function view(raw: Uint8Array): DataView {
  return new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
}

/** Decodes an IEEE half (float16) bit pattern. */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/**
 * The tensor's values as numbers (int64 beyond 2^53 lose precision, which only matters for "to the end"
 * sentinels). Returns undefined for external, string or oversized tensors.
 */
export function tensorNumbers(t: TensorProto, maxElements = 1 << 20): number[] | undefined {
  const n = tensorElementCount(t);
  // Dims come from the file: negative, fractional or huge counts mean a corrupt tensor, not an allocation.
  if (!Number.isSafeInteger(n) || n < 0 || n > maxElements || t.data_location === 1) return undefined;
  const dt = t.data_type ?? 0;
  const raw = t.raw_data;
  if (raw && raw.length > 0) {
    const v = view(raw);
    const out = new Array<number>(n);
    const need = dtypeBytes(dt, n);
    if (raw.length < need) return undefined;
    for (let i = 0; i < n; i++) {
      switch (dt) {
        case DataType.FLOAT:
          out[i] = v.getFloat32(i * 4, true);
          break;
        case DataType.DOUBLE:
          out[i] = v.getFloat64(i * 8, true);
          break;
        case DataType.FLOAT16:
          out[i] = halfToFloat(v.getUint16(i * 2, true));
          break;
        case DataType.INT64:
          out[i] = Number(v.getBigInt64(i * 8, true));
          break;
        case DataType.UINT64:
          out[i] = Number(v.getBigUint64(i * 8, true));
          break;
        case DataType.INT32:
          out[i] = v.getInt32(i * 4, true);
          break;
        case DataType.UINT32:
          out[i] = v.getUint32(i * 4, true);
          break;
        case DataType.INT16:
          out[i] = v.getInt16(i * 2, true);
          break;
        case DataType.UINT16:
          out[i] = v.getUint16(i * 2, true);
          break;
        case DataType.INT8:
          out[i] = v.getInt8(i);
          break;
        case DataType.UINT8:
        case DataType.BOOL:
          out[i] = v.getUint8(i);
          break;
        default:
          return undefined;
      }
    }
    return out;
  }
  if (t.float_data?.length) return Array.from(t.float_data);
  if (t.double_data?.length) return Array.from(t.double_data);
  if (t.int64_data?.length) return t.int64_data.map(int64ToNumber);
  if (t.uint64_data?.length) return t.uint64_data.map(int64ToNumber);
  if (t.int32_data?.length) {
    // float16/bfloat16 values are stored as bit patterns in int32_data (ONNX IR spec).
    if (dt === DataType.FLOAT16) return Array.from(t.int32_data, halfToFloat);
    return Array.from(t.int32_data);
  }
  return n === 0 ? [] : undefined;
}
