/**
 * Dynamic int8 quantization: weights of MatMul, Gemm (incl. transB), Conv and Gather (embedding tables) are
 * quantized ahead of time; activations are quantized at run time. Per node (as onnxruntime's tooling emits,
 * which ORT then fuses into DynamicQuantizeMatMul / MatMulIntegerToFloat at level `extended`+):
 *   x ─DynamicQuantizeLinear→ (x_q, x_scale, x_zp)                   [ONNX opset 11, §DynamicQuantizeLinear]
 *   MatMulInteger(x_q, W_q, x_zp, W_zp) ─Cast(float)→ · (x_scale·W_scale) [+ bias]   [opset 10, §MatMulInteger]
 *   ConvInteger(x_q, W_q, x_zp, W_zp)   ─Cast(float)→ · (x_scale·W_scale) + bias     [opset 10, §ConvInteger]
 *   Gather(W_q, ids) ─DequantizeLinear(W_scale, W_zp)→                               [opset 10]
 * Each replaced node keeps its output names, so the rest of the graph and per-layer comparison still match.
 * One DynamicQuantizeLinear serves every quantized consumer of the same activation (e.g. Q, K and V).
 */
import { attrInt } from '../../graph/attributes';
import type { GraphIndex } from '../../graph/graphIndex';
import { DataType, type ModelProto } from '../../onnx/types';
import { nodeLabel, type TransformChange, type TransformResult } from '../common/changes';
import { GraphEditor } from '../common/graphEdit';
import { opsetVersion } from '../common/opset';
import { isFloatWeight, resolveWeight } from '../common/weights';
import { DynamicRewriter } from './dynamicRewrites';
import type { Candidate, DynamicOp, DynamicQuantOptions } from './dynamicTypes';
import { dtypeReason, skippedDetails, SkipTally } from './nothingToQuantize';
import { findQuantizedNodes, makeSelector } from './select';

export type { DynamicOp, DynamicQuantOptions };

const ALL_OPS: readonly DynamicOp[] = ['MatMul', 'Gemm', 'Conv', 'Gather'];

/** The slot of the weight input each op reads. */
const WEIGHT_SLOT: Record<DynamicOp, number> = { MatMul: 1, Gemm: 1, Conv: 1, Gather: 0 };

/** The nodes of the chosen op kinds whose weight is a float32 constant, and why the others were passed over. */
function findCandidates(
  idx: GraphIndex,
  ops: ReadonlySet<DynamicOp>,
): { candidates: Candidate[]; passedOver: SkipTally } {
  const candidates: Candidate[] = [];
  const passedOver = new SkipTally();
  for (const i of idx.order) {
    const node = idx.nodes[i]!;
    const op = node.op_type as DynamicOp;
    if ((node.domain ?? '') !== '' || !ops.has(op)) continue;
    const weight = resolveWeight(idx, node.input?.[WEIGHT_SLOT[op]]);
    const reason = !weight
      ? 'computed'
      : !isFloatWeight(weight.tensor) || weight.tensor.data_type !== DataType.FLOAT
        ? (dtypeReason(weight.tensor) ?? 'other-dtype')
        : op !== 'Gather' && resolveWeight(idx, node.input?.[0])
          ? 'both-constant' // fold instead
          : op === 'Conv' && node.input?.[2] && !resolveWeight(idx, node.input[2])
            ? 'runtime-bias'
            : (op === 'MatMul' && weight.dims.length < 2) || (op === 'Gemm' && attrInt(node, 'transA', 0) !== 0)
              ? 'shape'
              : undefined;
    passedOver.add(reason);
    if (!reason) candidates.push({ i, node, op, weight: weight! });
  }
  return { candidates, passedOver };
}

export function quantizeDynamic(model: ModelProto, opts: DynamicQuantOptions = {}): TransformResult {
  const changes: TransformChange[] = [];
  const already = findQuantizedNodes(model);
  if (already.length)
    return {
      model,
      changes: [
        { kind: 'note', detail: `already quantized (${already.length} nodes, e.g. ${already[0]}); left unchanged` },
      ],
    };
  const opset = opsetVersion(model) ?? 1;
  if (opset < 11)
    return {
      model,
      changes: [
        {
          kind: 'note',
          detail: `opset ${opset} < 11 has no DynamicQuantizeLinear; convert the model to opset ≥ 11 first`,
        },
      ],
    };
  const ed = new GraphEditor(model.graph ?? {});
  const ops = new Set(opts.ops ?? ALL_OPS);
  const { candidates, passedOver } = findCandidates(ed.index, ops);
  const skip = makeSelector(
    opts,
    candidates.map((c) => c.node),
  );
  const rw = new DynamicRewriter(ed, changes, opts);
  for (const c of candidates) {
    const label = nodeLabel(c.node, c.i);
    const reason = skip(
      c.node,
      c.weight.dims.reduce((a, b) => a * b, 1),
    );
    if (reason) changes.push({ kind: 'skipped', node: label, detail: reason });
    else if (c.op === 'Gather') rw.gather(c, label);
    else if (c.op === 'Conv') rw.conv(c, label);
    else rw.matmul(c, label);
  }
  if (!changes.some((c) => c.kind === 'replaced'))
    return {
      model,
      changes: [...changes, { kind: 'note', detail: passedOver.explain('dynamic', [...ops], skippedDetails(changes)) }],
    };
  return { model: { ...model, graph: ed.build() }, changes };
}
