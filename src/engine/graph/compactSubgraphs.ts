/**
 * Subgraphs (If branches, Loop and Scan bodies) in the compact graph, so the view can open them in place as
 * groups, like name scopes: each body's nodes get the scope `[…parent scope, parent, attribute]`
 * (`If_3/then_branch`) and `subgraph` = the group they start collapsed in. Edges come from the outer nodes a body
 * reads (ONNX subgraphs see outer-scope values) and go from the body's outputs to the node that owns it.
 * Nested bodies are followed to any depth.
 */
import { dtypeName } from '../onnx/dtypes';
import { int64ToNumber } from '../onnx/int64';
import type { GraphProto, NodeProto } from '../onnx/types';
import type { CompactEdge, CompactNode, TensorInfo } from '../../protocol/webviewProtocol';
import { foldWeights } from './foldWeights';
import { keyAttributes } from './keyAttributes';
import type { Lookup } from './scope';
import { Scope } from './scope';

export interface CompactSubgraphs {
  /** Ids continue after the main graph's nodes, in the order of `protos`. */
  readonly nodes: CompactNode[];
  readonly edges: CompactEdge[];
  /** The NodeProto of each node in `nodes`, for its details. */
  readonly protos: NodeProto[];
}

/** The subgraph attributes of a node with their names (`then_branch`, `body`; `name.i` in a GRAPHS list). */
function bodies(node: NodeProto): [string, GraphProto][] {
  const out: [string, GraphProto][] = [];
  for (const a of node.attribute ?? []) {
    if (a.g) out.push([a.name ?? 'graph', a.g]);
    a.graphs?.forEach((g, i) => out.push([`${a.name ?? 'graphs'}.${i}`, g]));
  }
  return out;
}

const leaf = (name: string): string => name.split('/').filter(Boolean).pop() ?? name;

/**
 * Appends the bodies of `owners` (compact nodes whose NodeProtos are `protos`) to a graph whose node ids end at
 * `nextId`; `producer` maps the outer tensors to their producing node ids; `tensors` receives the bodies' types.
 */
export function compactSubgraphs(
  owners: readonly CompactNode[],
  protos: readonly NodeProto[],
  producer: Lookup<number>,
  tensors: Record<string, TensorInfo>,
  nextId: number,
): CompactSubgraphs {
  const out: CompactSubgraphs = { nodes: [], edges: [], protos: [] };
  const visit = (owner: CompactNode, proto: NodeProto, outer: Lookup<number>): void => {
    for (const [attr, body] of bodies(proto)) {
      const root = owner.subgraph ?? [...owner.scope, leaf(owner.name)].join('/');
      const scope = [...owner.scope, leaf(owner.name), attr];
      for (const t of body.initializer ?? [])
        if (t.name)
          tensors[t.name] ??= { name: t.name, dtype: dtypeName(t.data_type), shape: (t.dims ?? []).map(int64ToNumber) };
      const folding = foldWeights(body, (t) => tensors[t]);
      for (const [t, info] of folding.types) tensors[t] ??= info;
      const local = new Scope<number>(outer);
      const producedHere = new Set<string>();
      const own = new Set([...(body.input ?? []), ...(body.initializer ?? [])].map((v) => v.name ?? ''));
      const start = out.nodes.length;
      (body.node ?? []).forEach((n, k) => {
        const id = nextId + out.nodes.length;
        const name = n.name || `${n.op_type ?? 'op'}_${id}`;
        const attrs = folding.folded.has(k) ? [] : keyAttributes(n);
        const weights = folding.rows.get(k);
        const node: CompactNode = {
          id,
          name,
          op: n.op_type ?? '',
          ...(n.domain ? { domain: n.domain } : {}),
          inputs: n.input ?? [],
          outputs: n.output ?? [],
          scope,
          subgraph: root,
          ...(weights ? { weights } : {}),
          ...(attrs.length ? { attrs } : {}),
          ...(folding.folded.has(k) ? { folded: true as const } : {}),
        };
        for (const t of node.inputs) {
          // A body input or initializer shadows an outer value of the same name (ONNX scoping): no edge.
          if (!t || (own.has(t) && !producedHere.has(t))) continue;
          const from = local.get(t);
          if (from !== undefined) out.edges.push({ from, to: id, tensor: t });
        }
        for (const o of node.outputs)
          if (o) {
            local.set(o, id);
            producedHere.add(o);
          }
        out.nodes.push(node);
        out.protos.push(n);
      });
      for (const o of body.output ?? []) {
        const from = o.name ? local.get(o.name) : undefined;
        if (from !== undefined && from >= nextId + start) out.edges.push({ from, to: owner.id, tensor: o.name! });
      }
      // Nested bodies append after this one: only this body's own nodes are owners here.
      const end = out.nodes.length;
      for (let k = start; k < end; k++) if (bodies(out.protos[k]!).length) visit(out.nodes[k]!, out.protos[k]!, local);
    }
  };
  owners.forEach((o, i) => bodies(protos[i]!).length && visit(o, protos[i]!, producer));
  return out;
}
