/**
 * Joins the node names onnxruntime ran to the file's nodes. At optimization level `disabled`/`basic` the
 * names are the file's own (subgraph nodes included: ORT keeps their names when it runs or inlines If
 * branches). At higher levels ORT fuses nodes (FusedConv, MatMulAddFusion, NCHWc reorders); a fused node is
 * looked up in the optimized model ORT saved, and the file nodes it covers are those that compute its outputs
 * from its inputs: walking back from the producers of its outputs, stopping at its inputs and at constants.
 */
import type { GraphProto, ModelProto, NodeProto } from '../onnx/types';
import { indexGraph, type GraphIndex } from '../graph/graphIndex';
import { tensorByteSize } from '../graph/tensorData';
import { subgraphsOf } from '../onnx/walk';
import type { NodeMatch } from '../report/profileReport';

export interface FileNode {
  readonly node: NodeProto;
  readonly graphPath: string;
  readonly index: GraphIndex;
  /** Position among the graph's non-Constant nodes (ORT's node_index at level disabled: Constants become initializers). */
  readonly ortIndex: number;
  /** The node's name, or for an unnamed node the name onnxruntime gives it: `<op_type>_<ortIndex>`. */
  readonly name: string;
}

export interface NodeJoin {
  readonly match: NodeMatch;
  readonly graphPath: string | null;
  readonly nodes: string[];
  /** Bytes of the initializers/constants the covered nodes read; null when nothing was matched. */
  readonly graphParamBytes: number | null;
}

/** Every node of a model, in every graph, by name (names can repeat across subgraphs: all are kept). */
export class ModelNodes {
  readonly byName = new Map<string, FileNode[]>();
  readonly all: FileNode[] = [];
  /** value name → the node that produces it (any graph; first one wins). */
  readonly producerOf = new Map<string, FileNode>();
  /** value name → nodes that read it (any graph). */
  readonly consumersOf = new Map<string, FileNode[]>();
  /** Graph inputs and initializers of every graph. */
  readonly valueNames = new Set<string>();

  constructor(model: ModelProto) {
    if (model.graph) this.add(model.graph, '', new Set());
  }

  private add(graph: GraphProto, graphPath: string, outer: ReadonlySet<string>): void {
    const index = indexGraph(graph, outer);
    const scope = new Set([...outer, ...index.producer.keys(), ...index.graphInputs, ...index.initializers.keys()]);
    for (const v of [...index.graphInputs, ...index.initializers.keys()]) this.valueNames.add(v);
    let ortIndex = 0;
    for (const node of index.nodes) {
      const isConstant = node.op_type === 'Constant';
      const position = isConstant ? -1 : ortIndex++;
      const name = node.name || (isConstant ? '' : `${node.op_type}_${position}`);
      const fileNode: FileNode = { node, graphPath, index, ortIndex: position, name };
      this.all.push(fileNode);
      const same = this.byName.get(name);
      if (same) same.push(fileNode);
      else this.byName.set(name, [fileNode]);
      for (const out of node.output ?? []) if (out && !this.producerOf.has(out)) this.producerOf.set(out, fileNode);
      for (const input of node.input ?? [])
        if (input) this.consumersOf.set(input, [...(this.consumersOf.get(input) ?? []), fileNode]);
      // Same path convention as graph/costModel.ts (node name, then the subgraph's own name), so profile rows
      // and static costs share keys.
      for (const sub of subgraphsOf(node))
        this.add(sub, `${graphPath ? `${graphPath}/` : ''}${name}/${sub.name || 'body'}`, scope);
    }
  }
}

/** Bytes of the constants (initializers, Constant outputs, Identity of those) the nodes read, each once. */
export function constantInputBytes(nodes: readonly FileNode[]): number {
  const seen = new Set<string>();
  let bytes = 0;
  for (const f of nodes)
    for (const input of f.node.input ?? []) {
      const t = input ? f.index.constants.get(input) : undefined;
      if (!t || seen.has(input)) continue;
      seen.add(input);
      bytes += tensorByteSize(t);
    }
  return bytes;
}

const MAX_FUSED_NODES = 64;
const NCHWC_SUFFIX = '_nchwc';

/**
 * The file's name for a value of the optimized graph. ORT's NCHWc layout pass renames values: it names a
 * converted node after the original output it computes (`<output>_nchwc`) and wraps tensors in
 * ReorderInput/ReorderOutput, so those are seen through; undefined when the value has no file counterpart.
 */
function fileValueName(value: string, file: ModelNodes, optimized: ModelNodes, depth = 0): string | undefined {
  if (file.producerOf.has(value) || file.valueNames.has(value)) return value;
  const producer = optimized.producerOf.get(value);
  if (!producer || depth > 8) return undefined;
  const name = producer.node.name ?? '';
  if (name.endsWith(NCHWC_SUFFIX))
    return fileValueName(name.slice(0, -NCHWC_SUFFIX.length), file, optimized, depth + 1);
  if (producer.node.op_type === 'ReorderInput' || producer.node.op_type === 'ReorderOutput')
    return fileValueName(producer.node.input?.[0] ?? '', file, optimized, depth + 1);
  // An NCHWc value leaving the blocked layout: the ReorderOutput that converts it back has the file's name.
  const back = optimized.consumersOf.get(value)?.find((c) => c.node.op_type === 'ReorderOutput');
  return back?.node.output?.[0] && file.producerOf.has(back.node.output[0]) ? back.node.output[0] : undefined;
}

/** File nodes computing `node`'s outputs from its inputs, or undefined if the walk leaves that region. */
function coveredByFused(node: NodeProto, file: ModelNodes, optimized: ModelNodes): FileNode[] | undefined {
  const stop = new Set((node.input ?? []).map((v) => fileValueName(v, file, optimized)).filter((v) => v !== undefined));
  const found = new Set<FileNode>();
  const todo = (node.output ?? []).filter(Boolean).map((v) => fileValueName(v, file, optimized));
  if (todo.includes(undefined)) return undefined;
  while (todo.length) {
    const value = todo.pop()!;
    if (stop.has(value)) continue;
    const producer = file.producerOf.get(value);
    // A graph input or an initializer not among the fused node's inputs: not a region of the file's graph.
    if (!producer) return undefined;
    if (found.has(producer)) continue;
    found.add(producer);
    if (found.size > MAX_FUSED_NODES) return undefined;
    for (const input of producer.node.input ?? []) if (input && !producer.index.constants.has(input)) todo.push(input);
  }
  return found.size ? [...found] : undefined;
}

/** The longest file node name that starts `name` at a word boundary (e.g. `conv1_nchwc` → `conv1`). */
function byNamePrefix(name: string, file: ModelNodes): FileNode | undefined {
  let best: FileNode | undefined;
  for (const [candidate, nodes] of file.byName)
    if (candidate && name.startsWith(candidate) && /^[^A-Za-z0-9]/.test(name.slice(candidate.length)))
      if (!best || candidate.length > best.name.length) best = nodes[0];
  return best;
}

function joinOf(match: NodeMatch, nodes: FileNode[]): NodeJoin {
  return {
    match,
    graphPath: nodes[0]?.graphPath ?? null,
    nodes: nodes.map((n) => n.name),
    graphParamBytes: nodes.length ? constantInputBytes(nodes) : null,
  };
}

/**
 * Joins one profiled node to the file. `optimized` is the model ORT saved (levels above `disabled`), used for
 * names the file does not have.
 */
export function joinNode(
  name: string,
  op: string,
  nodeIndex: number | null,
  file: ModelNodes,
  optimized: ModelNodes | undefined,
): NodeJoin {
  const sameName = name ? (file.byName.get(name) ?? []) : [];
  if (sameName.length) {
    const sameOp = sameName.filter((f) => f.node.op_type === op);
    return joinOf('exact', [(sameOp[0] ?? sameName[0])!]);
  }
  if (!name && nodeIndex !== null) {
    // Unnamed nodes: ORT's node_index is the position among the main graph's non-Constant nodes.
    const hit = file.all.find((f) => f.graphPath === '' && f.ortIndex === nodeIndex && f.node.op_type === op);
    if (hit) return joinOf('exact', [hit]);
  }
  const built = optimized?.byName.get(name)?.[0];
  if (built) {
    const covered = coveredByFused(built.node, file, optimized);
    if (covered) return joinOf('fused', covered);
    // The region could not be bounded (an input ORT renamed): an NCHWc node still names the value it computes.
    const computes = name.endsWith(NCHWC_SUFFIX) ? file.producerOf.get(name.slice(0, -NCHWC_SUFFIX.length)) : undefined;
    if (computes) return joinOf('fused', [computes]);
  }
  // ORT's cast insertion (fp16 ops without an fp16 kernel) names each Cast after the value it converts.
  const castOf = /^InsertedPrecisionFreeCast_(.+)$/.exec(name)?.[1];
  const castSource = castOf !== undefined ? file.producerOf.get(castOf) : undefined;
  if (castSource) return joinOf('inserted', [castSource]);
  // Last resort, by name: fusions are named after the node they start from (`p2o.Mul.200/QuickGeluFusion/`);
  // such a row lists only that node, not all the nodes the fusion absorbed.
  const prefix = name ? byNamePrefix(name, file) : undefined;
  return joinOf(built && prefix ? 'fused' : 'inserted', prefix ? [prefix] : []);
}
