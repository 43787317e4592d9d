/**
 * Matches the nodes of two versions of a model's main graph (an original and its optimized file) and says what
 * changed in each matched pair, for the graph view's visual diff ("Compare Graphs"). Matching, in order:
 *   1. the same node name (exporters and our transforms keep names; a different op is then a change);
 *   2. a replacement our rewrites make: an unmatched `X` (Conv) and an unmatched `X_…` whose op is X's op
 *      rewritten (`X_ConvInteger`, `X_QLinearConv`, `X_MatMulInteger` for a MatMul or Gemm);
 *   3. the same op producing the same output tensor name (a renamed node);
 *   4. structure: the same op consuming the output of an already-matched producer, in topological order.
 * A matched pair is changed when its op, attributes, weights (dtype or shape: quantized, fp16, pruned) or output
 * dtype differ. What is left unmatched is added (in B) or removed (from A). Counts agree with diffOpCounts
 * (src/engine/verify/nodeDiff.ts) per op type on graphs without subgraphs.
 */
import { dtypeName } from '../onnx/dtypes';
import { int64ToNumber } from '../onnx/int64';
import type { AttributeProto, GraphProto, NodeProto, TensorProto } from '../onnx/types';
import { inputSlot } from './foldWeights';

export type DiffStatus = 'same' | 'added' | 'removed' | 'changed';

export interface NodeMatching {
  /** Per A node index: its B node index, or -1 when removed. */
  readonly bOfA: Int32Array;
  /** Per B node index: its A node index, or -1 when added. */
  readonly aOfB: Int32Array;
  /** Per matched B node index: what changed (absent when nothing did). */
  readonly changes: ReadonlyMap<number, readonly string[]>;
}

export interface DiffCounts {
  readonly same: number;
  readonly changed: number;
  readonly added: number;
  readonly removed: number;
}

/** Output dtype name per tensor where known (shape inference), for "dtype float32 → float16" notes. */
export type DtypeOf = (tensor: string) => string | undefined;

interface Indexed {
  readonly nodes: readonly NodeProto[];
  readonly producer: ReadonlyMap<string, number>;
  readonly consumers: ReadonlyMap<string, number[]>;
  readonly inits: ReadonlyMap<string, TensorProto>;
}

function index(g: GraphProto): Indexed {
  const nodes = g.node ?? [];
  const producer = new Map<string, number>();
  const consumers = new Map<string, number[]>();
  nodes.forEach((n, i) => {
    for (const o of n.output ?? []) if (o) producer.set(o, i);
    for (const t of n.input ?? [])
      if (t) {
        const list = consumers.get(t);
        if (list) list.push(i);
        else consumers.set(t, [i]);
      }
  });
  return { nodes, producer, consumers, inits: new Map((g.initializer ?? []).map((t) => [t.name ?? '', t])) };
}

function attrKey(a: AttributeProto): string {
  if (a.ints?.length) return a.ints.map(int64ToNumber).join(',');
  if (a.floats?.length) return Array.from(a.floats).join(',');
  if (a.i !== undefined) return String(int64ToNumber(a.i));
  if (a.f !== undefined) return String(a.f);
  if (a.s) return Buffer.from(a.s).toString('hex');
  if (a.t) return `t${a.t.data_type}:${(a.t.dims ?? []).map(int64ToNumber).join('x')}`;
  if (a.g) return `g${a.g.node?.length ?? 0}`;
  return '';
}

interface Weight {
  readonly dtype: string;
  readonly dims: string;
  /** The op the weight is read through (DequantizeLinear, Cast), if any. */
  readonly via?: string;
  readonly text: string;
}

function weight(t: TensorProto, via?: string): Weight {
  const dtype = dtypeName(t.data_type);
  const dims = (t.dims ?? []).map(int64ToNumber).join('×');
  return { dtype, dims, ...(via ? { via } : {}), text: `${dtype}⟨${dims}⟩${via ? ` via ${via}` : ''}` };
}

/** `float32 → int8 via DequantizeLinear` when the shape is kept, else both with their shapes (pruned). */
function weightChange(a: Weight, b: Weight): string {
  const via = b.via ? ` via ${b.via}` : '';
  return a.dims === b.dims ? `${a.dtype} → ${b.dtype}${via}` : `${a.dtype}⟨${a.dims}⟩ → ${b.dtype}⟨${b.dims}⟩${via}`;
}

/** A weight (initializer or Constant), seen through Identity/Cast/DequantizeLinear; undefined for activations. */
function weightOf(ix: Indexed, tensor: string, depth = 0): Weight | undefined {
  const init = ix.inits.get(tensor);
  if (init) return weight(init);
  const p = ix.producer.get(tensor);
  if (p === undefined || depth > 3) return undefined;
  const n = ix.nodes[p]!;
  const src = n.input?.[0];
  switch (n.op_type) {
    case 'Constant': {
      const t = n.attribute?.find((a) => a.name === 'value')?.t;
      return t ? weight(t) : undefined;
    }
    case 'Identity':
      return src ? weightOf(ix, src, depth + 1) : undefined;
    case 'Cast':
    case 'DequantizeLinear': {
      const inner = src ? weightOf(ix, src, depth + 1) : undefined;
      return inner && { ...inner, via: n.op_type, text: `${inner.dtype}⟨${inner.dims}⟩ via ${n.op_type}` };
    }
    default:
      return undefined;
  }
}

function compare(a: Indexed, b: Indexed, ia: number, ib: number, dtA?: DtypeOf, dtB?: DtypeOf): string[] {
  const na = a.nodes[ia]!;
  const nb = b.nodes[ib]!;
  const out: string[] = [];
  if (na.op_type !== nb.op_type) out.push(`op ${na.op_type} → ${nb.op_type}`);
  const attrs = (n: NodeProto): Map<string, string> =>
    new Map((n.attribute ?? []).map((x) => [x.name ?? '', attrKey(x)]));
  const [aa, ab] = [attrs(na), attrs(nb)];
  const differing = [...new Set([...aa.keys(), ...ab.keys()])].filter((k) => aa.get(k) !== ab.get(k)).sort();
  if (differing.length && na.op_type === nb.op_type) out.push(`attributes ${differing.join(', ')}`);
  const count = Math.max(na.input?.length ?? 0, nb.input?.length ?? 0);
  for (let i = 0; i < count; i++) {
    const wa = na.input?.[i] ? weightOf(a, na.input[i]!) : undefined;
    const wb = nb.input?.[i] ? weightOf(b, nb.input[i]!) : undefined;
    if (wa && wb && wa.text !== wb.text) out.push(`${inputSlot(na.op_type ?? '', i)}: ${weightChange(wa, wb)}`);
  }
  const oa = na.output?.[0] ? dtA?.(na.output[0]) : undefined;
  const ob = nb.output?.[0] ? dtB?.(nb.output[0]) : undefined;
  // A new op says more than its output type (ConvInteger's int32): the dtype note is for same-op pairs (fp16).
  if (oa !== undefined && ob !== undefined && oa !== ob && na.op_type === nb.op_type) out.push(`dtype ${oa} → ${ob}`);
  return out;
}

/** Whether `bOp` is a rewrite of `aOp` (ConvInteger, QLinearConv for Conv; MatMulInteger for MatMul and Gemm). */
function replaces(aOp: string, bOp: string): boolean {
  if (!aOp || aOp === bOp) return false;
  return bOp.includes(aOp) || (aOp === 'Gemm' && (bOp === 'MatMulInteger' || bOp === 'QGemm'));
}

export function matchNodes(ga: GraphProto, gb: GraphProto, dtA?: DtypeOf, dtB?: DtypeOf): NodeMatching {
  const a = index(ga);
  const b = index(gb);
  const bOfA = new Int32Array(a.nodes.length).fill(-1);
  const aOfB = new Int32Array(b.nodes.length).fill(-1);
  const pair = (ia: number, ib: number): void => {
    bOfA[ia] = ib;
    aOfB[ib] = ia;
  };
  // 1. names
  const bByName = new Map<string, number>();
  b.nodes.forEach((n, i) => n.name && !bByName.has(n.name) && bByName.set(n.name, i));
  a.nodes.forEach((n, ia) => {
    const ib = n.name ? bByName.get(n.name) : undefined;
    if (ib !== undefined && aOfB[ib] === -1) pair(ia, ib);
  });
  // 2. replacements named after the node they replace: cut B's name at each separator from the right.
  const aByName = new Map<string, number>();
  a.nodes.forEach((n, i) => n.name && bOfA[i] === -1 && !aByName.has(n.name) && aByName.set(n.name, i));
  b.nodes.forEach((m, ib) => {
    if (aOfB[ib] !== -1 || !m.name) return;
    for (let cut = m.name.length - 1; cut > 0; cut--) {
      if (!'_./'.includes(m.name[cut]!)) continue;
      const ia = aByName.get(m.name.slice(0, cut));
      const op = ia === undefined ? '' : (a.nodes[ia]!.op_type ?? '');
      if (ia === undefined || bOfA[ia] !== -1 || !replaces(op, m.op_type ?? '')) continue;
      pair(ia, ib);
      return;
    }
  });
  // 3. same op, same output tensor
  a.nodes.forEach((n, ia) => {
    if (bOfA[ia] !== -1) return;
    const ib = n.output?.[0] ? b.producer.get(n.output[0]) : undefined;
    if (ib !== undefined && aOfB[ib] === -1 && b.nodes[ib]!.op_type === n.op_type) pair(ia, ib);
  });
  // 4. structure: an unmatched B node reading a matched producer's output takes an unmatched A consumer of the
  //    corresponding A producer with the same op.
  b.nodes.forEach((n, ib) => {
    if (aOfB[ib] !== -1) return;
    for (const t of n.input ?? []) {
      const pb = t ? b.producer.get(t) : undefined;
      const pa = pb !== undefined ? aOfB[pb]! : -1;
      if (pa < 0) continue;
      const outIndex = b.nodes[pb!]!.output!.indexOf(t);
      const ta = a.nodes[pa]!.output?.[outIndex];
      const ia = (ta ? (a.consumers.get(ta) ?? []) : []).find(
        (c) => bOfA[c] === -1 && a.nodes[c]!.op_type === n.op_type,
      );
      if (ia !== undefined) {
        pair(ia, ib);
        break;
      }
    }
  });
  const changes = new Map<number, string[]>();
  aOfB.forEach((ia, ib) => {
    if (ia < 0) return;
    const c = compare(a, b, ia, ib, dtA, dtB);
    if (c.length) changes.set(ib, c);
  });
  return { bOfA, aOfB, changes };
}

export function diffCounts(m: NodeMatching): DiffCounts {
  let same = 0;
  let added = 0;
  for (let ib = 0; ib < m.aOfB.length; ib++)
    if (m.aOfB[ib]! < 0) added++;
    else if (!m.changes.has(ib)) same++;
  let removed = 0;
  for (const ib of m.bOfA) if (ib < 0) removed++;
  return { same, changed: m.changes.size, added, removed };
}
