/**
 * `simplify(model, opts)`: graph clean-up that keeps the model standard ONNX and its outputs equal.
 * Rounds of: Constant nodes → initializers, no-op removal (Identity, Dropout, same-type Cast, Reshape
 * chains), Shape/Size folding where shapes are known (after the user's dims), constant folding evaluated by
 * onnxruntime, Conv+BatchNormalization and MatMul+Add fusion, duplicate merging, dead-code removal; over
 * the main graph and every If/Loop/Scan body (which see the enclosing graphs' constants), until a round
 * changes nothing. The input model is never modified (see graphEdit.ts).
 */
import type { ValueType } from '../../graph/dims';
import { Scope, type Lookup } from '../../graph/scope';
import { defaultOpset, inferShapes, type GraphShapes } from '../../graph/shapeInference';
import { int64ToNumber } from '../../onnx/int64';
import type { GraphProto, ModelProto, TensorProto } from '../../onnx/types';
import { subgraphsOf } from '../../onnx/walk';
import type { TransformChange, TransformResult } from '../common/changes';
import { foldConstants, foldKnownShapes, type FoldContext } from './constantFold';
import { eliminateCommonSubexpressions, mergeDuplicateInitializers } from './dedupe';
import { constantsToInitializers, eliminateNoOps, removeDeadCode } from './eliminate';
import { foldConvAffine, foldConvBatchNorm, fuseMatMulAdd } from './fuse';
import { constantReshapeTargets } from './reshapeShape';
import { allNames, cloneModel } from './graphEdit';

export interface SimplifyOptions {
  /** Values for symbolic dims (e.g. { batch: 1 }): with them, Shape/Size of now-static values fold. */
  readonly dims?: Readonly<Record<string, number>>;
  /** Concrete shapes for main-graph inputs by name (for dims without a name). */
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
  /** Evaluate constant sub-graphs with onnxruntime (default true). */
  readonly foldConstants?: boolean;
  /** A folded value may be at most this many bytes larger than its inputs (default 16 MiB). */
  readonly maxFoldGrowthBytes?: number;
  /** Fuse Conv+BatchNormalization and MatMul+Add (default true). */
  readonly fuse?: boolean;
  /** Upper bound on rounds (default 8). */
  readonly maxRounds?: number;
}

interface Round {
  readonly opts: SimplifyOptions;
  readonly opset: number;
  readonly fold: FoldContext;
  readonly taken: Set<string>;
  readonly changes: TransformChange[];
}

async function simplifyGraph(
  g: GraphProto,
  shapes: GraphShapes | undefined,
  outer: Lookup<TensorProto>,
  r: Round,
): Promise<number> {
  const types: Lookup<ValueType> | undefined = shapes?.types;
  let n = constantsToInitializers(g, r.changes);
  const scope = (): Scope<TensorProto> => {
    const s = new Scope<TensorProto>(outer);
    const inputs = new Set((g.input ?? []).map((v) => v.name ?? ''));
    for (const t of g.initializer ?? []) if (t.name && !inputs.has(t.name)) s.set(t.name, t);
    return s;
  };
  n += eliminateNoOps(g, r.opset, types, scope(), r.changes);
  if (types) n += foldKnownShapes(g, types, r.changes);
  if (r.opts.foldConstants !== false) n += await foldConstants(g, outer, types, r.fold);
  {
    const s = scope();
    n += constantReshapeTargets(g, r.opset, types, (name) => s.get(name), r.taken, r.changes);
  }
  if (r.opts.fuse !== false) {
    const s = scope();
    const constant = (name: string): TensorProto | undefined => s.get(name);
    n += foldConvBatchNorm(g, constant, r.taken, r.changes);
    n += foldConvAffine(g, constant, r.taken, r.changes);
    n += fuseMatMulAdd(g, r.opset, types, constant, r.changes);
  }
  n += eliminateCommonSubexpressions(g, r.changes);
  n += mergeDuplicateInitializers(g, r.changes);
  n += removeDeadCode(g, r.changes);
  const inner = scope();
  for (const node of g.node ?? []) {
    const subs = subgraphsOf(node);
    const subShapes = shapes?.subgraphs.get(node);
    for (let k = 0; k < subs.length; k++) n += await simplifyGraph(subs[k]!, subShapes?.[k], inner, r);
  }
  return n;
}

/** Simplifies a model; returns a new model and the list of what changed. */
export async function simplify(model: ModelProto, opts: SimplifyOptions = {}): Promise<TransformResult> {
  const out = cloneModel(model);
  const changes: TransformChange[] = [];
  if (!out.graph) return { model: out, changes };
  // IR < 4 requires every initializer to be a graph input; folding adds initializers (ONNX IR versioning).
  if (int64ToNumber(out.ir_version ?? 0) < 4) {
    out.ir_version = 4;
    changes.push({ kind: 'note', detail: 'IR version raised to 4 so that initializers need not be graph inputs' });
  }
  const fold: FoldContext = {
    model: out,
    maxGrowthBytes: opts.maxFoldGrowthBytes ?? 16 * 2 ** 20,
    changes,
    unfoldable: new Set(),
  };
  const r: Round = { opts, opset: defaultOpset(out), fold, taken: allNames(out.graph), changes };
  for (let round = 0; round < (opts.maxRounds ?? 8); round++) {
    let shapes: GraphShapes | undefined;
    try {
      shapes = inferShapes(out, { dims: opts.dims ?? {}, inputShapes: opts.inputShapes ?? {} }).main;
    } catch {
      shapes = undefined; // shape-dependent rewrites are skipped; the rest still applies
    }
    const changed = await simplifyGraph(out.graph, shapes, new Scope<TensorProto>(), r);
    if (changed === 0) break;
  }
  return { model: out, changes };
}
