/**
 * Copy-on-write editing of ONNX graphs for the transforms. A transform first takes a structural clone of
 * the model (graphs, nodes and their input/output lists are new objects; tensors and their zero-copy
 * `raw_data` views are shared and never written), then edits the clone in place. New weights are always
 * new tensors with new buffers, so the caller's model is never changed.
 *
 * Subgraphs (If/Loop/Scan bodies) read values of enclosing graphs by name (ONNX IR "Names Within a Graph":
 * outer-scope values are visible in nested graphs), so "is this value used?" must look inside them.
 */
import type { AttributeProto, GraphProto, ModelProto, NodeProto } from '../../onnx/types';
import { subgraphsOf } from '../../onnx/walk';

function cloneAttribute(a: AttributeProto): AttributeProto {
  if (!a.g && !a.graphs) return a;
  return { ...a, ...(a.g ? { g: cloneGraph(a.g) } : {}), ...(a.graphs ? { graphs: a.graphs.map(cloneGraph) } : {}) };
}

export function cloneNode(n: NodeProto): NodeProto {
  return {
    ...n,
    input: [...(n.input ?? [])],
    output: [...(n.output ?? [])],
    ...(n.attribute ? { attribute: n.attribute.map(cloneAttribute) } : {}),
  };
}

export function cloneGraph(g: GraphProto): GraphProto {
  return {
    ...g,
    node: (g.node ?? []).map(cloneNode),
    initializer: [...(g.initializer ?? [])],
    input: [...(g.input ?? [])],
    output: [...(g.output ?? [])],
    value_info: [...(g.value_info ?? [])],
  };
}

export function cloneModel(m: ModelProto): ModelProto {
  return { ...m, ...(m.graph ? { graph: cloneGraph(m.graph) } : {}) };
}

/** Names defined inside a graph itself: its inputs, initializers and node outputs. */
export function definedNames(g: GraphProto): Set<string> {
  const s = new Set<string>();
  for (const v of g.input ?? []) if (v.name) s.add(v.name);
  for (const t of g.initializer ?? []) if (t.name) s.add(t.name);
  for (const n of g.node ?? []) for (const o of n.output ?? []) if (o) s.add(o);
  return s;
}

/** Names a graph (or anything nested in it) reads but does not define: its outer-scope reads. */
export function outerReads(g: GraphProto): Set<string> {
  const defined = definedNames(g);
  const reads = new Set<string>();
  const add = (name: string): void => {
    if (name && !defined.has(name)) reads.add(name);
  };
  for (const n of g.node ?? []) {
    for (const i of n.input ?? []) add(i);
    for (const sub of subgraphsOf(n)) for (const r of outerReads(sub)) add(r);
  }
  for (const o of g.output ?? []) add(o.name ?? '');
  return reads;
}

/**
 * Every name this graph's nodes need: direct node inputs, graph outputs, and the outer-scope reads of the
 * subgraphs its nodes hold. A value outside this set can be removed.
 */
export function usedNames(g: GraphProto): Set<string> {
  const used = new Set<string>();
  for (const n of g.node ?? []) {
    for (const i of n.input ?? []) if (i) used.add(i);
    for (const sub of subgraphsOf(n)) for (const r of outerReads(sub)) used.add(r);
  }
  for (const o of g.output ?? []) if (o.name) used.add(o.name);
  return used;
}

/**
 * Replaces reads of `from` with `to` in this graph's nodes and in nested subgraphs that do not define
 * `from` themselves (a nested definition would shadow it). A nested subgraph may also name an outer value
 * directly as one of its outputs; those are renamed too (If/Loop map outputs by position, not by name).
 * This graph's own outputs are left alone: callers decide.
 */
export function replaceUses(g: GraphProto, from: string, to: string, nested = false): void {
  if (nested) g.output = (g.output ?? []).map((o) => (o.name === from ? { ...o, name: to } : o));
  for (const n of g.node ?? []) {
    const ins = n.input ?? [];
    for (let k = 0; k < ins.length; k++) if (ins[k] === from) ins[k] = to;
    for (const sub of subgraphsOf(n)) if (!definedNames(sub).has(from)) replaceUses(sub, from, to, true);
  }
}

/** True when any subgraph held by this graph's nodes reads `name` from outer scope. */
export function readBySubgraph(g: GraphProto, name: string): boolean {
  for (const n of g.node ?? []) for (const sub of subgraphsOf(n)) if (outerReads(sub).has(name)) return true;
  return false;
}

/** Copies bytes into a new buffer (a view into a file buffer must not be written or kept alive by edits). */
export function ownBytes(bytes: ArrayBufferView): Uint8Array {
  const out = new Uint8Array(bytes.byteLength);
  out.set(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return out;
}

/** A name not yet used in the model's graph (for new weights and values). */
export function freshName(taken: Set<string>, base: string): string {
  let name = base;
  for (let k = 1; taken.has(name); k++) name = `${base}_${k}`;
  taken.add(name);
  return name;
}

/** Every name defined anywhere in the model (all graphs), for `freshName`. */
export function allNames(g: GraphProto, into = new Set<string>()): Set<string> {
  for (const name of definedNames(g)) into.add(name);
  for (const n of g.node ?? []) {
    if (n.name) into.add(n.name);
    for (const sub of subgraphsOf(n)) allNames(sub, into);
  }
  return into;
}
