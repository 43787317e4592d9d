/**
 * Copy-on-write editing of one graph. Transforms describe edits (replace node i by these nodes, insert
 * nodes after a value is produced, add initializers) and `build()` returns a NEW GraphProto: the input graph,
 * its node objects and its weights are never mutated (untouched nodes and tensors are shared, which is safe
 * because nobody mutates them). New names never collide with existing ones.
 */
import { indexGraph, type GraphIndex } from '../../graph/graphIndex';
import {
  AttributeType,
  type AttributeProto,
  type GraphProto,
  type NodeProto,
  type TensorProto,
} from '../../onnx/types';
import { subgraphsOf } from '../../onnx/walk';

export type AttrInput = number | number[] | string | { float: number } | TensorProto;

/** Builds an AttributeProto from a plain value: integers → INT(S), `{float}` → FLOAT, strings → STRING. */
export function attr(name: string, v: AttrInput): AttributeProto {
  if (typeof v === 'number')
    return Number.isInteger(v) ? { name, type: AttributeType.INT, i: v } : { name, type: AttributeType.FLOAT, f: v };
  if (typeof v === 'string') return { name, type: AttributeType.STRING, s: Buffer.from(v) };
  if (Array.isArray(v)) return { name, type: AttributeType.INTS, ints: v };
  if ('float' in v) return { name, type: AttributeType.FLOAT, f: v.float };
  return { name, type: AttributeType.TENSOR, t: v };
}

export function makeNode(
  op: string,
  inputs: string[],
  outputs: string[],
  name: string,
  attrs: Record<string, AttrInput> = {},
  domain?: string,
): NodeProto {
  const node: NodeProto = {
    name,
    op_type: op,
    input: inputs,
    output: outputs,
    attribute: Object.entries(attrs).map(([k, v]) => attr(k, v)),
  };
  if (domain) node.domain = domain;
  return node;
}

/** Every value name a graph reads from its nodes, including outer-scope reads inside its subgraphs. */
export function namesReadIn(graph: GraphProto, into = new Set<string>()): Set<string> {
  for (const n of graph.node ?? []) {
    for (const i of n.input ?? []) if (i) into.add(i);
    for (const sg of subgraphsOf(n)) namesReadIn(sg, into);
  }
  for (const o of graph.output ?? []) if (o.name) into.add(o.name);
  return into;
}

export class GraphEditor {
  readonly index: GraphIndex;
  private readonly used = new Set<string>();
  private readonly replaced = new Map<number, NodeProto[]>();
  /** Nodes to place right after node i (-1: before every node, for values that are graph inputs or weights). */
  private readonly after = new Map<number, NodeProto[]>();
  private readonly newInits: TensorProto[] = [];
  private readonly replacedInits = new Map<string, TensorProto>();

  constructor(readonly graph: GraphProto) {
    this.index = indexGraph(graph);
    for (const n of graph.node ?? []) {
      if (n.name) this.used.add(n.name);
      for (const o of n.output ?? []) this.used.add(o);
      for (const i of n.input ?? []) this.used.add(i);
    }
    for (const t of graph.initializer ?? []) if (t.name) this.used.add(t.name);
    for (const v of [...(graph.input ?? []), ...(graph.output ?? [])]) if (v.name) this.used.add(v.name);
  }

  /** A name not used anywhere in the graph yet, derived from `base`. */
  fresh(base: string): string {
    let name = base;
    for (let k = 1; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }

  /** Replaces node `i` by `nodes` (in order; an empty list deletes it). */
  replace(i: number, nodes: NodeProto[]): void {
    this.replaced.set(i, nodes);
  }

  isReplaced(i: number): boolean {
    return this.replaced.has(i);
  }

  /** Inserts `nodes` right after the producer of `value` (or at the top when it is a graph input/weight). */
  insertAfterValue(value: string, nodes: NodeProto[]): void {
    const p = this.index.producer.get(value);
    const key = p ?? -1;
    this.after.set(key, [...(this.after.get(key) ?? []), ...nodes]);
  }

  /** Replaces the initializer named `name` by `t` (same name expected; the old tensor object is untouched). */
  replaceInitializer(name: string, t: TensorProto): void {
    this.replacedInits.set(name, t);
  }

  addInitializer(t: TensorProto): string {
    this.newInits.push(t);
    return t.name ?? '';
  }

  /**
   * The edited graph. Initializers and Constant/Identity-of-constant nodes that nothing reads any more are
   * dropped (a quantized weight's float original must not stay in the file).
   */
  build(): GraphProto {
    const nodes: NodeProto[] = [...(this.after.get(-1) ?? [])];
    (this.graph.node ?? []).forEach((n, i) => {
      nodes.push(...(this.replaced.get(i) ?? [n]));
      nodes.push(...(this.after.get(i) ?? []));
    });
    const draft: GraphProto = {
      ...this.graph,
      node: nodes,
      initializer: [
        ...(this.graph.initializer ?? []).map((t) => this.replacedInits.get(t.name ?? '') ?? t),
        ...this.newInits,
      ],
    };
    return dropUnusedConstants(draft);
  }
}

/**
 * Removes initializers and Constant/Identity nodes that nothing reads (an Identity with no reader is dead
 * whatever it copies). Initializers that are also graph inputs (overridable defaults) are kept.
 */
export function dropUnusedConstants(graph: GraphProto): GraphProto {
  let nodes = graph.node ?? [];
  // Iterate: dropping an Identity can orphan the Constant behind it.
  for (;;) {
    const read = namesReadIn({ ...graph, node: nodes });
    const keep = nodes.filter(
      (n) =>
        !(
          (n.op_type === 'Constant' || n.op_type === 'Identity') &&
          (n.domain ?? '') === '' &&
          (n.output ?? []).every((o) => !read.has(o))
        ),
    );
    if (keep.length === nodes.length) break;
    nodes = keep;
  }
  const read = namesReadIn({ ...graph, node: nodes });
  const inputs = new Set((graph.input ?? []).map((v) => v.name ?? ''));
  const inits = (graph.initializer ?? []).filter((t) => read.has(t.name ?? '') || inputs.has(t.name ?? ''));
  return { ...graph, node: nodes, initializer: inits };
}
