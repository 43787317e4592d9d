/**
 * The compact graph description the webview draws (src/protocol/webviewProtocol.ts): node names, ops,
 * edges, name-scope paths and tensor types where known, never weights, so the model stays on the extension
 * host (DESIGN.md, Remote-SSH/WSL). The main graph's nodes come first (ids = their index in the model), then
 * the bodies of If/Loop/Scan nodes as groups (compactSubgraphs.ts). Constants are marked folded and listed as rows of their consumers
 * (foldWeights.ts), with each node's key attributes (keyAttributes.ts), so boxes read like Netron's.
 */
import type { CompactEdge, CompactGraph, CompactNode, TensorInfo } from '../../protocol/webviewProtocol';
import { dtypeName } from '../onnx/dtypes';
import { int64ToNumber } from '../onnx/int64';
import type { ModelProto, NodeProto, TypeProto } from '../onnx/types';
import type { Lookup } from './scope';
import type { ValueType } from './dims';
import { compactSubgraphs } from './compactSubgraphs';
import { foldWeights } from './foldWeights';
import { keyAttributes } from './keyAttributes';
import { bucketWideScopes } from './scopeBuckets';

/** Splits `/encoder/layer.3/attention/MatMul` into scope ['encoder','layer.3','attention'] (leaf dropped). */
export function scopeOf(nodeName: string): string[] {
  const parts = nodeName.split('/').filter((p) => p.length > 0);
  parts.pop();
  return parts;
}

function infoFromType(name: string, tp: TypeProto | undefined): TensorInfo {
  const tt = tp?.tensor_type;
  if (!tt) return { name };
  const shape = tt.shape?.dim?.map((d) =>
    d.dim_value !== undefined ? int64ToNumber(d.dim_value) : (d.dim_param ?? null),
  );
  return { name, dtype: tt.elem_type ? dtypeName(tt.elem_type) : undefined, shape };
}

function infoFromValueType(name: string, vt: ValueType): TensorInfo {
  return {
    name,
    dtype: vt.dtype ? dtypeName(vt.dtype) : undefined,
    shape: vt.shape ? [...vt.shape] : undefined,
  };
}

/**
 * Builds the compact graph of `model`'s main graph. `shapes` (e.g. `inferShapes(model).main.types`) adds
 * inferred types; without it, types come from the model's own inputs/outputs/value_info and initializer dims.
 */
export function compactGraph(model: ModelProto, shapes?: Lookup<ValueType>): CompactGraph {
  return compactGraphWithProtos(model, shapes).graph;
}

/** The compact graph and the NodeProto of each of its nodes (main graph, then subgraph bodies), for details. */
export function compactGraphWithProtos(
  model: ModelProto,
  shapes?: Lookup<ValueType>,
): { graph: CompactGraph; protos: readonly NodeProto[] } {
  const graph = model.graph ?? {};
  const tensors: Record<string, TensorInfo> = Object.create(null) as Record<string, TensorInfo>;
  for (const init of graph.initializer ?? []) {
    if (!init.name) continue;
    tensors[init.name] = {
      name: init.name,
      dtype: dtypeName(init.data_type),
      shape: (init.dims ?? []).map((d) => int64ToNumber(d)),
    };
  }
  for (const vi of [...(graph.value_info ?? []), ...(graph.input ?? []), ...(graph.output ?? [])])
    if (vi.name) tensors[vi.name] = infoFromType(vi.name, vi.type);

  const folding = foldWeights(
    graph,
    (t) => tensors[t] ?? (shapes?.get(t) ? infoFromValueType(t, shapes.get(t)!) : undefined),
  );
  for (const [t, info] of folding.types) tensors[t] ??= info;
  const producer = new Map<string, number>();
  const names = (graph.node ?? []).map((n, id) => n.name || `${n.op_type ?? 'op'}_${id}`);
  // A scope with hundreds of sibling groups gets a level of range groups (scopeBuckets.ts).
  const scopes = bucketWideScopes(names.map(scopeOf));
  const nodes: CompactNode[] = (graph.node ?? []).map((n, id) => {
    const outputs = n.output ?? [];
    for (const o of outputs) if (o) producer.set(o, id);
    const name = names[id]!;
    const weights = folding.rows.get(id);
    const attrs = folding.folded.has(id) ? [] : keyAttributes(n);
    return {
      id,
      name,
      op: n.op_type ?? '',
      ...(n.domain ? { domain: n.domain } : {}),
      inputs: n.input ?? [],
      outputs,
      scope: scopes[id]!,
      ...(weights ? { weights } : {}),
      ...(attrs.length ? { attrs } : {}),
      ...(folding.folded.has(id) ? { folded: true as const } : {}),
    };
  });

  const edges: CompactEdge[] = [];
  for (const node of nodes)
    for (const tensor of node.inputs) {
      const from = tensor ? producer.get(tensor) : undefined;
      if (from !== undefined && from !== node.id) edges.push({ from, to: node.id, tensor });
    }

  if (shapes) {
    const typed = (t: string): void => {
      const vt = t ? shapes.get(t) : undefined;
      if (vt && (vt.dtype || vt.shape)) tensors[t] = infoFromValueType(t, vt);
    };
    for (const node of nodes) {
      node.inputs.forEach(typed);
      node.outputs.forEach(typed);
    }
  }

  const sub = compactSubgraphs(nodes, graph.node ?? [], producer, tensors, nodes.length);
  const io = (list: typeof graph.input): TensorInfo[] =>
    (list ?? []).filter((v) => v.name).map((v) => tensors[v.name!] ?? { name: v.name! });
  const initNames = new Set((graph.initializer ?? []).map((i) => i.name));
  return {
    graph: {
      name: graph.name ?? '',
      nodes: sub.nodes.length ? [...nodes, ...sub.nodes] : nodes,
      edges: sub.edges.length ? [...edges, ...sub.edges] : edges,
      inputs: io((graph.input ?? []).filter((v) => !initNames.has(v.name))),
      outputs: io(graph.output),
      tensors,
    },
    protos: sub.protos.length ? [...(graph.node ?? []), ...sub.protos] : (graph.node ?? []),
  };
}
