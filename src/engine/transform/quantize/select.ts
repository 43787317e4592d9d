/**
 * Which nodes a quantizer may touch: op-type include/exclude, node-name regexes, keeping the first and last
 * quantizable layers in float (they often carry most of the accuracy loss), and skipping tiny weights
 * (quantizing them saves nothing and adds ops). Also: recognising a model that is already quantized.
 */
import type { ModelProto, NodeProto } from '../../onnx/types';
import { forEachGraph } from '../../onnx/walk';

export interface SelectionOptions {
  /** Only these op types (default: every op the quantizer supports). */
  readonly includeOps?: readonly string[];
  readonly excludeOps?: readonly string[];
  /** Node names matching any of these stay float. */
  readonly excludeNodes?: readonly RegExp[];
  /** When given, only node names matching one of these are quantized. */
  readonly includeNodes?: readonly RegExp[];
  /** Keep the first and the last quantizable node (in topological order) in float. */
  readonly keepFirstLast?: boolean;
  /** Keep only the first quantizable node in float. */
  readonly keepFirst?: boolean;
  /** Keep only the last quantizable node in float. */
  readonly keepLast?: boolean;
  /** Skip weights with fewer elements than this (default 0: quantize all). */
  readonly minWeightElements?: number;
}

/** Ops that show a model (or part of it) is already quantized. */
export const QUANTIZED_OPS: ReadonlySet<string> = new Set([
  'QuantizeLinear',
  'DequantizeLinear',
  'DynamicQuantizeLinear',
  'MatMulInteger',
  'ConvInteger',
  'QLinearConv',
  'QLinearMatMul',
  'QLinearAdd',
  'QLinearMul',
  'QLinearSigmoid',
  'QLinearLeakyRelu',
  'QLinearAveragePool',
  'QLinearGlobalAveragePool',
  'QLinearConcat',
  'QGemm',
  'QAttention',
  'DynamicQuantizeMatMul',
  'MatMulIntegerToFloat',
  'MatMulNBits',
  'MatMulBnb4',
  'GatherBlockQuantized',
  'DequantizeBFP',
]);

/** Names (op type and node name) of nodes that are already quantized, across all graphs. */
export function findQuantizedNodes(model: ModelProto): string[] {
  const found: string[] = [];
  if (model.graph)
    forEachGraph(model.graph, (g) => {
      for (const n of g.node ?? [])
        if (QUANTIZED_OPS.has(n.op_type ?? '')) found.push(`${n.op_type} '${n.name ?? ''}'`);
    });
  return found;
}

export type Selector = (node: NodeProto, weightElements: number) => string | undefined;

/**
 * Returns a function giving the reason a candidate node is skipped, or undefined when it may be quantized.
 * `candidates` are the quantizable nodes in topological order (for first/last).
 */
export function makeSelector(opts: SelectionOptions, candidates: readonly NodeProto[]): Selector {
  const first = candidates[0];
  const last = candidates.at(-1);
  return (node, weightElements) => {
    const op = node.op_type ?? '';
    const name = node.name ?? '';
    if (opts.includeOps?.length && !opts.includeOps.includes(op)) return `op ${op} not included`;
    if (opts.excludeOps?.includes(op)) return `op ${op} excluded`;
    if (opts.includeNodes?.length && !opts.includeNodes.some((r) => r.test(name))) return 'name not included';
    const ex = opts.excludeNodes?.find((r) => r.test(name));
    if (ex) return `name matches excluded /${ex.source}/`;
    if ((opts.keepFirstLast || opts.keepFirst) && node === first) return 'first layer kept float';
    if ((opts.keepFirstLast || opts.keepLast) && node === last) return 'last layer kept float';
    if (weightElements < (opts.minWeightElements ?? 0))
      return `weight has ${weightElements} elements (< ${opts.minWeightElements})`;
    return undefined;
  };
}
