/**
 * The error each node ADDS (issue 18): a model's per-node error against its float original (localize.ts)
 * includes everything that flowed in from upstream, so on a deep model the worst outputs are far downstream of
 * the layer that broke them. To see each node's own share, the candidate's nodes are run on the REFERENCE's
 * values of every tensor both models share: one combined model holds the reference graph unchanged and a copy
 * of the candidate whose internal tensors are prefixed, but whose inputs that the reference also computes are
 * read from the reference. Each shared tensor then has a reference value and an "isolated" candidate value that
 * differs only by what the candidate's nodes between the two shared tensors changed (a quantized Conv's
 * DynamicQuantizeLinear → ConvInteger → Mul → Add chain counts as the Conv).
 */
import type { ValueType } from '../graph/dims';
import type { Lookup } from '../graph/scope';
import { inferShapes } from '../graph/shapeInference';
import type { AttributeProto, GraphProto, ModelProto, NodeProto, OperatorSetIdProto } from '../onnx/types';

/** Prefix of the isolated candidate's tensor and node names in the combined model. */
export const ISOLATED_PREFIX = 'onnx_tuner_isolated/';

export interface IsolatedModel {
  /** The reference graph plus the candidate's nodes fed by the reference's shared tensors. */
  readonly model: ModelProto;
  /** The name the isolated candidate's value of a shared tensor has in `model`. */
  readonly isolatedName: (tensor: string) => string;
}

/** Element type of a model's tensors from shape inference (undefined where inference cannot tell or fails). */
function elementTypes(model: ModelProto): (name: string) => number | undefined {
  let types: Lookup<ValueType> | undefined;
  try {
    types = inferShapes(model).main.types;
  } catch {
    types = undefined; // a shared tensor of unknown type is fed as it is
  }
  return (name) => types?.get(name)?.dtype;
}

/** Union of both models' opset imports, the higher version where both import a domain. */
function mergedOpsets(a: ModelProto, b: ModelProto): OperatorSetIdProto[] {
  const byDomain = new Map<string, OperatorSetIdProto>();
  for (const o of [...(a.opset_import ?? []), ...(b.opset_import ?? [])]) {
    const d = o.domain ?? '';
    const prev = byDomain.get(d);
    if (!prev || Number(o.version ?? 0) > Number(prev.version ?? 0)) byDomain.set(d, { ...o, domain: d });
  }
  return [...byDomain.values()];
}

/** Names a graph binds itself (inputs, initializers, node outputs): a subgraph's other names are outer-scope. */
function boundNames(g: GraphProto): Set<string> {
  return new Set([
    ...(g.input ?? []).map((v) => v.name ?? ''),
    ...(g.initializer ?? []).map((t) => t.name ?? ''),
    ...(g.node ?? []).flatMap((n) => n.output ?? []),
  ]);
}

/** `node` with its outer-scope references (inputs, and names its subgraphs read from outside) renamed by `outer`. */
function renameNode(node: NodeProto, outer: (name: string) => string, rename: (name: string) => string): NodeProto {
  const attr = (a: AttributeProto): AttributeProto => {
    if (a.g) return { ...a, g: renameSubgraph(a.g, outer) };
    if (a.graphs?.length) return { ...a, graphs: a.graphs.map((g) => renameSubgraph(g, outer)) };
    return a;
  };
  return {
    ...node,
    ...(node.name ? { name: ISOLATED_PREFIX + node.name } : {}),
    input: (node.input ?? []).map((n) => (n ? outer(n) : n)),
    output: (node.output ?? []).map((n) => (n ? rename(n) : n)),
    ...(node.attribute ? { attribute: node.attribute.map(attr) } : {}),
  };
}

/** A subgraph whose own names stay and whose outer-scope references go through `outer`. */
function renameSubgraph(g: GraphProto, outer: (name: string) => string): GraphProto {
  const local = boundNames(g);
  const map = (n: string): string => (local.has(n) ? n : outer(n));
  return {
    ...g,
    node: (g.node ?? []).map((n) => renameNode(n, map, (x) => x)),
    output: (g.output ?? []).map((v) => ({ ...v, name: map(v.name ?? '') })),
  };
}

/**
 * `reference` plus `candidate`'s nodes, each reading the reference's value of any tensor the reference
 * computes (or takes as a graph input); where the candidate holds such a tensor in another element type
 * (a float16 model), a Cast converts the reference's value first.
 */
export function isolateCandidate(reference: ModelProto, candidate: ModelProto): IsolatedModel {
  const ref = reference.graph ?? {};
  const cand = candidate.graph ?? {};
  const refTensors = new Set([
    ...(ref.input ?? []).map((v) => v.name ?? ''),
    ...(ref.node ?? []).flatMap((n) => n.output ?? []),
  ]);
  const candInits = new Set((cand.initializer ?? []).map((t) => t.name ?? ''));
  const refTypes = elementTypes(reference);
  const candTypes = elementTypes(candidate);
  const isolatedName = (n: string): string => ISOLATED_PREFIX + n;
  const casts: NodeProto[] = [];
  const castOf = new Map<string, string>();
  // A name the candidate reads: its own weight, the reference's value of a shared tensor, or its own tensor.
  const source = (n: string): string => {
    if (candInits.has(n) || !refTensors.has(n)) return isolatedName(n);
    const want = candTypes(n);
    const have = refTypes(n);
    if (want === undefined || have === undefined || want === have) return n;
    let cast = castOf.get(n);
    if (!cast) {
      cast = `${ISOLATED_PREFIX}cast/${n}`;
      castOf.set(n, cast);
      casts.push({
        op_type: 'Cast',
        name: cast,
        input: [n],
        output: [cast],
        attribute: [{ name: 'to', type: 2, i: want }],
      });
    }
    return cast;
  };
  const nodes = (cand.node ?? []).map((n) => renameNode(n, source, isolatedName));
  const graph: GraphProto = {
    ...ref,
    node: [...(ref.node ?? []), ...casts, ...nodes],
    initializer: [
      ...(ref.initializer ?? []),
      ...(cand.initializer ?? []).map((t) => ({ ...t, name: isolatedName(t.name ?? '') })),
    ],
  };
  return { model: { ...reference, opset_import: mergedOpsets(reference, candidate), graph }, isolatedName };
}
