/**
 * Removal passes over one graph (edited in place; callers hand in a clone): Constant nodes become
 * initializers, nodes that compute nothing (Identity, inference-time Dropout, a Cast to the type the value
 * already has, a Reshape to the shape it already has, a Reshape of a Reshape) are bypassed, and nodes and
 * initializers nothing reads are dropped. "Reads" includes subgraphs' outer-scope references.
 */
import { attrFloat, attrFloats, attrInt, attrInts, attrTensor } from '../../graph/attributes';
import type { ValueType } from '../../graph/dims';
import type { Lookup } from '../../graph/scope';
import { tensorNumbers } from '../../graph/tensorData';
import { DataType, type GraphProto, type NodeProto, type TensorProto } from '../../onnx/types';
import { subgraphsOf } from '../../onnx/walk';
import { nodeLabel, type TransformChange } from '../common/changes';
import { definedNames, outerReads, replaceUses, usedNames } from './graphEdit';
import { isDefaultDomain as isDefault } from './fusionIndex';

/** The tensor a Constant node holds (ONNX Constant: value, value_float(s), value_int(s)), or undefined. */
function constantValue(n: NodeProto): TensorProto | undefined {
  const name = n.output?.[0] ?? '';
  const t = attrTensor(n, 'value');
  if (t) return { ...t, name };
  const has = (a: string): boolean => (n.attribute ?? []).some((x) => x.name === a);
  if (has('value_float'))
    return { name, dims: [], data_type: DataType.FLOAT, float_data: [attrFloat(n, 'value_float', 0)] };
  if (has('value_floats'))
    return {
      name,
      dims: [attrFloats(n, 'value_floats')!.length],
      data_type: DataType.FLOAT,
      float_data: attrFloats(n, 'value_floats'),
    };
  if (has('value_int')) return { name, dims: [], data_type: DataType.INT64, int64_data: [attrInt(n, 'value_int', 0)] };
  if (has('value_ints'))
    return {
      name,
      dims: [attrInts(n, 'value_ints')!.length],
      data_type: DataType.INT64,
      int64_data: attrInts(n, 'value_ints'),
    };
  return undefined;
}

/** Constant nodes → initializers of the same graph (subgraphs may hold initializers too: ONNX IR). */
export function constantsToInitializers(g: GraphProto, changes: TransformChange[]): number {
  let moved = 0;
  const kept: NodeProto[] = [];
  for (const n of g.node ?? []) {
    const t = n.op_type === 'Constant' && isDefault(n) && n.output?.[0] ? constantValue(n) : undefined;
    if (!t) {
      kept.push(n);
      continue;
    }
    (g.initializer ??= []).push(t);
    moved++;
  }
  if (moved) {
    g.node = kept;
    changes.push({ kind: 'replaced', detail: `${moved} Constant node(s) became initializers`, node: g.name });
  }
  return moved;
}

interface Bypass {
  readonly g: GraphProto;
  readonly outputs: Set<string>;
  readonly inputs: Set<string>;
  readonly subReads: Set<string>;
  readonly producer: Map<string, NodeProto>;
  readonly uses: UseIndex;
}

/**
 * Who reads each value in this graph: one entry per input slot, so renaming a value or counting its readers
 * touches only those nodes (scanning every node per bypass made simplify quadratic: 212 s on a 100k chain).
 * Nodes holding subgraphs are few; renames reach into their bodies through replaceUses.
 */
class UseIndex {
  private readonly readers = new Map<string, NodeProto[]>();
  private readonly holders: NodeProto[];

  constructor(nodes: readonly NodeProto[]) {
    for (const n of nodes) for (const i of n.input ?? []) if (i) this.add(i, n);
    this.holders = nodes.filter((n) => subgraphsOf(n).length > 0);
  }

  private add(name: string, n: NodeProto): void {
    const list = this.readers.get(name);
    if (list) list.push(n);
    else this.readers.set(name, [n]);
  }

  /** Input slots that read `name`, among nodes not in `removed`. */
  count(name: string, removed: ReadonlySet<NodeProto>): number {
    let c = 0;
    for (const n of this.readers.get(name) ?? []) if (!removed.has(n)) c++;
    return c;
  }

  /** Points one input slot of `n` from `from` to `to`. */
  moveSlot(n: NodeProto, k: number, to: string): void {
    const from = n.input![k]!;
    n.input![k] = to;
    const list = this.readers.get(from);
    const at = list?.indexOf(n) ?? -1;
    if (list && at >= 0) list.splice(at, 1);
    this.add(to, n);
  }

  /** replaceUses(g, from, to) through the index: direct readers, then subgraph bodies. */
  rename(from: string, to: string): void {
    const list = this.readers.get(from);
    if (list) {
      this.readers.delete(from);
      for (const n of new Set(list)) {
        const ins = n.input ?? [];
        for (let k = 0; k < ins.length; k++) if (ins[k] === from) ins[k] = to;
      }
      for (const n of list) this.add(to, n);
    }
    // Only the holders of this graph (the node list is not changed while the index lives).
    for (const h of this.holders)
      for (const sub of subgraphsOf(h)) if (!definedNames(sub).has(from)) replaceUses(sub, from, to, true);
  }
}

/**
 * Makes readers of `out` read `inp` instead and marks the node for removal. When `out` is a graph output,
 * the producer of `inp` is renamed to write `out` directly, if that is safe (it is a node of this graph and
 * `inp` is not itself a graph input or output); otherwise the node stays.
 */
function bypass(b: Bypass, inp: string, out: string): boolean {
  if (!b.outputs.has(out)) {
    b.uses.rename(out, inp);
    if (b.subReads.delete(out)) b.subReads.add(inp);
    return true;
  }
  const p = b.producer.get(inp);
  if (!p || b.outputs.has(inp) || b.inputs.has(inp)) return false;
  p.output = (p.output ?? []).map((o) => (o === inp ? out : o));
  b.uses.rename(inp, out);
  if (b.subReads.delete(inp)) b.subReads.add(out);
  b.producer.set(out, p);
  return true;
}

function sameShape(a: ValueType | undefined, b: readonly number[] | undefined): boolean {
  const s = a?.shape;
  return !!s && !!b && s.length === b.length && s.every((d, i) => typeof d === 'number' && d === b[i]);
}

/**
 * Bypasses no-op nodes. `types` (from shape inference, optional) lets it see no-op Casts and Reshapes;
 * `constants` resolves Reshape shape inputs.
 */
export function eliminateNoOps(
  g: GraphProto,
  opset: number,
  types: Lookup<ValueType> | undefined,
  constants: Lookup<TensorProto>,
  changes: TransformChange[],
): number {
  const nodes = g.node ?? [];
  const producer = new Map<string, NodeProto>();
  for (const n of nodes) for (const o of n.output ?? []) if (o) producer.set(o, n);
  const subReads = new Set<string>();
  for (const n of nodes) for (const sub of subgraphsOf(n)) for (const r of outerReads(sub)) subReads.add(r);
  const b: Bypass = {
    g,
    outputs: new Set((g.output ?? []).map((v) => v.name ?? '')),
    inputs: new Set((g.input ?? []).map((v) => v.name ?? '')),
    subReads,
    producer,
    uses: new UseIndex(nodes),
  };
  const removed = new Set<NodeProto>();
  const consumersOf = (name: string): number => {
    return (b.subReads.has(name) || b.outputs.has(name) ? 1 : 0) + b.uses.count(name, removed);
  };
  nodes.forEach((n, idx) => {
    if (!isDefault(n)) return;
    const inp = n.input?.[0] ?? '';
    const out = n.output?.[0] ?? '';
    if (!inp || !out) return;
    let why: string | undefined;
    if (n.op_type === 'Identity') why = 'Identity';
    else if (n.op_type === 'Dropout') {
      // Inference-time Dropout is the identity (ONNX Dropout: "if training_mode is false, output = data");
      // its mask output must be unused, and training_mode (opset 12+) absent.
      const maskUsed = !!n.output?.[1] && consumersOf(n.output[1]) > 0;
      if (!maskUsed && !n.input?.[2] && (opset >= 7 || attrInt(n, 'is_test', 0) === 1)) why = 'Dropout (inference)';
    } else if (n.op_type === 'Cast') {
      const t = types?.get(inp);
      if (t && t.dtype !== 0 && t.dtype === attrInt(n, 'to', -1)) why = 'Cast to the same type';
    } else if (n.op_type === 'Reshape' && n.input?.[1]) {
      const target = constants.get(n.input[1]);
      const shape = target && tensorNumbers(target, 64);
      if (shape && sameShape(types?.get(inp), shape) && !shape.includes(-1)) why = 'Reshape to the same shape';
      else if (shape && !shape.includes(0)) {
        // Reshape(Reshape(x, s1), s2) = Reshape(x, s2) when s2 has no 0 (copy-from-input) entries.
        const p = producer.get(inp);
        if (p && p.op_type === 'Reshape' && isDefault(p) && !removed.has(p) && consumersOf(inp) === 1) {
          b.uses.moveSlot(n, 0, p.input?.[0] ?? '');
          changes.push({ kind: 'removed', node: nodeLabel(p, idx), detail: 'Reshape of a Reshape: first one merged' });
        }
      }
    } else if (n.op_type === 'Slice' && isFullSlice(n, opset, types, constants)) why = 'Slice of everything';
    else if (ARITH_IDENTITY[n.op_type ?? ''] !== undefined) {
      const side = arithmeticIdentitySide(n, types, constants);
      if (side !== undefined) {
        why = `${n.op_type} by ${ARITH_IDENTITY[n.op_type ?? '']}`;
        const x = n.input?.[side] ?? '';
        if (!n.output!.slice(1).some((o) => o && consumersOf(o) > 0) && bypass(b, x, out)) {
          removed.add(n);
          changes.push({ kind: 'removed', node: nodeLabel(n, idx), detail: why });
        }
        return;
      }
    }
    if (!why) return;
    if (n.output!.slice(1).some((o) => o && consumersOf(o) > 0)) return;
    if (bypass(b, inp, out)) {
      removed.add(n);
      changes.push({ kind: 'removed', node: nodeLabel(n, idx), detail: why });
    }
  });
  if (removed.size) g.node = nodes.filter((n) => !removed.has(n));
  return removed.size;
}

/** Slice with start 0, step 1 and an end past the dim on every sliced axis (ORT's EliminateSlice). */
function isFullSlice(
  n: NodeProto,
  opset: number,
  types: Lookup<ValueType> | undefined,
  constants: Lookup<TensorProto>,
): boolean {
  const ins = n.input ?? [];
  const list = (k: number, attr: string): number[] | undefined => {
    if (opset < 10) return attrInts(n, attr);
    const t = ins[k] ? constants.get(ins[k]) : undefined;
    return t ? tensorNumbers(t, 64) : undefined;
  };
  const starts = list(1, 'starts');
  const ends = list(2, 'ends');
  if (!starts || !ends || starts.length !== ends.length) return false;
  const hasAxes = opset < 10 ? !!attrInts(n, 'axes') : !!ins[3];
  const axes = hasAxes ? list(3, 'axes') : starts.map((_, i) => i);
  const steps = opset >= 10 && ins[4] ? list(4, '') : starts.map(() => 1);
  if (!axes || !steps || axes.length !== starts.length) return false;
  const shape = types?.get(ins[0] ?? '')?.shape;
  return starts.every((st, i) => {
    const axis = axes[i]!;
    const dim = shape ? shape[axis < 0 ? axis + shape.length : axis] : undefined;
    const end = ends[i]!;
    return st === 0 && steps[i] === 1 && (end >= 2 ** 31 - 1 || (typeof dim === 'number' && end >= dim));
  });
}

/** The neutral element of each binary op (ONNX NoOp elimination: x+0, x−0, x·1, x/1). */
const ARITH_IDENTITY: Record<string, number> = { Add: 0, Sub: 0, Mul: 1, Div: 1 };

/**
 * Which input passes through unchanged when the other is a constant full of the neutral element whose
 * every dim is 1 and whose rank does not exceed the other's (so broadcasting changes no shape).
 */
function arithmeticIdentitySide(
  n: NodeProto,
  types: Lookup<ValueType> | undefined,
  constants: Lookup<TensorProto>,
): number | undefined {
  const neutral = ARITH_IDENTITY[n.op_type ?? '']!;
  const sides = n.op_type === 'Add' || n.op_type === 'Mul' ? [0, 1] : [0];
  for (const keep of sides) {
    const c = constants.get(n.input?.[1 - keep] ?? '');
    const x = types?.get(n.input?.[keep] ?? '');
    if (!c || !x?.shape || x.dtype !== c.data_type) continue;
    const dims = (c.dims ?? []).map(Number);
    if (dims.length > x.shape.length || dims.some((d) => d !== 1)) continue;
    const v = tensorNumbers(c, 1);
    if (v && v.length === 1 && v[0] === neutral) return keep;
  }
  return undefined;
}

/** Drops nodes whose outputs nothing reads, then initializers nothing reads (graph inputs are kept). */
export function removeDeadCode(g: GraphProto, changes: TransformChange[]): number {
  let removedNodes = 0;
  for (;;) {
    const used = usedNames(g);
    const before = g.node?.length ?? 0;
    g.node = (g.node ?? []).filter((n) => (n.output ?? []).some((o) => o && used.has(o)));
    const dropped = before - g.node.length;
    if (dropped === 0) break;
    removedNodes += dropped;
  }
  const used = usedNames(g);
  const inputs = new Set((g.input ?? []).map((v) => v.name ?? ''));
  const before = g.initializer?.length ?? 0;
  g.initializer = (g.initializer ?? []).filter((t) => used.has(t.name ?? '') || inputs.has(t.name ?? ''));
  const droppedInits = before - g.initializer.length;
  if (removedNodes || droppedInits)
    changes.push({
      kind: 'removed',
      node: g.name,
      detail: `dead code: ${removedNodes} node(s) and ${droppedInits} initializer(s) nothing reads`,
    });
  return removedNodes + droppedInits;
}
