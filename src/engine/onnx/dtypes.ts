/** Element types: names, byte widths, and the names onnxruntime-node uses. */
import { DataType } from './types';

interface DTypeInfo {
  readonly name: string;
  /** Bits per element (4 for int4, 8 for int8, ...); 0 where the size is not fixed (strings). */
  readonly bits: number;
}

const INFO: Record<number, DTypeInfo> = {
  [DataType.FLOAT]: { name: 'float32', bits: 32 },
  [DataType.UINT8]: { name: 'uint8', bits: 8 },
  [DataType.INT8]: { name: 'int8', bits: 8 },
  [DataType.UINT16]: { name: 'uint16', bits: 16 },
  [DataType.INT16]: { name: 'int16', bits: 16 },
  [DataType.INT32]: { name: 'int32', bits: 32 },
  [DataType.INT64]: { name: 'int64', bits: 64 },
  [DataType.STRING]: { name: 'string', bits: 0 },
  [DataType.BOOL]: { name: 'bool', bits: 8 },
  [DataType.FLOAT16]: { name: 'float16', bits: 16 },
  [DataType.DOUBLE]: { name: 'float64', bits: 64 },
  [DataType.UINT32]: { name: 'uint32', bits: 32 },
  [DataType.UINT64]: { name: 'uint64', bits: 64 },
  [DataType.COMPLEX64]: { name: 'complex64', bits: 64 },
  [DataType.COMPLEX128]: { name: 'complex128', bits: 128 },
  [DataType.BFLOAT16]: { name: 'bfloat16', bits: 16 },
  [DataType.FLOAT8E4M3FN]: { name: 'float8e4m3fn', bits: 8 },
  [DataType.FLOAT8E4M3FNUZ]: { name: 'float8e4m3fnuz', bits: 8 },
  [DataType.FLOAT8E5M2]: { name: 'float8e5m2', bits: 8 },
  [DataType.FLOAT8E5M2FNUZ]: { name: 'float8e5m2fnuz', bits: 8 },
  [DataType.UINT4]: { name: 'uint4', bits: 4 },
  [DataType.INT4]: { name: 'int4', bits: 4 },
  [DataType.FLOAT4E2M1]: { name: 'float4e2m1', bits: 4 },
};

export function dtypeName(dt: number | undefined): string {
  return INFO[dt ?? 0]?.name ?? `dtype(${dt ?? 0})`;
}

/** Bytes for `count` elements of this type (sub-byte types round up), 0 for strings/unknown. */
export function dtypeBytes(dt: number | undefined, count: number): number {
  const bits = INFO[dt ?? 0]?.bits ?? 0;
  return Math.ceil((bits * count) / 8);
}

export function isFloatType(dt: number | undefined): boolean {
  return dt === DataType.FLOAT || dt === DataType.FLOAT16 || dt === DataType.DOUBLE || dt === DataType.BFLOAT16;
}
