/**
 * Finding and building weights. A weight is any constant an op reads: a graph initializer, a `Constant`
 * node's value, or either of those reached through `Identity` (exporters share tied weights that way). The
 * resolved `root` is the tensor object itself, so a transform can key its work on it and quantize a weight
 * shared by several nodes once.
 */
import type { GraphIndex } from '../../graph/graphIndex';
import { halfToFloat, tensorDims } from '../../graph/tensorData';
import { ModelError } from '../../onnx/errors';
import { DataType, type TensorProto } from '../../onnx/types';
import { MAX_TENSOR_ELEMENTS } from '../../graph/dims';

export interface ResolvedWeight {
  /** The tensor holding the values (shared object: identity = same weight). */
  readonly tensor: TensorProto;
  /** The value name the node reads. */
  readonly name: string;
  readonly dims: number[];
  /** Where the values live. */
  readonly source: 'initializer' | 'constant-node' | 'identity';
}

/** The constant behind `name` as read in `index`'s graph, or undefined when it is computed at run time. */
export function resolveWeight(index: GraphIndex, name: string | undefined): ResolvedWeight | undefined {
  if (!name) return undefined;
  const tensor = index.constants.get(name);
  if (!tensor) return undefined;
  const p = index.producer.get(name);
  const producer = p !== undefined ? index.nodes[p] : undefined;
  const source = index.initializers.has(name)
    ? 'initializer'
    : producer?.op_type === 'Identity'
      ? 'identity'
      : 'constant-node';
  return { tensor, name, dims: tensorDims(tensor), source };
}

/** True for float32/float16/float64 tensors whose values are inline (not in an external file). */
export function isFloatWeight(t: TensorProto): boolean {
  const dt = t.data_type ?? 0;
  return dt === DataType.FLOAT || dt === DataType.FLOAT16 || dt === DataType.DOUBLE;
}

/** A float weight's values as float32 (a copy; raw_data may be unaligned). Throws for external data. */
export function floatValues(t: TensorProto, file = '(model)'): Float32Array {
  if (t.data_location === 1)
    throw new ModelError(
      'external-data',
      file,
      `weight '${t.name ?? ''}' is in an external data file, which transforms cannot read in place`,
      'load the model with its data inlined (models under 2 GiB) and try again',
    );
  const n = tensorDims(t).reduce((a, b) => a * b, 1);
  // Dims come from the file: a negative or 2^62 count is a corrupt weight, not an allocation to attempt.
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_TENSOR_ELEMENTS)
    throw new ModelError(
      'corrupt',
      file,
      `weight '${t.name ?? ''}' declares dims [${tensorDims(t).join(', ')}], which no tensor can hold`,
    );
  const raw = t.raw_data;
  const dt = t.data_type ?? 0;
  if (raw && raw.length > 0) {
    const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const out = new Float32Array(n);
    if (dt === DataType.FLOAT) {
      if (raw.byteOffset % 4 === 0) out.set(new Float32Array(raw.buffer, raw.byteOffset, n));
      else for (let i = 0; i < n; i++) out[i] = v.getFloat32(i * 4, true);
    } else if (dt === DataType.FLOAT16) for (let i = 0; i < n; i++) out[i] = halfToFloat(v.getUint16(i * 2, true));
    else if (dt === DataType.DOUBLE) for (let i = 0; i < n; i++) out[i] = v.getFloat64(i * 8, true);
    else throw new Error(`weight '${t.name ?? ''}' is not a float tensor`);
    return out;
  }
  if (dt === DataType.FLOAT16 && t.int32_data) return Float32Array.from(t.int32_data, halfToFloat);
  if (t.float_data && t.float_data.length) return Float32Array.from(t.float_data);
  if (t.double_data && t.double_data.length) return Float32Array.from(t.double_data);
  return new Float32Array(n);
}

const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

export function floatTensor(name: string, dims: readonly number[], data: Float32Array): TensorProto {
  return { name, dims: [...dims], data_type: DataType.FLOAT, raw_data: bytesOf(data) };
}
export function int8Tensor(name: string, dims: readonly number[], data: Int8Array): TensorProto {
  return { name, dims: [...dims], data_type: DataType.INT8, raw_data: bytesOf(data) };
}
export function uint8Tensor(name: string, dims: readonly number[], data: Uint8Array): TensorProto {
  return { name, dims: [...dims], data_type: DataType.UINT8, raw_data: data };
}
export function int64Tensor(name: string, dims: readonly number[], data: readonly number[]): TensorProto {
  return {
    name,
    dims: [...dims],
    data_type: DataType.INT64,
    raw_data: bytesOf(BigInt64Array.from(data, (x) => BigInt(x))),
  };
}
/** float16 from IEEE half bit patterns. */
export function float16Tensor(name: string, dims: readonly number[], bits: Uint16Array): TensorProto {
  return { name, dims: [...dims], data_type: DataType.FLOAT16, raw_data: bytesOf(bits) };
}
/** A tensor of `dtype` from raw little-endian bytes. */
export function rawTensor(name: string, dims: readonly number[], dtype: number, raw: Uint8Array): TensorProto {
  return { name, dims: [...dims], data_type: dtype, raw_data: raw };
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 → IEEE half bits, round to nearest even, overflow to ±inf (as numpy's astype(float16)). */
export function floatToHalf(x: number): number {
  f32[0] = x;
  const b = u32[0]!;
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  let mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rem = mant & ((1 << shift) - 1);
    let h = mant >>> shift;
    if (rem > half || (rem === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++;
  return sign | h;
}
