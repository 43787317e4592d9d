/**
 * Shape inference over a whole model (main graph and If/Loop/Scan subgraphs), with symbolic dims kept by
 * name and resolved from user values (e.g. batch=1, seq=128). Where our rules know nothing (custom-domain
 * ops, data-dependent shapes), the model's own value_info fills in. Never throws on a malformed graph:
 * what cannot be inferred stays unknown, and the op is listed in `unsupportedOps`.
 */
import { int64ToNumber } from '../onnx/int64';
import type { GraphProto, ModelProto, NodeProto, TypeProto, ValueInfoProto } from '../onnx/types';
import { subgraphsOf } from '../onnx/walk';
import { resolveDims, UNKNOWN, type Dim, type Shape, type ValueType } from './dims';
import { indexGraph, type GraphIndex } from './graphIndex';
import { Scope, type Lookup } from './scope';
import type { OpContext, ShapeRule } from './shapeContext';
import { computeRules } from './shapeRulesCompute';
import { layoutRules } from './shapeRulesLayout';
import { contribRules, qlinearRules } from './shapeRulesContrib';
import { indexingRules } from './shapeRulesIndexing';
import { tensorDims, tensorNumbers } from './tensorData';

const RULES: Record<string, ShapeRule> = { ...computeRules, ...layoutRules, ...indexingRules, ...qlinearRules };

/** The rule for a node's op in its domain (standard ONNX or onnxruntime's com.microsoft), if there is one. */
function ruleFor(node: NodeProto): ShapeRule | undefined {
  const domain = node.domain ?? '';
  const op = node.op_type ?? '';
  if (domain === '' || domain === 'ai.onnx') return Object.hasOwn(RULES, op) ? RULES[op] : undefined;
  if (domain === 'com.microsoft') return Object.hasOwn(contribRules, op) ? contribRules[op] : undefined;
  return undefined;
}

/** Values are tracked only for small tensors (shape vectors, axes, scales). */
const MAX_TRACKED_VALUES = 256;

export interface GraphShapes {
  readonly index: GraphIndex;
  /** Type of every value visible in this graph (inputs, initializers, node outputs, outer-scope names). */
  readonly types: Lookup<ValueType>;
  /** Known values of small tensors (shape vectors), flattened. */
  readonly values: Lookup<readonly Dim[]>;
  /** Inferred subgraphs of each node that has any (If: then, else; Loop/Scan: body). */
  readonly subgraphs: ReadonlyMap<NodeProto, readonly GraphShapes[]>;
  /** If nodes whose condition is known: the index (into `subgraphs`) of the branch that runs. */
  readonly selected: ReadonlyMap<NodeProto, number>;
}

export interface ShapeInference {
  readonly main: GraphShapes;
  readonly opset: number;
  /** The user's dim values that were applied. */
  readonly dims: Readonly<Record<string, number>>;
  /** Op types (domain-qualified when not default) that no rule covers. */
  readonly unsupportedOps: ReadonlySet<string>;
  /** Symbols still open after applying the user's dims. */
  readonly openSymbols: ReadonlySet<string>;
}

export function defaultOpset(model: ModelProto): number {
  const imp = model.opset_import?.find((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx');
  return imp?.version !== undefined ? int64ToNumber(imp.version) : 1;
}

/** A ValueInfoProto's tensor type as a ValueType (non-tensor types are UNKNOWN). */
export function typeFromProto(tp: TypeProto | undefined): ValueType {
  const tt = tp?.tensor_type;
  if (!tt) return UNKNOWN;
  const shape: Shape = tt.shape
    ? (tt.shape.dim ?? []).map((d): Dim => {
        if (d.dim_value !== undefined) {
          const v = int64ToNumber(d.dim_value);
          return v >= 0 && Number.isSafeInteger(v) ? v : null;
        }
        return d.dim_param ? d.dim_param : null;
      })
    : null;
  return { dtype: tt.elem_type ?? 0, shape };
}

/** Fills unknown dims of `inferred` from `declared` where ranks agree. */
function mergeDeclared(inferred: ValueType, declared: ValueType | undefined): ValueType {
  if (!declared) return inferred;
  const dtype = inferred.dtype || declared.dtype;
  if (!inferred.shape) return { dtype, shape: declared.shape };
  if (!declared.shape || declared.shape.length !== inferred.shape.length) return { dtype, shape: inferred.shape };
  return { dtype, shape: inferred.shape.map((d, i) => (d === null ? (declared.shape![i] ?? null) : d)) };
}

function mergeBranches(types: ValueType[]): ValueType {
  const [first, ...rest] = types;
  if (!first) return UNKNOWN;
  let shape = first.shape;
  for (const t of rest) {
    if (!shape || !t.shape || t.shape.length !== shape.length) return { dtype: first.dtype, shape: null };
    shape = shape.map((d, i) => (d === t.shape![i] ? d : null));
  }
  return { dtype: first.dtype, shape };
}

export interface ShapeOptions {
  /** An index of the model's main graph the caller already built (indexGraph(model.graph)), to reuse. */
  readonly index?: GraphIndex;
  /** Values for symbolic dims by name, e.g. { batch: 1, seq: 128 }. */
  readonly dims?: Readonly<Record<string, number>>;
  /** Concrete shapes for main-graph inputs by name (for dims with no name, as some exporters write). */
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
  /**
   * Known values of main-graph inputs (a sample rate the model compares with a constant): an If on them
   * then takes its branch instead of merging both (constantInputValues in inputPlan.ts).
   */
  readonly inputValues?: Readonly<Record<string, readonly number[]>>;
}

interface Ctx {
  readonly mainIndex: GraphIndex | undefined;
  readonly opset: number;
  readonly dims: Readonly<Record<string, number>>;
  readonly inputShapes: Readonly<Record<string, readonly number[]>>;
  readonly inputValues: Readonly<Record<string, readonly number[]>>;
  readonly unsupported: Set<string>;
  readonly symbols: Set<string>;
}

function inferGraph(
  graph: GraphProto,
  ctx: Ctx,
  outerTypes: Lookup<ValueType> | undefined,
  outerValues: Lookup<readonly Dim[]> | undefined,
  depth: number,
): GraphShapes {
  const index =
    depth === 0 && ctx.mainIndex?.graph === graph ? ctx.mainIndex : indexGraph(graph, outerTypes ?? new Set<string>());
  const types = new Scope<ValueType>(outerTypes);
  const values = new Scope<readonly Dim[]>(outerValues);
  const subgraphs = new Map<NodeProto, GraphShapes[]>();
  const selected = new Map<NodeProto, number>();
  const declared = new Map<string, ValueType>();
  for (const vi of [...(graph.value_info ?? []), ...(graph.output ?? [])] as ValueInfoProto[])
    if (vi.name) declared.set(vi.name, typeFromProto(vi.type));

  for (const vi of graph.input ?? []) {
    if (!vi.name) continue;
    const t = typeFromProto(vi.type);
    const given = depth === 0 ? ctx.inputShapes[vi.name] : undefined;
    types.set(vi.name, { dtype: t.dtype, shape: given ? [...given] : resolveDims(t.shape, ctx.dims) });
    const known = depth === 0 ? ctx.inputValues[vi.name] : undefined;
    if (known) values.set(vi.name, known);
  }
  for (const [name, tensor] of index.constants) {
    if (index.producer.has(name) && !index.initializers.has(name)) continue; // Constant nodes handled in order
    types.set(name, { dtype: tensor.data_type ?? 0, shape: tensorDims(tensor) });
    const v = tensorNumbers(tensor, MAX_TRACKED_VALUES);
    if (v) values.set(name, v);
  }

  for (const i of index.order) {
    const node = index.nodes[i]!;
    const ins = (node.input ?? []).map((n) => (n ? (types.get(n) ?? UNKNOWN) : UNKNOWN));
    const subs = subgraphsOf(node);
    let result: { outputs: readonly ValueType[]; values?: readonly (readonly Dim[] | undefined)[] };
    if (subs.length && depth < 32) {
      const inner = subs.map((g) => inferGraph(g, ctx, types, values, depth + 1));
      subgraphs.set(node, inner);
      const taken = node.op_type === 'If' ? takenBranch(node, subs, values.get(node.input?.[0] ?? '')) : -1;
      if (taken >= 0) selected.set(node, taken);
      const outs = node.output ?? [];
      const outputOf = (s: GraphShapes, k: number): ValueType =>
        s.types.get(s.index.graph.output?.[k]?.name ?? '') ?? UNKNOWN;
      result = {
        outputs: outs.map((_, k) =>
          node.op_type !== 'If'
            ? UNKNOWN
            : taken >= 0
              ? outputOf(inner[taken]!, k)
              : mergeBranches(inner.map((s) => outputOf(s, k))),
        ),
      };
    } else {
      const constTensor = node.op_type === 'Constant' ? index.constants.get(node.output?.[0] ?? '') : undefined;
      const rule = ruleFor(node);
      if (constTensor) {
        result = {
          outputs: [{ dtype: constTensor.data_type ?? 0, shape: tensorDims(constTensor) }],
          values: [tensorNumbers(constTensor, MAX_TRACKED_VALUES)],
        };
      } else if (rule) {
        const opCtx: OpContext = {
          node,
          inputs: ins,
          opset: ctx.opset,
          has: (k) => Boolean(node.input?.[k]),
          value: (k) => {
            const name = node.input?.[k];
            return name ? values.get(name) : undefined;
          },
        };
        try {
          result = rule(opCtx);
        } catch {
          result = { outputs: [] }; // a malformed node: leave its outputs unknown
        }
      } else {
        ctx.unsupported.add(node.domain ? `${node.domain}.${node.op_type ?? ''}` : (node.op_type ?? ''));
        result = { outputs: [] };
      }
    }
    (node.output ?? []).forEach((name, k) => {
      if (!name) return;
      const inferred = result.outputs[k] ?? UNKNOWN;
      const merged = mergeDeclared(inferred, declared.get(name));
      types.set(name, { dtype: merged.dtype, shape: resolveDims(merged.shape, ctx.dims) });
      const v = result.values?.[k];
      if (v && v.length <= MAX_TRACKED_VALUES) values.set(name, v);
    });
  }
  for (const [, t] of types.ownEntries()) for (const d of t.shape ?? []) if (typeof d === 'string') ctx.symbols.add(d);
  return { index, types, values, subgraphs, selected };
}

/**
 * The branch an If takes when its condition's value is known (exporters branch on ranks and sizes the
 * shapes already tell): the index into `subs` of then_branch or else_branch; −1 when unknown.
 */
function takenBranch(node: NodeProto, subs: readonly GraphProto[], cond: readonly Dim[] | undefined): number {
  const v = cond?.length === 1 ? cond[0] : undefined;
  if (typeof v !== 'number') return -1;
  const branch = node.attribute?.find((a) => a.name === (v !== 0 ? 'then_branch' : 'else_branch'))?.g;
  return branch ? subs.indexOf(branch) : -1;
}

export function inferShapes(model: ModelProto, opts: ShapeOptions = {}): ShapeInference {
  const dims = opts.dims ?? {};
  const ctx: Ctx = {
    mainIndex: opts.index,
    opset: defaultOpset(model),
    dims,
    inputShapes: opts.inputShapes ?? {},
    inputValues: opts.inputValues ?? {},
    unsupported: new Set(),
    symbols: new Set(),
  };
  const main = inferGraph(model.graph ?? {}, ctx, undefined, undefined, 0);
  return { main, opset: ctx.opset, dims, unsupportedOps: ctx.unsupported, openSymbols: ctx.symbols };
}
