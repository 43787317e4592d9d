/**
 * An index over one graph: who produces and who consumes each value, which values are constants (graph
 * initializers, `Constant` nodes, and either of those reached through `Identity`, which exporters use to
 * share tied weights), and a topological order. Built once, read by shape inference, the cost model, the
 * profiler's join, and the transforms. Names from outer scopes (for subgraphs) are passed in.
 */
import type { GraphProto, NodeProto, TensorProto } from '../onnx/types';
import { forEachGraph, subgraphsOf } from '../onnx/walk';
import { attrTensor } from './attributes';

export interface GraphIndex {
  readonly graph: GraphProto;
  readonly nodes: readonly NodeProto[];
  /** value name → index of the node that produces it. */
  readonly producer: ReadonlyMap<string, number>;
  /** value name → indexes of the nodes that read it. */
  readonly consumers: ReadonlyMap<string, readonly number[]>;
  readonly initializers: ReadonlyMap<string, TensorProto>;
  /** Every constant value: initializers, Constant-node outputs, and Identity of a constant. */
  readonly constants: ReadonlyMap<string, TensorProto>;
  readonly graphInputs: ReadonlySet<string>;
  readonly graphOutputs: ReadonlySet<string>;
  /** Node indexes in an order where every node comes after the producers of its inputs. */
  readonly order: readonly number[];
  /** Problems found while indexing (cycles, duplicate outputs, dangling inputs): empty for a valid graph. */
  readonly problems: readonly string[];
}

/**
 * Names a node's subgraphs read from enclosing scopes (its implicit inputs). ONNX lets a subgraph read any
 * value of an outer graph (IR spec, "Names Within a Graph": outer-scope references), so the producer of such
 * a value must run before the node even though it is not among the node's own inputs.
 */
function implicitInputs(node: NodeProto): Set<string> {
  const read = new Set<string>();
  const defined = new Set<string>();
  for (const sub of subgraphsOf(node))
    forEachGraph(sub, (g) => {
      for (const v of g.input ?? []) if (v.name) defined.add(v.name);
      for (const t of g.initializer ?? []) if (t.name) defined.add(t.name);
      for (const n of g.node ?? []) {
        for (const o of n.output ?? []) if (o) defined.add(o);
        for (const i of n.input ?? []) if (i) read.add(i);
      }
      for (const o of g.output ?? []) if (o.name) read.add(o.name);
    });
  for (const d of defined) read.delete(d);
  return read;
}

function tensorFromConstantNode(n: NodeProto): TensorProto | undefined {
  return n.op_type === 'Constant' && (n.domain ?? '') === '' ? attrTensor(n, 'value') : undefined;
}

export function indexGraph(
  graph: GraphProto,
  outerScope: { has(name: string): boolean } = new Set<string>(),
): GraphIndex {
  const nodes = graph.node ?? [];
  const producer = new Map<string, number>();
  const consumers = new Map<string, number[]>();
  const problems: string[] = [];
  const initializers = new Map<string, TensorProto>();
  for (const t of graph.initializer ?? []) if (t.name) initializers.set(t.name, t);
  const graphInputs = new Set((graph.input ?? []).map((v) => v.name ?? ''));
  const graphOutputs = new Set((graph.output ?? []).map((v) => v.name ?? ''));

  nodes.forEach((n, i) => {
    for (const o of n.output ?? []) {
      if (!o) continue;
      if (producer.has(o))
        problems.push(
          `value '${o}' is produced by two nodes ('${nodes[producer.get(o)!]?.name ?? ''}' and '${n.name ?? ''}')`,
        );
      else producer.set(o, i);
    }
    for (const inp of n.input ?? []) {
      if (!inp) continue;
      const list = consumers.get(inp);
      if (list) list.push(i);
      else consumers.set(inp, [i]);
    }
  });

  const constants = new Map<string, TensorProto>(initializers);
  for (const n of nodes) {
    const t = tensorFromConstantNode(n);
    if (t && n.output?.[0]) constants.set(n.output[0], t);
  }

  // Kahn's algorithm; inputs known from the graph, initializers or outer scope have no producer. Plain arrays
  // and a "counted for node i" mark instead of a Set per node: this runs on every graph read (100k nodes).
  const pending = new Int32Array(nodes.length);
  const ready: number[] = [];
  const dependents: (number[] | undefined)[] = new Array<number[] | undefined>(nodes.length);
  const countedFor = new Int32Array(nodes.length).fill(-1);
  const depend = (i: number, p: number): void => {
    if (countedFor[p] === i) return;
    countedFor[p] = i;
    (dependents[p] ??= []).push(i);
    pending[i]!++;
  };
  nodes.forEach((n, i) => {
    for (const inp of n.input ?? []) {
      if (!inp) continue;
      const p = producer.get(inp);
      if (p !== undefined) depend(i, p);
      else if (!graphInputs.has(inp) && !initializers.has(inp) && !outerScope.has(inp))
        problems.push(`node '${n.name ?? i}' reads '${inp}', which nothing produces`);
    }
    // Outer-scope reads of this node's subgraphs; a name nothing here produces is checked inside the subgraph.
    if (subgraphsOf(n).length)
      for (const inp of implicitInputs(n)) {
        const p = producer.get(inp);
        if (p !== undefined && p !== i) depend(i, p);
      }
    if (pending[i] === 0) ready.push(i);
  });
  const order: number[] = [];
  for (let head = 0; head < ready.length; head++) {
    const i = ready[head]!;
    order.push(i);
    for (const d of dependents[i] ?? []) if (--pending[d]! === 0) ready.push(d);
  }
  if (order.length < nodes.length) {
    const stuck = nodes.map((n, i) => (pending[i]! > 0 ? (n.name ?? `#${i}`) : null)).filter(Boolean);
    problems.push(`the graph has a cycle through ${stuck.length} node(s), e.g. '${stuck[0]}'`);
  }

  // Identity of a constant is a constant (tied weights); follow chains in topological order.
  for (const i of order) {
    const n = nodes[i]!;
    if (n.op_type === 'Identity' && (n.domain ?? '') === '') {
      const src = n.input?.[0] ? constants.get(n.input[0]) : undefined;
      if (src && n.output?.[0]) constants.set(n.output[0], src);
    }
  }
  for (const o of graphOutputs)
    if (!producer.has(o) && !graphInputs.has(o) && !initializers.has(o) && !outerScope.has(o))
      problems.push(`graph output '${o}' is never produced`);

  return { graph, nodes, producer, consumers, initializers, constants, graphInputs, graphOutputs, order, problems };
}
