/**
 * Dimensions for shape inference: a number when known, a symbol name (e.g. 'batch', 'seq') when the model
 * leaves it open, or null when nothing is known. Symbols are kept by name through the graph so that a
 * report can say "this activation is batch×seq×384" and resolve it later from the user's values.
 */
export type Dim = number | string | null;

/** A shape; null when even the rank is unknown. */
export type Shape = Dim[] | null;

export interface ValueType {
  /** TensorProto.DataType (0 when unknown). */
  readonly dtype: number;
  readonly shape: Shape;
}

export const UNKNOWN: ValueType = { dtype: 0, shape: null };

export function isKnownShape(s: Shape): s is number[] {
  return s !== null && s.every((d) => typeof d === 'number');
}

/**
 * The most elements one tensor may declare before its size is "unknown (too large)" (2^36 ≈ 6.9e10, 275 GB
 * of float32): no real model holds one tensor past this, and a hostile file that declares 1e12 elements must
 * get an unknown size, not a cost figure that invites an allocation or overflows to Infinity.
 */
export const MAX_TENSOR_ELEMENTS = 2 ** 36;

/** The declared element count when every dim is a non-negative integer, even past the limit; else null. */
export function declaredElements(s: Shape): number | null {
  if (!isKnownShape(s)) return null;
  let n = 1;
  for (const d of s) {
    if (!Number.isInteger(d) || d < 0) return null;
    n *= d;
  }
  return n;
}

/** Whether the shape is fully known and declares more elements than MAX_TENSOR_ELEMENTS. */
export function isTooLarge(s: Shape): boolean {
  const n = declaredElements(s);
  return n !== null && n > MAX_TENSOR_ELEMENTS;
}

/** Element count, or null when any dim is not a non-negative integer or the count is over the size limit. */
export function numel(s: Shape): number | null {
  const n = declaredElements(s);
  return n === null || n > MAX_TENSOR_ELEMENTS ? null : n;
}

/** Replaces symbols that have user values. */
export function resolveDims(s: Shape, values: Readonly<Record<string, number>>): Shape {
  if (!s) return s;
  // Always a copy (callers keep it); a plain slice when nothing resolves, the common case of every tensor.
  if (!s.some((d) => typeof d === 'string' && values[d] !== undefined)) return s.slice();
  return s.map((d) => (typeof d === 'string' && values[d] !== undefined ? values[d] : d));
}

export function formatShape(s: Shape): string {
  if (!s) return '?';
  return `[${s.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

/** Two dims that are certainly equal (same number or same symbol). */
function sameDim(a: Dim, b: Dim): boolean {
  return a !== null && a === b;
}

/** Multidirectional (numpy-style) broadcasting, ONNX "Broadcasting in ONNX" (docs/Broadcasting.md). */
export function broadcastShapes(shapes: Shape[]): Shape {
  if (shapes.some((s) => s === null)) return null;
  const list = shapes as Dim[][];
  const rank = Math.max(0, ...list.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let dim: Dim = 1;
    for (const s of list) {
      const d = s[s.length - rank + i];
      if (d === undefined || d === 1) continue;
      if (dim === 1) dim = d;
      else if (!sameDim(dim, d))
        dim = typeof dim === 'number' && typeof d !== 'number' ? dim : typeof d === 'number' ? d : null;
    }
    out.push(dim);
  }
  return out;
}

/**
 * A product of dims as coefficient × symbols, so that Reshape's -1 can be solved when the input has
 * symbolic dims: [batch, seq, 384] → [0, -1] gives seq·384 only if the symbols cancel; here we solve the
 * common case where exactly one symbol remains.
 */
export interface SymbolicProduct {
  coef: number;
  syms: string[];
}

export function productOf(dims: Dim[]): SymbolicProduct | null {
  let coef = 1;
  const syms: string[] = [];
  for (const d of dims) {
    if (d === null) return null;
    if (typeof d === 'number') coef *= d;
    else syms.push(d);
  }
  return { coef, syms: syms.sort() };
}

/** total / part when the result is a single number or a single symbol; otherwise null. */
export function divideProducts(total: SymbolicProduct, part: SymbolicProduct): Dim {
  const rest = [...total.syms];
  for (const s of part.syms) {
    const i = rest.indexOf(s);
    if (i < 0) return null;
    rest.splice(i, 1);
  }
  if (part.coef === 0 || total.coef % part.coef !== 0) return null;
  const coef = total.coef / part.coef;
  if (rest.length === 0) return coef;
  if (rest.length === 1 && coef === 1) return rest[0]!;
  return null;
}
