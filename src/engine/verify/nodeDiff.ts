/** Node counts by op type (domain-qualified outside the default domain), over all graphs, and their diff. */
import type { ModelProto } from '../onnx/types';
import { forEachGraph } from '../onnx/walk';

export interface OpCountDiff {
  readonly op: string;
  readonly a: number;
  readonly b: number;
}

export function opCounts(model: ModelProto): Map<string, number> {
  const counts = new Map<string, number>();
  if (model.graph)
    forEachGraph(model.graph, (g) => {
      for (const n of g.node ?? []) {
        const d = n.domain ?? '';
        const key = d && d !== 'ai.onnx' ? `${d}.${n.op_type ?? ''}` : (n.op_type ?? '');
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    });
  return counts;
}

/** Op types whose count differs, sorted by op name. */
export function diffOpCounts(a: ModelProto, b: ModelProto): OpCountDiff[] {
  const ca = opCounts(a);
  const cb = opCounts(b);
  const ops = [...new Set([...ca.keys(), ...cb.keys()])].sort();
  return ops.map((op) => ({ op, a: ca.get(op) ?? 0, b: cb.get(op) ?? 0 })).filter((d) => d.a !== d.b);
}
