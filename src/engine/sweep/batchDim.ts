/**
 * The batch dim of a model, and its inputs at a given batch size. The batch dim is the first dim of the
 * first input whose first dim is not fixed (symbolic, or unnamed like ppocr's [-1,3,-1,-1]); every input
 * whose first dim is the same symbol (or also open, when unnamed) gets the batch size.
 */
import type { ModelProto } from '../onnx/types';

export interface BatchDim {
  /** The input that defines it. */
  readonly input: string;
  /** Its symbol; null when the dim has no name. */
  readonly symbol: string | null;
  /** Inputs whose first dim is the batch dim. */
  readonly inputs: readonly string[];
  /** Declared shapes of those inputs: numbers, symbols, or null for unnamed open dims. */
  readonly declared: Readonly<Record<string, readonly (number | string | null)[]>>;
}

interface InputDims {
  readonly name: string;
  readonly first: { fixed: number } | { symbol: string | null } | undefined;
  readonly shape: (number | string | null)[];
}

function inputDims(model: ModelProto): InputDims[] {
  const inits = new Set((model.graph?.initializer ?? []).map((t) => t.name));
  return (model.graph?.input ?? [])
    .filter((v) => !inits.has(v.name))
    .map((v): InputDims => {
      const all = v.type?.tensor_type?.shape?.dim ?? [];
      const shape = all.map((d) =>
        d.dim_value !== undefined && Number(d.dim_value) >= 0 ? Number(d.dim_value) : d.dim_param || null,
      );
      const name = v.name ?? '';
      const d = shape[0];
      if (d === undefined) return { name, first: undefined, shape };
      return { name, first: typeof d === 'number' ? { fixed: d } : { symbol: d }, shape };
    });
}

export function findBatchDim(model: ModelProto): BatchDim | null {
  const all = inputDims(model);
  const open = all.filter((i) => i.first && 'symbol' in i.first);
  const first = open[0];
  if (!first || !first.first || !('symbol' in first.first)) return null;
  const symbol = first.first.symbol;
  const members = open.filter((i) => i.first && 'symbol' in i.first && i.first.symbol === symbol);
  return {
    input: first.name,
    symbol,
    inputs: members.map((i) => i.name),
    declared: Object.fromEntries(members.map((i) => [i.name, i.shape])),
  };
}

/**
 * Dims and input shapes for batch size `batch`: the symbol gets the value, and inputs with a given full
 * shape get their first dim replaced (unnamed batch dims need a shape: `base` shapes or all-1 defaults).
 */
export function atBatch(
  bd: BatchDim | null,
  batch: number,
  dims: Readonly<Record<string, number>>,
  shapes: Readonly<Record<string, readonly number[]>>,
): { dims: Record<string, number>; inputShapes: Record<string, number[]> } {
  const outDims: Record<string, number> = { ...dims };
  const outShapes: Record<string, number[]> = Object.fromEntries(Object.entries(shapes).map(([k, v]) => [k, [...v]]));
  if (!bd) return { dims: outDims, inputShapes: outShapes };
  if (bd.symbol !== null) outDims[bd.symbol] = batch;
  for (const name of bd.inputs) {
    const s = outShapes[name];
    if (s) s[0] = batch;
    else if (bd.symbol === null) {
      // Unnamed dims: give the whole shape (other open dims from the user's values, else 1).
      const declared = bd.declared[name] ?? [];
      outShapes[name] = declared.map((d, i) =>
        i === 0 ? batch : typeof d === 'number' ? d : d !== null ? (dims[d] ?? 1) : 1,
      );
    }
  }
  return { dims: outDims, inputShapes: outShapes };
}
