/**
 * The simplify passes, in the order a round runs them. Each is applied to the main graph and then to every
 * If/Loop/Scan body (which see the enclosing graphs' constants); simplify.ts runs them one at a time so each
 * can be checked against the original's outputs and undone by name (outputCheck.ts).
 */
import type { ValueType } from '../../graph/dims';
import { Scope, type Lookup } from '../../graph/scope';
import type { GraphProto, TensorProto } from '../../onnx/types';
import type { TransformChange } from '../common/changes';
import { foldConstants, foldKnownShapes, type FoldContext } from './constantFold';
import { eliminateCommonSubexpressions, mergeDuplicateInitializers } from './dedupe';
import { constantsToInitializers, eliminateNoOps, removeDeadCode } from './eliminate';
import { fuseAttention } from './attentionFusion';
import { keepLayerNormUnfused } from './cpuLayerNorm';
import { foldConvAffine, foldConvBatchNorm, fuseMatMulAdd } from './fuse';
import { constantReshapeTargets } from './reshapeShape';

export interface PassEnv {
  /** Inferred types of this graph's values (undefined when inference failed this round). */
  readonly types: Lookup<ValueType> | undefined;
  /** Constants of the enclosing graphs. */
  readonly outer: Lookup<TensorProto>;
  readonly opset: number;
  readonly fold: FoldContext;
  /** Every name in the model, so new names never collide. */
  readonly taken: Set<string>;
  readonly changes: TransformChange[];
  /** Evaluate constant sub-graphs / fuse (SimplifyOptions.foldConstants / fuse). */
  readonly foldConstants: boolean;
  readonly fuse: boolean;
  /** Rewrites that pay on onnxruntime's CPU provider only (SimplifyOptions.executionProvider). */
  readonly cpuRuntime: boolean;
  /** onnxruntime's com.microsoft ops may be introduced (SimplifyOptions.contribOps). */
  readonly contribOps: boolean;
  /** Adds an opset import the rewritten graph needs. */
  readonly requireDomain: (domain: string, version: number) => void;
}

export interface SimplifyPass {
  readonly name: string;
  /** Rewrites one graph in place (a clone: see graphEdit.ts); returns how many changes it made. */
  run(g: GraphProto, env: PassEnv): number | Promise<number>;
}

/** The constants visible in `g`: its initializers (not those shadowed by a graph input), then `outer`'s. */
export function constantsOf(g: GraphProto, outer: Lookup<TensorProto>): Scope<TensorProto> {
  const s = new Scope<TensorProto>(outer);
  const inputs = new Set((g.input ?? []).map((v) => v.name ?? ''));
  for (const t of g.initializer ?? []) if (t.name && !inputs.has(t.name)) s.set(t.name, t);
  return s;
}

const lookup = (g: GraphProto, env: PassEnv): ((name: string) => TensorProto | undefined) => {
  const s = constantsOf(g, env.outer);
  return (name) => s.get(name);
};

export const SIMPLIFY_PASSES: readonly SimplifyPass[] = [
  { name: 'constants to initializers', run: (g, env) => constantsToInitializers(g, env.changes) },
  {
    name: 'no-op removal',
    run: (g, env) => eliminateNoOps(g, env.opset, env.types, constantsOf(g, env.outer), env.changes),
  },
  { name: 'known-shape folding', run: (g, env) => (env.types ? foldKnownShapes(g, env.types, env.changes) : 0) },
  {
    name: 'constant folding',
    run: (g, env) => (env.foldConstants ? foldConstants(g, env.outer, env.types, env.fold) : 0),
  },
  {
    name: 'constant Reshape targets',
    run: (g, env) => constantReshapeTargets(g, env.opset, env.types, lookup(g, env), env.taken, env.changes),
  },
  {
    name: 'Conv+BatchNormalization fusion',
    run: (g, env) => (env.fuse ? foldConvBatchNorm(g, lookup(g, env), env.taken, env.changes) : 0),
  },
  {
    name: 'Conv+Mul/Add fusion',
    run: (g, env) => (env.fuse ? foldConvAffine(g, lookup(g, env), env.taken, env.changes) : 0),
  },
  {
    name: 'MatMul+Add fusion',
    run: (g, env) => (env.fuse ? fuseMatMulAdd(g, env.opset, env.types, lookup(g, env), env.changes) : 0),
  },
  {
    name: 'attention fusion (onnxruntime CPU)',
    run: (g, env) =>
      env.fuse && env.cpuRuntime && env.contribOps
        ? fuseAttention(g, env.types, lookup(g, env), env.taken, env.changes, env.requireDomain)
        : 0,
  },
  {
    name: 'Add+LayerNormalization kept unfused (onnxruntime CPU)',
    run: (g, env) => (env.fuse && env.cpuRuntime ? keepLayerNormUnfused(g, env.types, env.changes) : 0),
  },
  { name: 'common subexpressions', run: (g, env) => eliminateCommonSubexpressions(g, env.changes) },
  { name: 'duplicate initializers', run: (g, env) => mergeDuplicateInitializers(g, env.changes) },
  { name: 'dead code', run: (g, env) => removeDeadCode(g, env.changes) },
];
