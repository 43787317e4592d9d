/**
 * `simplify(model, opts)`: graph clean-up that keeps the model's outputs equal.
 * Rounds of: Constant nodes → initializers, no-op removal (Identity, Dropout, same-type Cast, Reshape
 * chains), Shape/Size folding where shapes are known (after the user's dims), constant folding evaluated by
 * onnxruntime, Conv+BatchNormalization and MatMul+Add fusion, for onnxruntime's CPU provider attention as
 * one MultiHeadAttention (its only non-standard op; `contribOps: false` keeps the model standard ONNX) and
 * Add+LayerNormalization kept apart, duplicate merging, dead-code removal; over
 * the main graph and every If/Loop/Scan body (which see the enclosing graphs' constants), until a round
 * changes nothing. The input model is never modified (see graphEdit.ts).
 */
import { Scope } from '../../graph/scope';
import { defaultOpset, inferShapes, type GraphShapes } from '../../graph/shapeInference';
import { int64ToNumber } from '../../onnx/int64';
import type { GraphProto, ModelProto, TensorProto } from '../../onnx/types';
import type { ExecutionProvider } from '../../runtime/sessionOptions';
import { subgraphsOf } from '../../onnx/walk';
import type { TransformChange, TransformResult } from '../common/changes';
import { withOpset } from '../common/opset';
import type { FoldContext } from './constantFold';
import { allNames, cloneGraph, cloneModel } from './graphEdit';
import { OutputCheck } from './outputCheck';
import { constantsOf, SIMPLIFY_PASSES, type PassEnv, type SimplifyPass } from './passes';

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
  /**
   * The provider the result will run on (default 'cpu'): on the CPU provider, attention becomes one
   * MultiHeadAttention and Add+LayerNormalization stays out of onnxruntime's slower SkipLayerNormalization.
   */
  readonly executionProvider?: ExecutionProvider;
  /** May introduce onnxruntime's com.microsoft ops (default true; false keeps the model portable ONNX). */
  readonly contribOps?: boolean;
  /** Upper bound on rounds (default 8). */
  readonly maxRounds?: number;
  /**
   * Check the result's outputs against the original's with onnxruntime, and undo any pass that changes
   * them (default true).
   */
  readonly verify?: boolean;
  /** The passes a round runs, in order (default SIMPLIFY_PASSES; tests inject a broken one). */
  readonly passes?: readonly SimplifyPass[];
}

/** A pass over one graph and, recursively, its subgraphs (which see this graph's constants). */
async function applyPass(
  pass: SimplifyPass,
  g: GraphProto,
  shapes: GraphShapes | undefined,
  outer: Scope<TensorProto>,
  env: Omit<PassEnv, 'types' | 'outer'>,
): Promise<number> {
  let n = await pass.run(g, { ...env, types: shapes?.types, outer });
  // The constants a body sees, built only for graphs that have bodies (every pass runs this).
  let inner: Scope<TensorProto> | undefined;
  for (const node of g.node ?? []) {
    const subs = subgraphsOf(node);
    if (!subs.length) continue;
    inner ??= constantsOf(g, outer);
    const subShapes = shapes?.subgraphs.get(node);
    for (let k = 0; k < subs.length; k++) n += await applyPass(pass, subs[k]!, subShapes?.[k], inner, env);
  }
  return n;
}

/** "it touched Conv_3, BN_3 (+4 more)" from the changes a pass recorded. */
function touched(changes: readonly TransformChange[]): string {
  const nodes = [...new Set(changes.flatMap((c) => (c.node ? [c.node] : c.tensor ? [c.tensor] : [])))];
  if (!nodes.length) return '';
  return ` — it touched ${nodes.slice(0, 3).join(', ')}${nodes.length > 3 ? ` (+${nodes.length - 3} more)` : ''}`;
}

/**
 * Rounds of every pass until one changes nothing. With `check`, each pass that changed something is checked
 * against the original's outputs and, if they differ, undone, reported by name and not run again.
 */
async function runRounds(
  model: ModelProto,
  opts: SimplifyOptions,
  check?: OutputCheck,
): Promise<{ model: ModelProto; changes: TransformChange[]; changed: boolean }> {
  const out = cloneModel(model);
  const changes: TransformChange[] = [];
  if (!out.graph) return { model: out, changes, changed: false };
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
  const env = {
    opset: defaultOpset(out),
    fold,
    taken: allNames(out.graph),
    changes,
    foldConstants: opts.foldConstants !== false,
    fuse: opts.fuse !== false,
    cpuRuntime: (opts.executionProvider ?? 'cpu') === 'cpu',
    contribOps: opts.contribOps !== false,
    requireDomain: (domain: string, version: number): void => {
      out.opset_import = withOpset(out, domain, version);
    },
  };
  const undone = new Set<string>();
  let changed = false;
  for (let round = 0; round < (opts.maxRounds ?? 8); round++) {
    let shapes: GraphShapes | undefined;
    try {
      shapes = inferShapes(out, { dims: opts.dims ?? {}, inputShapes: opts.inputShapes ?? {} }).main;
    } catch {
      shapes = undefined; // shape-dependent rewrites are skipped; the rest still applies
    }
    let n = 0;
    for (const pass of opts.passes ?? SIMPLIFY_PASSES) {
      if (undone.has(pass.name)) continue;
      const before: GraphProto | undefined = check ? cloneGraph(out.graph!) : undefined;
      const mark = changes.length;
      const k = await applyPass(pass, out.graph!, shapes, new Scope<TensorProto>(), env);
      const bad = check && k > 0 ? await check.mismatch(out) : undefined;
      if (bad && before) {
        const detail = `simplify pass '${pass.name}' undone: it changed output '${bad.output}'${Number.isNaN(bad.maxAbs) ? '' : ` (max abs difference ${bad.maxAbs.toPrecision(3)})`}${touched(changes.slice(mark))}`;
        changes.splice(mark);
        changes.push({ kind: 'undone', detail });
        out.graph = before;
        undone.add(pass.name);
        continue;
      }
      n += k;
    }
    if (n === 0) break;
    changed = true;
  }
  return { model: out, changes, changed };
}

/**
 * Simplifies a model; returns a new model and the list of what changed. The result is checked against the
 * original's outputs (onnxruntime, synthesised inputs); only when they differ are the passes re-run one at
 * a time, each checked, so the pass at fault is undone and named while the others are kept. Never a
 * silently changed model: when onnxruntime cannot run the original, a note says the outputs were not checked.
 */
export async function simplify(model: ModelProto, opts: SimplifyOptions = {}): Promise<TransformResult> {
  const first = await runRounds(model, opts);
  if (opts.verify === false || !first.changed) return first;
  const check = await OutputCheck.of(model, opts);
  if (!(check instanceof OutputCheck))
    return {
      model: first.model,
      changes: [
        ...first.changes,
        { kind: 'note', detail: `outputs not checked: onnxruntime could not run the original (${check.unchecked})` },
      ],
    };
  if (!(await check.mismatch(first.model))) return first;
  return runRounds(model, opts, check);
}
