/**
 * The element values of small tensors carried through data-movement ops (row-major, flat), so that pads,
 * shapes and sizes an exporter computes from constants stay known. Silero VAD's STFT computes its Pad
 * amounts as Concat(Constant, ConstantOfShape) → Reshape [2,2] → Slice (step −1) → Transpose → Reshape →
 * Cast; with any link missing, the Conv after the Pad, and everything downstream, lost its shape.
 */
import type { Dim } from './dims';

/** Numeric dims whose element count matches the tracked values, else undefined (nothing safe to index). */
function fullShape(shape: readonly Dim[] | null, values: readonly Dim[] | undefined): readonly number[] | undefined {
  if (!shape || !values || !shape.every((d): d is number => typeof d === 'number')) return undefined;
  return shape.reduce((a, d) => a * d, 1) === values.length ? shape : undefined;
}

/** Row-major strides of a shape. */
function strides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) out[i] = out[i + 1]! * shape[i + 1]!;
  return out;
}

/** Visits every index of `shape` in row-major order. */
function forEachIndex(shape: readonly number[], visit: (index: readonly number[]) => void): void {
  if (shape.some((d) => d === 0)) return;
  const idx = new Array<number>(shape.length).fill(0);
  for (;;) {
    visit(idx);
    let k = shape.length - 1;
    while (k >= 0 && ++idx[k]! === shape[k]!) idx[k--] = 0;
    if (k < 0) return;
  }
}

/**
 * The values picked by a Slice, given for each axis the input positions it keeps (undefined: all).
 * undefined when the input's values or shape are not fully known.
 */
export function sliceValues(
  shape: readonly Dim[] | null,
  values: readonly Dim[] | undefined,
  picks: readonly (readonly number[] | undefined)[],
): Dim[] | undefined {
  const s = fullShape(shape, values);
  if (!s) return undefined;
  const st = strides(s);
  const kept = s.map((d, ax) => picks[ax] ?? Array.from({ length: d }, (_, i) => i));
  const out: Dim[] = [];
  forEachIndex(
    kept.map((k) => k.length),
    (idx) => out.push(values![idx.reduce((a, j, ax) => a + kept[ax]![j]! * st[ax]!, 0)] ?? null),
  );
  return out;
}

/** The values of a Transpose with permutation `perm`. */
export function transposeValues(
  shape: readonly Dim[] | null,
  values: readonly Dim[] | undefined,
  perm: readonly number[],
): Dim[] | undefined {
  const s = fullShape(shape, values);
  if (!s || perm.length !== s.length) return undefined;
  const st = strides(s);
  const out: Dim[] = [];
  forEachIndex(
    perm.map((p) => s[p]!),
    (idx) => out.push(values![idx.reduce((a, j, k) => a + j * st[perm[k]!]!, 0)] ?? null),
  );
  return out;
}
