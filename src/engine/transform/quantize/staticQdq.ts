/**
 * Static int8 quantization in QDQ form: every activation a quantized node reads gets a
 * QuantizeLinear → DequantizeLinear pair with a calibrated scale (ONNX §QuantizeLinear/§DequantizeLinear);
 * weights are stored int8 behind a DequantizeLinear (per channel with `axis` from opset 13, or with
 * com.microsoft Q/DQ below that); biases become int32 with scale x_scale·w_scale, as ORT's QDQ fusions
 * expect. ORT turns `DQ → Conv → Q` into QLinearConv (and MatMul/Gemm alike) at optimization level
 * `extended` or higher; at `disabled`/`basic` a QDQ model runs slower than fp32 (DESIGN.md).
 *
 * By default outputs get no Q/DQ of their own (unlike onnxruntime's quantizer; `quantizeOutputs` adds
 * them): where an output feeds another quantized node, that node's input pair quantizes it anyway (and ORT
 * can fuse); elsewhere it would only add error. Measured on ppocr-det, whose exporter left
 * BatchNormalization as Mul/Add after each Conv and whose raw Conv outputs span [−277, 192] before a
 * HardSwish that only resolves [−3, 3]: output Q/DQ cut the output cosine from 0.996 to 0.90. The price:
 * on such models few nodes fuse and the QDQ model runs slower than float (bench/quantize.bench.ts).
 */
import { attrInt } from '../../graph/attributes';
import { indexGraph, type GraphIndex } from '../../graph/graphIndex';
import type { ModelProto, NodeProto } from '../../onnx/types';
import { nodeLabel, type TransformChange, type TransformResult } from '../common/changes';
import { GraphEditor } from '../common/graphEdit';
import { opsetVersion, withOpset } from '../common/opset';
import { upgradeOpset9To10 } from '../common/opsetUpgrade';
import { resolveWeight, type ResolvedWeight } from '../common/weights';
import type { TensorRange } from './calibrate';
import { QdqPlacer } from './qdqPlacer';
import type { QuantType } from './quantMath';
import { dtypeReason, skippedDetails, SkipTally } from './nothingToQuantize';
import { findQuantizedNodes, makeSelector, type SelectionOptions } from './select';

const MS_DOMAIN = 'com.microsoft';

export type StaticOp = 'Conv' | 'ConvTranspose' | 'MatMul' | 'Gemm';

export interface StaticQuantOptions extends SelectionOptions {
  /** Per-output-channel weight scales (needs opset ≥ 13; falls back to per-tensor below). */
  readonly perChannel?: boolean;
  /** 7-bit ranges, for CPUs without VNNI. */
  readonly reduceRange?: boolean;
  /** uint8 asymmetric (default) or int8 symmetric activations. */
  readonly activationType?: QuantType;
  readonly ops?: readonly StaticOp[];
  /**
   * Quantize depthwise convolutions' activations too (default false: their weights only). A depthwise
   * conv's input keeps per-channel scales a per-tensor range cannot serve; on ppocr-det quantizing them
   * cut the output cosine from 0.996 to 0.95 for no size gain (their weights are int8 either way).
   */
  readonly depthwise?: boolean;
  /**
   * Also put a Q/DQ pair on each quantized node's output, as onnxruntime's quantizer does, so ORT can fuse
   * `DQ → Conv → Q` into QLinearConv even when the next op is not quantized. Faster where it fuses, but see
   * the module comment for the accuracy cost on models with unfolded BatchNormalization. Default false.
   */
  readonly quantizeOutputs?: boolean;
  /** Nodes (by name) to quantize weight-only: int8 weights, float activations (see sensitivity.ts). */
  readonly weightOnlyNodes?: ReadonlySet<string>;
}

const ALL_OPS: readonly StaticOp[] = ['Conv', 'ConvTranspose', 'MatMul', 'Gemm'];

interface Target {
  readonly i: number;
  readonly node: NodeProto;
  readonly weight: ResolvedWeight;
  /** Weight-only: int8 weight behind a DequantizeLinear, float activations (depthwise convolutions). */
  readonly weightOnly: boolean;
}

function findTargets(model: ModelProto, opts: StaticQuantOptions, passedOver = new SkipTally()): Target[] {
  const idx = indexGraph(model.graph ?? {});
  const ops = new Set<string>(opts.ops ?? ALL_OPS);
  const out: Target[] = [];
  for (const i of idx.order) {
    const node = idx.nodes[i]!;
    if ((node.domain ?? '') !== '' || !ops.has(node.op_type ?? '')) continue;
    const weight = resolveWeight(idx, node.input?.[1]);
    const reason = !weight
      ? 'computed'
      : (dtypeReason(weight.tensor) ??
        (resolveWeight(idx, node.input?.[0])
          ? 'both-constant'
          : (node.op_type === 'Gemm' && attrInt(node, 'transA', 0) !== 0) ||
              (node.op_type === 'MatMul' && weight.dims.length < 2)
            ? 'shape'
            : undefined));
    passedOver.add(reason);
    if (reason || !weight) continue;
    const group = attrInt(node, 'group', 1);
    const weightOnly =
      (node.op_type === 'Conv' && group > 1 && group === weight.dims[0] && !opts.depthwise) ||
      (opts.weightOnlyNodes?.has(node.name ?? '') ?? false);
    out.push({ i, node, weight, weightOnly });
  }
  return out;
}

/**
 * Ops ORT has int8 kernels or QDQ fusions for on CPU: an output pair in front of them costs nothing extra.
 * Not Mul: after a Conv it is usually an unfolded BatchNormalization scale, whose input range is far wider
 * than what the rest of the chain resolves (the ppocr-det case below).
 */
const QDQ_READERS = new Set([
  'Conv',
  'ConvTranspose',
  'MatMul',
  'Gemm',
  'Add',
  'Concat',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'Resize',
  'Relu',
  'Clip',
  'Flatten',
  'Reshape',
  'Transpose',
  'Sigmoid',
  'LeakyRelu',
]);

/**
 * The tensor whose Q/DQ pair covers a quantized node's output: past a Relu/Clip that is the output's only
 * reader, so ORT fuses Conv+Relu into one QLinearConv (its QDQ selector folds the activation in) instead of
 * leaving a float Relu between two pairs. None where a reader has no int8 kernel (HardSwish, Softmax, ...)
 * or the tensor is a graph output: there the pair only adds error (ppocr-det: a pair on raw Conv outputs
 * in front of HardSwish cut the output cosine from 0.996 to 0.82).
 */
function coveredOutput(idx: GraphIndex, node: NodeProto): string | undefined {
  let y = node.output![0]!;
  const readers = idx.consumers.get(y) ?? [];
  const next = readers.length === 1 ? idx.nodes[readers[0]!]! : undefined;
  if (next && !idx.graphOutputs.has(y) && (next.domain ?? '') === '' && /^(Relu|Clip)$/.test(next.op_type ?? ''))
    y = next.output![0]!;
  const after = idx.consumers.get(y) ?? [];
  if (idx.graphOutputs.has(y) || after.length === 0) return undefined;
  const friendly = after.every((r) => {
    const n = idx.nodes[r]!;
    return (n.domain ?? '') === '' && QDQ_READERS.has(n.op_type ?? '');
  });
  return friendly ? y : undefined;
}

/** The activations to calibrate: inputs and outputs of the nodes `quantizeStatic` will quantize. */
export function staticQuantTargets(model: ModelProto, opts: StaticQuantOptions = {}): string[] {
  const targets = findTargets(model, opts);
  const idx = indexGraph(model.graph ?? {});
  const skip = makeSelector(
    opts,
    targets.map((t) => t.node),
  );
  const names = new Set<string>();
  for (const t of targets) {
    if (
      skip(
        t.node,
        t.weight.dims.reduce((a, b) => a * b, 1),
      )
    )
      continue;
    if (!t.weightOnly) names.add(t.node.input![0]!);
    const y = !t.weightOnly && opts.quantizeOutputs ? coveredOutput(idx, t.node) : undefined;
    if (y) names.add(y);
  }
  return [...names];
}

/** The per-channel axis of each op's weight (the output-channel axis). */
function weightAxis(node: NodeProto, rank: number): number {
  switch (node.op_type) {
    case 'ConvTranspose':
      return 1;
    case 'Gemm':
      return attrInt(node, 'transB', 0) ? 0 : 1;
    case 'MatMul':
      return rank - 1;
    default:
      return 0;
  }
}

export function quantizeStatic(
  model: ModelProto,
  ranges: ReadonlyMap<string, TensorRange>,
  opts: StaticQuantOptions = {},
): TransformResult {
  const already = findQuantizedNodes(model);
  if (already.length)
    return {
      model,
      changes: [
        { kind: 'note', detail: `already quantized (${already.length} nodes, e.g. ${already[0]}); left unchanged` },
      ],
    };
  const changes: TransformChange[] = [];
  const original = model;
  if ((opsetVersion(model) ?? 1) < 10) {
    // QDQ needs ONNX opset ≥ 10 for ORT to fuse it (its QLinearConv is opset 10).
    const up = upgradeOpset9To10(model);
    if (!up.model) return { model, changes: [{ kind: 'note', detail: `cannot quantize statically: ${up.refused}` }] };
    changes.push(...up.changes);
    model = up.model;
  }
  const opset = opsetVersion(model) ?? 1;
  const perChannel = opts.perChannel ?? false;
  // ONNX QuantizeLinear exists from opset 10 and takes a per-axis scale from 13. Below that we use
  // onnxruntime's com.microsoft QuantizeLinear/DequantizeLinear (same semantics, with `axis`), which ORT's QDQ
  // fusions accept too, instead of relabelling the model's opset (ops like Clip, Slice and Softmax changed).
  const qdqDomain = opset >= 13 ? undefined : MS_DOMAIN;
  if (qdqDomain)
    changes.push({ kind: 'note', detail: `opset ${opset} < 13: using com.microsoft QuantizeLinear/DequantizeLinear` });
  const ed = new GraphEditor(model.graph ?? {});
  const passedOver = new SkipTally();
  const targets = findTargets(model, opts, passedOver);
  const skip = makeSelector(
    opts,
    targets.map((t) => t.node),
  );
  const elements = (t: Target): number => t.weight.dims.reduce((a, b) => a * b, 1);
  const qdq = new QdqPlacer(ed, changes, ranges, {
    activationType: opts.activationType ?? 'uint8',
    ...(opts.reduceRange !== undefined ? { reduceRange: opts.reduceRange } : {}),
    ...(qdqDomain ? { domain: qdqDomain } : {}),
  });
  // Every activation pair first, so a weight-only node knows whether its input is already quantized by
  // another node's pair, whichever comes first in the graph.
  for (const t of targets) {
    if (t.weightOnly || skip(t.node, elements(t))) continue;
    const y = opts.quantizeOutputs ? coveredOutput(ed.index, t.node) : undefined;
    if (qdq.activation(t.node.input![0]!) && y) qdq.activation(y);
  }
  let quantized = 0;
  for (const t of targets) {
    const label = nodeLabel(t.node, t.i);
    const reason = skip(t.node, elements(t));
    if (reason) {
      changes.push({ kind: 'skipped', node: label, detail: reason });
      continue;
    }
    const x = t.node.input![0]!;
    // A weight-only node whose input another node's pair already quantizes reads a DQ output anyway: its
    // bias must then be int32 too, or ORT's own bias quantizer steps in at load and, below opset 13, writes an
    // invalid DequantizeLinear (`axis` in the ONNX domain; seen on ppocr-det).
    const xp = t.weightOnly ? qdq.known(x) : qdq.activation(x);
    if (!xp && !t.weightOnly) {
      changes.push({ kind: 'skipped', node: label, detail: `no calibrated range for input '${x}'` });
      continue;
    }
    const axis = perChannel ? weightAxis(t.node, t.weight.dims.length) : undefined;
    const w = qdq.weight(t.i, t.weight, axis);
    if (xp) qdq.bias(t.i, t.node, xp, w, axis);
    quantized++;
    changes.push({
      kind: 'replaced',
      node: label,
      detail: `${t.node.op_type} ${t.weightOnly ? 'weight-only int8' : 'QDQ int8'} (${axis === undefined ? 'per-tensor' : 'per-channel'})`,
    });
  }
  qdq.apply();
  if (quantized === 0)
    return {
      model: original,
      changes: [
        ...changes,
        { kind: 'note', detail: passedOver.explain('static', opts.ops ?? ALL_OPS, skippedDetails(changes)) },
      ],
    };
  const opsetImport = qdqDomain ? withOpset(model, MS_DOMAIN, 1) : model.opset_import;
  return { model: { ...model, opset_import: opsetImport, graph: ed.build() }, changes };
}
