/**
 * Keeps onnxruntime's CPU provider on its fast LayerNormalization kernel. ORT's level-extended optimizer fuses
 * `Add → LayerNormalization` into com.microsoft.SkipLayerNormalization, whose float CPU kernel is a scalar loop
 * with a division per element (contrib_ops/cpu/skip_layer_norm.cc): on [1,128,384] it measured 255 µs per call
 * against 38 µs + 12 µs for the unfused LayerNormalization and Add (ORT 1.30, AVX-512 CPU, one thread; a
 * 12-layer Add+LayerNorm chain ran 1.68× faster unfused). The fusion matches only an `Add`
 * (skip_layer_norm_fusion.cc), so the same sum written as a two-input `Sum` (same broadcasting since opset 8,
 * same arithmetic) keeps the two fast kernels. Standard ONNX either way; only float tensors are rewritten.
 */
import type { ValueType } from '../../graph/dims';
import type { Lookup } from '../../graph/scope';
import { DataType, type GraphProto } from '../../onnx/types';
import { nodeLabel, type TransformChange } from '../common/changes';
import { fusionIndex, isDefaultDomain } from './fusionIndex';

export function keepLayerNormUnfused(
  g: GraphProto,
  types: Lookup<ValueType> | undefined,
  changes: TransformChange[],
): number {
  if (!types) return 0;
  const { nodes, readers, outputs, producer } = fusionIndex(g);
  let n = 0;
  for (const ln of nodes) {
    if (ln.op_type !== 'LayerNormalization' || !isDefaultDomain(ln)) continue;
    const x = ln.input?.[0] ?? '';
    const add = producer.get(x);
    if (!add || add.op_type !== 'Add' || !isDefaultDomain(add) || (add.input ?? []).length !== 2) continue;
    // ORT fuses only an Add whose one reader is the LayerNormalization.
    if (readers.get(x) !== 1 || outputs.has(x) || types.get(x)?.dtype !== DataType.FLOAT) continue;
    changes.push({
      kind: 'replaced',
      node: nodeLabel(add, nodes.indexOf(add)),
      detail: `Add before LayerNormalization '${ln.name ?? ''}' written as Sum, so onnxruntime's CPU provider keeps its vectorised LayerNormalization instead of the slower fused SkipLayerNormalization`,
    });
    add.op_type = 'Sum';
    n++;
  }
  return n;
}
