/**
 * Shape rules for data-movement operators (Reshape, Transpose, Concat, Slice, Gather, Split, Squeeze,
 * Unsqueeze, Flatten, Shape, Expand, Tile, Pad, ConstantOfShape, Range, Identity-like), following the ONNX
 * operator specs. These also carry small known values along (Shape → Gather → Concat → Reshape chains that
 * exporters emit), so shapes stay known, and symbolic, through them.
 */
import { DataType } from '../onnx/types';
import { attrInt, attrInts } from './attributes';
import { broadcastShapes, divideProducts, productOf, type Dim, type Shape, type ValueType } from './dims';
import { normAxis, numbersOf, type OpContext, type OpResult, type ShapeRule } from './shapeContext';
import { sliceValues, transposeValues } from './smallTensorValues';
import { tensorNumbers } from './tensorData';

/** ConstantOfShape values are tracked up to this many elements. */
const SMALL_VALUES = 256;

const t = (dtype: number, shape: Shape): ValueType => ({ dtype, shape });

/** Axes from an attribute (older opsets) or from input `inputIndex` (newer opsets). */
function axesOf(ctx: OpContext, inputIndex: number): number[] | undefined {
  return attrInts(ctx.node, 'axes') ?? (ctx.has(inputIndex) ? numbersOf(ctx, inputIndex) : undefined);
}

const reshape: ShapeRule = (ctx) => {
  const [x] = ctx.inputs;
  const target = ctx.value(1);
  const values = [ctx.value(0)];
  if (!target) return { outputs: [t(x!.dtype, null)], values };
  const allowZero = attrInt(ctx.node, 'allowzero', 0) === 1;
  const out: Dim[] = target.map((d, i) => (d === 0 && !allowZero ? (x!.shape?.[i] ?? null) : d === -1 ? -1 : d));
  const inferIdx = out.indexOf(-1);
  if (inferIdx >= 0) {
    const total = x!.shape ? productOf(x!.shape) : null;
    const known = productOf(out.filter((_, i) => i !== inferIdx));
    out[inferIdx] = total && known ? divideProducts(total, known) : null;
  }
  return { outputs: [t(x!.dtype, out)], values };
};

const transpose: ShapeRule = (ctx) => {
  const s = ctx.inputs[0]!.shape;
  if (!s) return { outputs: [t(ctx.inputs[0]!.dtype, null)] };
  const perm = attrInts(ctx.node, 'perm') ?? s.map((_, i) => s.length - 1 - i);
  return {
    outputs: [
      t(
        ctx.inputs[0]!.dtype,
        perm.map((p) => s[p] ?? null),
      ),
    ],
    values: [transposeValues(s, ctx.value(0), perm)],
  };
};

const concat: ShapeRule = (ctx) => {
  const shapes = ctx.inputs.map((v) => v.shape);
  const dtype = ctx.inputs[0]!.dtype;
  const first = shapes.find((s) => s !== null);
  const valueParts = ctx.inputs.map((_, i) => ctx.value(i));
  const axis = first ? normAxis(attrInt(ctx.node, 'axis', 0), first.length) : 0;
  // Row-major values concatenate end to end only along the first axis.
  const values = axis === 0 && valueParts.every((v) => v !== undefined) ? [valueParts.flat()] : undefined;
  if (!first || shapes.some((s) => s === null)) return { outputs: [t(dtype, null)], values };
  const out = [...first];
  let coef = 0;
  const syms: string[] = [];
  for (const s of shapes as Dim[][]) {
    const d = s[axis];
    if (d === null || d === undefined)
      return {
        outputs: [
          t(
            dtype,
            out.map((x, i) => (i === axis ? null : x)),
          ),
        ],
        values,
      };
    if (typeof d === 'number') coef += d;
    else syms.push(d);
  }
  out[axis] = syms.length === 0 ? coef : syms.length === 1 && coef === 0 ? syms[0]! : null;
  return { outputs: [t(dtype, out)], values };
};

const shapeOp: ShapeRule = (ctx) => {
  const s = ctx.inputs[0]!.shape;
  if (!s) return { outputs: [t(DataType.INT64, [null])] };
  const start = normAxis(attrInt(ctx.node, 'start', 0), s.length);
  const endAttr = ctx.node.attribute?.some((a) => a.name === 'end') ? attrInt(ctx.node, 'end', s.length) : s.length;
  const end = Math.min(normAxis(endAttr, s.length), s.length);
  const dims = s.slice(Math.max(0, start), Math.max(0, end));
  return { outputs: [t(DataType.INT64, [dims.length])], values: [dims] };
};

const gather: ShapeRule = (ctx) => {
  const [data, idx] = ctx.inputs;
  const ds = data!.shape;
  const is = idx!.shape;
  if (!ds || !is) return { outputs: [t(data!.dtype, null)] };
  const axis = normAxis(attrInt(ctx.node, 'axis', 0), ds.length);
  const out = [...ds.slice(0, axis), ...is, ...ds.slice(axis + 1)];
  const dv = ctx.value(0);
  const iv = numbersOf(ctx, 1);
  let values: (Dim[] | undefined)[] | undefined;
  if (dv && iv && ds.length === 1) values = [iv.map((i) => dv[i < 0 ? i + dv.length : i] ?? null)];
  return { outputs: [t(data!.dtype, out)], values };
};

const unsqueeze: ShapeRule = (ctx) => {
  const s = ctx.inputs[0]!.shape;
  const axes = axesOf(ctx, 1);
  const values = [ctx.value(0)];
  if (!s || !axes) return { outputs: [t(ctx.inputs[0]!.dtype, null)], values };
  const rank = s.length + axes.length;
  const norm = new Set(axes.map((a) => normAxis(a, rank)));
  const out: Dim[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) out.push(norm.has(i) ? 1 : (s[j++] ?? null));
  return { outputs: [t(ctx.inputs[0]!.dtype, out)], values };
};

const squeeze: ShapeRule = (ctx) => {
  const s = ctx.inputs[0]!.shape;
  const values = [ctx.value(0)];
  if (!s) return { outputs: [t(ctx.inputs[0]!.dtype, null)], values };
  const axes = axesOf(ctx, 1);
  // Axes given as a runtime input we cannot read: which dims go is unknown (not "every 1").
  if (!axes && ctx.has(1) && !attrInts(ctx.node, 'axes')) return { outputs: [t(ctx.inputs[0]!.dtype, null)], values };
  const drop = axes
    ? new Set(axes.map((a) => normAxis(a, s.length)))
    : new Set(s.flatMap((d, i) => (d === 1 ? [i] : [])));
  return {
    outputs: [
      t(
        ctx.inputs[0]!.dtype,
        s.filter((_, i) => !drop.has(i)),
      ),
    ],
    values,
  };
};

const flatten: ShapeRule = (ctx) => {
  const s = ctx.inputs[0]!.shape;
  if (!s) return { outputs: [t(ctx.inputs[0]!.dtype, [null, null])] };
  const axis = normAxis(attrInt(ctx.node, 'axis', 1), s.length);
  const a = productOf(s.slice(0, axis));
  const b = productOf(s.slice(axis));
  const one = (p: ReturnType<typeof productOf>): Dim =>
    p ? (p.syms.length === 0 ? p.coef : p.syms.length === 1 && p.coef === 1 ? p.syms[0]! : null) : null;
  return { outputs: [t(ctx.inputs[0]!.dtype, [one(a), one(b)])] };
};

const slice: ShapeRule = (ctx) => {
  const s = ctx.inputs[0]!.shape;
  const dtype = ctx.inputs[0]!.dtype;
  if (!s) return { outputs: [t(dtype, null)] };
  const fromAttr = ctx.opset < 10;
  const starts = fromAttr ? attrInts(ctx.node, 'starts') : numbersOf(ctx, 1);
  const ends = fromAttr ? attrInts(ctx.node, 'ends') : numbersOf(ctx, 2);
  const axes =
    (fromAttr ? attrInts(ctx.node, 'axes') : ctx.has(3) ? numbersOf(ctx, 3) : undefined) ?? starts?.map((_, i) => i);
  const steps = fromAttr ? undefined : ctx.has(4) ? numbersOf(ctx, 4) : undefined;
  if (!starts || !ends || !axes)
    return {
      outputs: [
        t(
          dtype,
          s.map(() => null),
        ),
      ],
    };
  const out = [...s];
  const dv = ctx.value(0);
  const picks: (number[] | undefined)[] = s.map(() => undefined);
  let pickable = dv !== undefined;
  axes.forEach((axRaw, i) => {
    const ax = normAxis(axRaw, s.length);
    const dim = s[ax];
    const step = steps?.[i] ?? 1;
    // A step of 0 is invalid (ORT rejects it); non-integer bounds come from a corrupt file. Either way the
    // dim is unknown — never a loop whose end is never reached.
    if (typeof dim !== 'number' || step === 0 || !Number.isFinite(step) || !Number.isFinite(dim)) {
      out[ax] = null;
      pickable = false;
      return;
    }
    // Clamping as the Slice spec describes (negative indices count from the end; then clamp per step sign).
    const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);
    let st = starts[i]!;
    let en = ends[i]!;
    st = st < 0 ? st + dim : st;
    en = en < 0 ? en + dim : en;
    st = step > 0 ? clamp(st, 0, dim) : clamp(st, 0, dim - 1);
    en = step > 0 ? clamp(en, 0, dim) : clamp(en, -1, dim - 1);
    const len = Math.max(0, Math.ceil((en - st) / step));
    out[ax] = len;
    // Only pick values that exist: the declared dim can be far larger than the tracked values (a Reshape to
    // 1e12 elements), and the picked count is bounded by what is tracked, never by the declared size.
    if (len <= (dv?.length ?? 0)) picks[ax] = Array.from({ length: len }, (_, n) => st + n * step);
    else pickable = false;
  });
  return { outputs: [t(dtype, out)], values: [pickable ? sliceValues(s, dv, picks) : undefined] };
};

const split: ShapeRule = (ctx) => {
  const s = ctx.inputs[0]!.shape;
  const n = ctx.node.output?.length ?? 1;
  const dtype = ctx.inputs[0]!.dtype;
  if (!s) return { outputs: Array.from({ length: n }, () => t(dtype, null)) };
  const axis = normAxis(attrInt(ctx.node, 'axis', 0), s.length);
  const sizes = attrInts(ctx.node, 'split') ?? (ctx.has(1) ? numbersOf(ctx, 1) : undefined);
  const dim = s[axis];
  return {
    outputs: Array.from({ length: n }, (_, i) => {
      const out = [...s];
      // Sizes from a runtime input we cannot read are unknown; without sizes the split is even (ceil).
      const unknownSizes = !sizes && ctx.has(1);
      // Even split: every chunk ceil(dim/n), the last one what remains (Split-18 `num_outputs`).
      const chunk = typeof dim === 'number' ? Math.ceil(dim / n) : 0;
      const even = i === n - 1 ? (dim as number) - chunk * (n - 1) : chunk;
      out[axis] = sizes ? (sizes[i] ?? null) : !unknownSizes && typeof dim === 'number' ? even : null;
      return t(dtype, out);
    }),
  };
};

const expand: ShapeRule = (ctx) => {
  const target = ctx.value(1);
  const s = ctx.inputs[0]!.shape;
  return { outputs: [t(ctx.inputs[0]!.dtype, target ? broadcastShapes([s, [...target]]) : null)] };
};

const tile: ShapeRule = (ctx) => {
  const s = ctx.inputs[0]!.shape;
  const reps = numbersOf(ctx, 1);
  if (!s || !reps) return { outputs: [t(ctx.inputs[0]!.dtype, s ? s.map(() => null) : null)] };
  return {
    outputs: [
      t(
        ctx.inputs[0]!.dtype,
        s.map((d, i) => (typeof d === 'number' ? d * reps[i]! : null)),
      ),
    ],
  };
};

const pad: ShapeRule = (ctx) => {
  const s = ctx.inputs[0]!.shape;
  const pads = ctx.opset < 11 ? attrInts(ctx.node, 'pads') : numbersOf(ctx, 1);
  if (!s || !pads) return { outputs: [t(ctx.inputs[0]!.dtype, s ? s.map(() => null) : null)] };
  const axes = ctx.opset >= 18 && ctx.has(3) ? numbersOf(ctx, 3) : s.map((_, i) => i);
  if (!axes)
    return {
      outputs: [
        t(
          ctx.inputs[0]!.dtype,
          s.map(() => null),
        ),
      ],
    };
  const out = [...s];
  axes.forEach((axRaw, i) => {
    const ax = normAxis(axRaw, s.length);
    const d = out[ax];
    out[ax] = typeof d === 'number' ? d + pads[i]! + pads[i + axes.length]! : null;
  });
  return { outputs: [t(ctx.inputs[0]!.dtype, out)] };
};

const constantOfShape: ShapeRule = (ctx) => {
  const target = ctx.value(0);
  const fill = ctx.node.attribute?.find((a) => a.name === 'value')?.t;
  const dtype = fill?.data_type ?? DataType.FLOAT;
  // The filled values too, while the tensor is small (pads and shapes built from zeros).
  const n = target?.every((d) => typeof d === 'number') ? (target as number[]).reduce((a, d) => a * d, 1) : NaN;
  const v = (fill ? tensorNumbers(fill, 1)?.[0] : 0) ?? undefined;
  const values = v !== undefined && n <= SMALL_VALUES ? [new Array<Dim>(n).fill(v)] : undefined;
  return { outputs: [t(dtype, target ? [...target] : null)], values };
};

const range: ShapeRule = (ctx) => {
  const [start, limit, delta] = [numbersOf(ctx, 0)?.[0], numbersOf(ctx, 1)?.[0], numbersOf(ctx, 2)?.[0]];
  const n =
    start !== undefined && limit !== undefined && delta ? Math.max(0, Math.ceil((limit - start) / delta)) : null;
  return { outputs: [t(ctx.inputs[0]!.dtype, [n])] };
};

/** Output 0 has input 0's type; values pass through (Identity, Dropout in inference). */
export const passThrough: ShapeRule = (ctx): OpResult => ({
  outputs: [
    ctx.inputs[0]!,
    ...Array.from({ length: Math.max(0, (ctx.node.output?.length ?? 1) - 1) }, () => ({
      dtype: DataType.BOOL,
      shape: ctx.inputs[0]!.shape,
    })),
  ],
  values: [ctx.value(0)],
});

/** OneHot (ONNX Operators.md#OneHot): indices shape with `depth` inserted at `axis`; dtype of `values`. */
const oneHot: ShapeRule = (ctx) => {
  const s = ctx.inputs[0]!.shape;
  const depth = ctx.value(1)?.[0];
  if (!s) return { outputs: [t(ctx.inputs[2]!.dtype, null)] };
  const axis = attrInt(ctx.node, 'axis', -1);
  const at = axis < 0 ? axis + s.length + 1 : axis;
  const out = [...s];
  out.splice(at, 0, typeof depth === 'number' ? depth : null);
  return { outputs: [t(ctx.inputs[2]!.dtype, out)] };
};

export const layoutRules: Record<string, ShapeRule> = {
  OneHot: oneHot,
  Reshape: reshape,
  Transpose: transpose,
  Concat: concat,
  Shape: shapeOp,
  Gather: gather,
  Unsqueeze: unsqueeze,
  Squeeze: squeeze,
  Flatten: flatten,
  Slice: slice,
  Split: split,
  Expand: expand,
  Tile: tile,
  Pad: pad,
  ConstantOfShape: constantOfShape,
  Range: range,
  Identity: passThrough,
  Dropout: passThrough,
};
