/**
 * The output-equivalence check behind "every simplify pass verified" (issue 18: onnxslim users saw a
 * simplifier pass silently change results): the original model's outputs on synthesised inputs are computed
 * once with onnxruntime, and a candidate passes when every output matches them within float rounding
 * (|a − b| ≤ 1e-4 + 1e-3·max|a|, same NaN positions; integer and bool outputs exactly). When onnxruntime
 * cannot run the original (custom ops, an unrunnable file) there is nothing to check against, and the
 * caller is told why instead.
 */
import type * as ort from 'onnxruntime-node';
import type { ModelProto } from '../../onnx/types';
import { modelToBuffer } from '../../onnx/writeModel';
import { adaptFeeds, synthesizeFeeds, type Feeds } from '../../verify/feeds';
import { createSession } from '../../verify/modelSource';
import { tensorValues } from '../../verify/outputMetrics';

export const ABS_TOLERANCE = 1e-4;
export const REL_TOLERANCE = 1e-3;

export interface OutputMismatch {
  readonly output: string;
  /** Largest absolute difference (NaN: the outputs differ in shape, NaN positions or presence). */
  readonly maxAbs: number;
}

export interface FeedDims {
  readonly dims?: Readonly<Record<string, number>>;
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
}

/** Runs `model` once on `feeds` (graph optimizations off: the file's own semantics). */
async function runOnce(model: ModelProto, feeds: Feeds | ((s: ort.InferenceSession) => Feeds)) {
  const s = await createSession(modelToBuffer(model), { optimizationLevel: 'disabled' });
  try {
    const f = typeof feeds === 'function' ? feeds(s) : adaptFeeds(feeds, s);
    return { feeds: f, outputs: await s.run(f) };
  } finally {
    await s.release();
  }
}

/** The first output of `cand` that differs from `ref` beyond the tolerance, or undefined when all match. */
export function firstMismatch(
  ref: Readonly<Record<string, ort.Tensor>>,
  cand: Readonly<Record<string, ort.Tensor | undefined>>,
): OutputMismatch | undefined {
  for (const [name, a] of Object.entries(ref)) {
    const b = cand[name];
    const va = tensorValues(a);
    const vb = b && tensorValues(b);
    if (!b || !va || !vb || va.length !== vb.length || a.dims.join() !== b.dims.join())
      return { output: name, maxAbs: NaN };
    let scale = 0;
    for (const v of va) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
    const exact = a.type !== 'float32' && a.type !== 'float16' && a.type !== 'float64';
    const tol = exact ? 0 : ABS_TOLERANCE + REL_TOLERANCE * scale;
    let worst = 0;
    for (let i = 0; i < va.length; i++) {
      const x = va[i]!;
      const y = vb[i]!;
      if (Number.isNaN(x) !== Number.isNaN(y)) return { output: name, maxAbs: NaN };
      if (Number.isNaN(x) || x === y) continue;
      worst = Math.max(worst, Math.abs(x - y));
    }
    if (worst > tol) return { output: name, maxAbs: worst };
  }
  return undefined;
}

export class OutputCheck {
  private constructor(
    private readonly feeds: Feeds,
    private readonly reference: Readonly<Record<string, ort.Tensor>>,
  ) {}

  /** The check against `original`, or why there is none (onnxruntime could not run it). */
  static async of(original: ModelProto, dims: FeedDims): Promise<OutputCheck | { readonly unchecked: string }> {
    try {
      const r = await runOnce(original, (s) => synthesizeFeeds(s, { ...dims, model: original }));
      return new OutputCheck(r.feeds, r.outputs);
    } catch (e) {
      return { unchecked: (e as Error).message.split('\n')[0]! };
    }
  }

  /** undefined when `candidate` gives the original's outputs; else the first output that differs. */
  async mismatch(candidate: ModelProto): Promise<OutputMismatch | undefined> {
    try {
      return firstMismatch(this.reference, (await runOnce(candidate, this.feeds)).outputs);
    } catch {
      return { output: '(the model no longer runs in onnxruntime)', maxAbs: NaN };
    }
  }
}
