/**
 * ONNX stores shapes, attribute ints and int64 tensors as 64-bit integers. JavaScript numbers hold
 * integers exactly only up to 2^53, yet exporters routinely write INT64_MAX (Slice "to the end"), so a
 * value is a number when it is safe and a bigint otherwise: analysis code reads numbers, and the writer
 * re-encodes every value exactly.
 */
export type Int64 = number | bigint;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/** Narrows a bigint to a number when that loses nothing. */
export function normalizeInt64(v: bigint): Int64 {
  return v <= MAX_SAFE && v >= MIN_SAFE ? Number(v) : v;
}

/** A number for arithmetic: values beyond 2^53 become ±Infinity-like large numbers (they only ever mean "to the end"). */
export function int64ToNumber(v: Int64): number {
  return typeof v === 'number' ? v : Number(v);
}
