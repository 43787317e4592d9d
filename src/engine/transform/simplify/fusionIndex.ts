/** What every fusion pass looks up before it rewrites: producers, how often each value is read, graph outputs. */
import type { GraphProto, NodeProto } from '../../onnx/types';
import { subgraphsOf } from '../../onnx/walk';
import { outerReads } from './graphEdit';

/** A node of the standard ONNX domain (fusions never touch contrib or custom ops). */
export const isDefaultDomain = (n: NodeProto): boolean => (n.domain ?? '') === '' || n.domain === 'ai.onnx';

/** How many readers a value has in this graph (nodes, graph outputs, subgraph outer-scope reads). */
export function readerCounts(g: GraphProto): Map<string, number> {
  const c = new Map<string, number>();
  const add = (name: string): void => {
    if (name) c.set(name, (c.get(name) ?? 0) + 1);
  };
  for (const n of g.node ?? []) {
    for (const i of n.input ?? []) add(i);
    for (const sub of subgraphsOf(n)) for (const r of outerReads(sub)) add(r);
  }
  for (const o of g.output ?? []) add(o.name ?? '');
  return c;
}

export interface FusionIndex {
  readonly nodes: NodeProto[];
  readonly readers: Map<string, number>;
  readonly outputs: Set<string>;
  readonly producer: Map<string, NodeProto>;
  /** The nodes reading each value in this graph (not counting subgraph reads: see `readers`). */
  readonly consumers: Map<string, NodeProto[]>;
}

export function fusionIndex(g: GraphProto): FusionIndex {
  const nodes = g.node ?? [];
  const producer = new Map<string, NodeProto>();
  const consumers = new Map<string, NodeProto[]>();
  for (const n of nodes) {
    for (const o of n.output ?? []) if (o) producer.set(o, n);
    for (const i of n.input ?? []) if (i) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  }
  return {
    nodes,
    readers: readerCounts(g),
    outputs: new Set((g.output ?? []).map((v) => v.name ?? '')),
    producer,
    consumers,
  };
}
