/**
 * Merging duplicates: initializers with identical type, shape and bytes become one (exporters often write
 * the same small constant hundreds of times), and nodes that compute the same op with the same attributes
 * on the same inputs (common subexpressions, e.g. repeated Shape/Gather chains) become one.
 */
import { createHash } from 'node:crypto';
import { encodeMessage } from '../../onnx/codec';
import type { GraphProto, NodeProto, TensorProto } from '../../onnx/types';
import { subgraphsOf } from '../../onnx/walk';
import { nodeLabel, type TransformChange } from '../common/changes';
import { replaceUses } from './graphEdit';

const NON_DETERMINISTIC = new Set([
  'RandomNormal',
  'RandomUniform',
  'RandomNormalLike',
  'RandomUniformLike',
  'Multinomial',
  'Bernoulli',
]);

function digest(type: string, msg: object): string {
  const h = createHash('sha256');
  for (const chunk of encodeMessage(type, msg).finish()) h.update(chunk);
  return h.digest('base64');
}

/** Initializers with equal content (name aside) in one graph are merged into the first one. */
export function mergeDuplicateInitializers(g: GraphProto, changes: TransformChange[]): number {
  const protectedNames = new Set([...(g.input ?? []), ...(g.output ?? [])].map((v) => v.name ?? ''));
  const first = new Map<string, string>();
  const dropped = new Set<TensorProto>();
  for (const t of g.initializer ?? []) {
    const name = t.name ?? '';
    if (!name || protectedNames.has(name) || t.data_location === 1) continue;
    const key = digest('TensorProto', { ...t, name: '', doc_string: '' });
    const keep = first.get(key);
    if (keep === undefined) {
      first.set(key, name);
      continue;
    }
    replaceUses(g, name, keep);
    dropped.add(t);
  }
  if (dropped.size) {
    g.initializer = (g.initializer ?? []).filter((t) => !dropped.has(t));
    changes.push({ kind: 'removed', node: g.name, detail: `${dropped.size} duplicate initializer(s) merged` });
  }
  return dropped.size;
}

/** Nodes equal in op, domain, attributes and inputs: the later one's readers read the earlier one. */
export function eliminateCommonSubexpressions(g: GraphProto, changes: TransformChange[]): number {
  const outputs = new Set((g.output ?? []).map((v) => v.name ?? ''));
  const seen = new Map<string, NodeProto>();
  const removed = new Set<NodeProto>();
  (g.node ?? []).forEach((n, idx) => {
    if (subgraphsOf(n).length || NON_DETERMINISTIC.has(n.op_type ?? '') || (n.output ?? []).length === 0) return;
    if ((n.output ?? []).some((o) => outputs.has(o))) return;
    const key = `${n.domain ?? ''}|${n.op_type ?? ''}|${(n.input ?? []).join('\u0000')}|${(n.output ?? []).length}|${digest('NodeProto', { attribute: n.attribute ?? [] })}`;
    const prior = seen.get(key);
    if (!prior) {
      seen.set(key, n);
      return;
    }
    if ((n.output ?? []).some((o, k) => o && !prior.output?.[k])) return;
    (n.output ?? []).forEach((o, k) => {
      const to = prior.output?.[k];
      if (o && to) replaceUses(g, o, to);
    });
    removed.add(n);
    changes.push({ kind: 'removed', node: nodeLabel(n, idx), detail: `same computation as '${prior.name ?? ''}'` });
  });
  if (removed.size) g.node = (g.node ?? []).filter((n) => !removed.has(n));
  return removed.size;
}
