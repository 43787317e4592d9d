/**
 * Shape rules for the indexing ops that transformer and detection exports lean on (ScatterND in Swin's window
 * shifts, GatherND in NMS heads) and for Einsum. Without them everything downstream of such a node had an
 * unknown shape, and so an unknown cost (a Swin-T export lost 327 nodes' costs that way).
 */
import { attrInt, attrString } from './attributes';
import type { Dim, Shape, ValueType } from './dims';
import type { ShapeRule } from './shapeContext';

const t = (dtype: number, shape: Shape): ValueType => ({ dtype, shape });

/** Scatter*: the output is the data tensor with some elements replaced. */
const scatter: ShapeRule = (ctx) => ({ outputs: [ctx.inputs[0]!] });

/** GatherElements: the indices' shape, the data's dtype. */
const gatherElements: ShapeRule = (ctx) => ({ outputs: [t(ctx.inputs[0]!.dtype, ctx.inputs[1]!.shape)] });

/** GatherND (spec): indices.shape[:-1] + data.shape[batch_dims + indices.shape[-1]:]. */
const gatherNd: ShapeRule = (ctx) => {
  const [data, idx] = ctx.inputs;
  const ds = data!.shape;
  const is = idx!.shape;
  const last = is?.[is.length - 1];
  if (!ds || !is || typeof last !== 'number') return { outputs: [t(data!.dtype, null)] };
  const batchDims = attrInt(ctx.node, 'batch_dims', 0);
  return { outputs: [t(data!.dtype, [...is.slice(0, -1), ...ds.slice(batchDims + last)])] };
};

/** The letters of each operand and of the output of an Einsum equation; '...' kept as one token. */
export function parseEinsum(
  equation: string,
  ranks: readonly number[],
): { inputs: string[][]; output: string[] } | undefined {
  const eq = equation.replace(/\s+/g, '');
  const [lhs, rhs] = eq.split('->');
  if (lhs === undefined) return undefined;
  const tokens = (term: string): string[] => term.replace(/\.\.\./g, '…').split('');
  const inputs = lhs.split(',').map(tokens);
  if (inputs.length !== ranks.length) return undefined;
  // '…' stands for the operand's dims no letter names; spell them out as numbered tokens.
  const expanded = inputs.map((letters, k) => {
    const i = letters.indexOf('…');
    if (i < 0) return letters;
    const n = ranks[k]! - (letters.length - 1);
    return [...letters.slice(0, i), ...Array.from({ length: n }, (_, j) => `…${j}`), ...letters.slice(i + 1)];
  });
  let output: string[];
  if (rhs !== undefined) {
    const out = tokens(rhs);
    const i = out.indexOf('…');
    const widest = Math.max(0, ...expanded.map((l) => l.filter((x) => x.startsWith('…')).length));
    output =
      i < 0 ? out : [...out.slice(0, i), ...Array.from({ length: widest }, (_, j) => `…${j}`), ...out.slice(i + 1)];
  } else {
    // Implicit output: the ellipsis dims, then the letters that appear once, in alphabetical order.
    const count = new Map<string, number>();
    for (const l of expanded.flat()) count.set(l, (count.get(l) ?? 0) + 1);
    const ell = [...count.keys()].filter((l) => l.startsWith('…')).sort();
    output = [
      ...ell,
      ...[...count]
        .filter(([l, n]) => n === 1 && !l.startsWith('…'))
        .map(([l]) => l)
        .sort(),
    ];
  }
  return { inputs: expanded, output };
}

/** Each letter's size, from the first operand dim that names it with a known (non-1, for broadcast) size. */
export function einsumSizes(inputs: readonly string[][], shapes: readonly Shape[]): Map<string, Dim> | undefined {
  const sizes = new Map<string, Dim>();
  for (const [k, letters] of inputs.entries()) {
    const s = shapes[k];
    if (!s || s.length !== letters.length) return undefined;
    letters.forEach((l, i) => {
      const d = s[i]!;
      const had = sizes.get(l);
      if (had === undefined || had === null || had === 1) sizes.set(l, d);
    });
  }
  return sizes;
}

const einsum: ShapeRule = (ctx) => {
  const dtype = ctx.inputs[0]!.dtype;
  const shapes = ctx.inputs.map((v) => v.shape);
  if (shapes.some((s) => !s)) return { outputs: [t(dtype, null)] };
  const parsed = parseEinsum(
    attrString(ctx.node, 'equation', ''),
    shapes.map((s) => s!.length),
  );
  const sizes = parsed && einsumSizes(parsed.inputs, shapes);
  if (!parsed || !sizes) return { outputs: [t(dtype, null)] };
  return {
    outputs: [
      t(
        dtype,
        parsed.output.map((l) => sizes.get(l) ?? null),
      ),
    ],
  };
};

export const indexingRules: Record<string, ShapeRule> = {
  ScatterND: scatter,
  ScatterElements: scatter,
  Scatter: scatter,
  GatherElements: gatherElements,
  GatherND: gatherNd,
  Einsum: einsum,
};
