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
import { attrFloat, attrInt } from '../../graph/attributes';
import { DataType, type AttributeProto, type ModelProto, type NodeProto } from '../../onnx/types';
import { nodeLabel, type TransformChange, type TransformResult } from '../common/changes';
import { GraphEditor, makeNode } from '../common/graphEdit';
import { opsetVersion } from '../common/opset';
import { floatTensor, floatValues, isFloatWeight, resolveWeight, type ResolvedWeight } from '../common/weights';
import { transpose2d, type QuantType } from './quantMath';
import { dtypeReason, skippedDetails, SkipTally } from './nothingToQuantize';
import { findQuantizedNodes, makeSelector, type SelectionOptions } from './select';
import { QuantizedWeightStore } from './weightStore';

export type DynamicOp = 'MatMul' | 'Gemm' | 'Conv' | 'Gather';

export interface DynamicQuantOptions extends SelectionOptions {
  /** int8 symmetric (default; what VNNI's u8·s8 kernels want) or uint8 asymmetric. */
  readonly weightType?: QuantType;
  /** One scale per output channel (MatMul/Gemm columns, Conv output channels). */
  readonly perChannel?: boolean;
  readonly reduceRange?: boolean;
  readonly ops?: readonly DynamicOp[];
}

const ALL_OPS: readonly DynamicOp[] = ['MatMul', 'Gemm', 'Conv', 'Gather'];

/** The slot of the weight input each op reads. */
const WEIGHT_SLOT: Record<DynamicOp, number> = { MatMul: 1, Gemm: 1, Conv: 1, Gather: 0 };

interface Candidate {
  readonly i: number;
  readonly node: NodeProto;
  readonly op: DynamicOp;
  readonly weight: ResolvedWeight;
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
  const graph = model.graph ?? {};
  const ed = new GraphEditor(graph);
  const idx = ed.index;
  const ops = new Set(opts.ops ?? ALL_OPS);
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
  const skip = makeSelector(
    opts,
    candidates.map((c) => c.node),
  );
  const store = new QuantizedWeightStore(ed, changes);
  const type = opts.weightType ?? 'int8';
  const symmetric = type === 'int8';
  const activations = new Map<string, { q: string; scale: string; zp: string }>();

  const quantizeActivation = (x: string): { q: string; scale: string; zp: string } => {
    const hit = activations.get(x);
    if (hit) return hit;
    const made = { q: ed.fresh(`${x}_quantized`), scale: ed.fresh(`${x}_scale`), zp: ed.fresh(`${x}_zero_point`) };
    ed.insertAfterValue(x, [
      makeNode('DynamicQuantizeLinear', [x], [made.q, made.scale, made.zp], ed.fresh(`${x}_DynamicQuantizeLinear`)),
    ]);
    activations.set(x, made);
    return made;
  };

  for (const c of candidates) {
    const label = nodeLabel(c.node, c.i);
    const elements = c.weight.dims.reduce((a, b) => a * b, 1);
    const reason = skip(c.node, elements);
    if (reason) {
      changes.push({ kind: 'skipped', node: label, detail: reason });
      continue;
    }
    const values = floatValues(c.weight.tensor);
    const base = c.weight.tensor.name || c.weight.name;
    const out = c.node.output![0]!;
    const n = (suffix: string): string => ed.fresh(`${label}_${suffix}`);
    if (c.op === 'Gather') {
      const w = store.get({
        tensor: c.weight.tensor,
        layout: 'gather',
        baseName: base,
        values,
        dims: c.weight.dims,
        type,
        symmetric,
        reduceRange: opts.reduceRange,
      });
      const gathered = n('quantized_out');
      ed.replace(c.i, [
        { ...c.node, input: [w.q, ...(c.node.input ?? []).slice(1)], output: [gathered] },
        makeNode('DequantizeLinear', [gathered, w.scale, w.zeroPoint], [out], n('DequantizeLinear')),
      ]);
      changes.push({ kind: 'replaced', node: label, detail: 'Gather on int8 table + DequantizeLinear' });
      continue;
    }
    const act = quantizeActivation(c.node.input![0]!);
    const integerOut = n('int32');
    const floatOut = n('float');
    const scaleOut = n('scale');
    const nodes: NodeProto[] = [];
    let bias: string | undefined;
    if (c.op === 'Conv') {
      const m = c.weight.dims[0]!;
      const w = store.get({
        tensor: c.weight.tensor,
        layout: 'conv',
        baseName: base,
        values,
        dims: c.weight.dims,
        type,
        symmetric,
        reduceRange: opts.reduceRange,
      });
      // ONNX allows a per-channel ConvInteger zero point, but ORT's CPU kernel refuses it ("Non per-tensor
      // quantization is not supported now"), so Conv weights are always per-tensor here.
      const wScale = w.scale;
      const wZp = w.zeroPoint;
      const attrs: AttributeProto[] = (c.node.attribute ?? []).filter((a) => a.name !== 'activation');
      nodes.push({
        ...makeNode('ConvInteger', [act.q, w.q, act.zp, wZp], [integerOut], n('ConvInteger')),
        attribute: attrs,
      });
      nodes.push(makeNode('Mul', [act.scale, wScale], [scaleOut], n('scale_Mul')));
      const b = c.node.input?.[2];
      if (b) {
        const bw = resolveWeight(idx, b);
        bias = bw
          ? ed.addInitializer(
              floatTensor(
                ed.fresh(`${b}_nchw`),
                [1, m, ...c.weight.dims.slice(2).map(() => 1)],
                floatValues(bw.tensor),
              ),
            )
          : undefined;
        if (!bias) {
          changes.push({ kind: 'skipped', node: label, detail: 'Conv bias is not a constant' });
          continue;
        }
      }
    } else {
      const transB = c.op === 'Gemm' && attrInt(c.node, 'transB', 0) !== 0;
      const rank = c.weight.dims.length;
      const [rows, cols] = [c.weight.dims[rank - 2]!, c.weight.dims[rank - 1]!];
      const mmValues = transB ? transpose2d(values, rows, cols) : values;
      const mmDims = transB ? [cols, rows] : c.weight.dims;
      const perChannel = opts.perChannel && mmDims.length === 2;
      const w = store.get({
        tensor: c.weight.tensor,
        layout: transB ? 'T' : 'mm',
        baseName: base,
        values: mmValues,
        dims: mmDims,
        type,
        symmetric,
        reduceRange: opts.reduceRange,
        axis: perChannel ? 1 : undefined,
      });
      nodes.push(makeNode('MatMulInteger', [act.q, w.q, act.zp, w.zeroPoint], [integerOut], n('MatMulInteger')));
      let wScale = w.scale;
      const alpha = c.op === 'Gemm' ? attrFloat(c.node, 'alpha', 1) : 1;
      if (alpha !== 1)
        wScale = ed.addInitializer(
          floatTensor(
            ed.fresh(`${base}_scale_alpha`),
            perChannel ? [w.quantized.params.length] : [],
            Float32Array.from(w.quantized.params, (p) => p.scale * alpha),
          ),
        );
      nodes.push(makeNode('Mul', [act.scale, wScale], [scaleOut], n('scale_Mul')));
      const cName = c.op === 'Gemm' ? c.node.input?.[2] : undefined;
      if (cName) {
        const beta = attrFloat(c.node, 'beta', 1);
        const cw = resolveWeight(idx, cName);
        if (beta === 1) bias = cName;
        else if (cw)
          bias = ed.addInitializer(
            floatTensor(
              ed.fresh(`${cName}_beta`),
              cw.dims,
              floatValues(cw.tensor).map((v) => v * beta),
            ),
          );
        else {
          bias = n('bias_beta');
          const betaName = ed.addInitializer(floatTensor(ed.fresh(`${label}_beta`), [], Float32Array.of(beta)));
          nodes.push(makeNode('Mul', [cName, betaName], [bias], n('beta_Mul')));
        }
      }
    }
    nodes.push(makeNode('Cast', [integerOut], [floatOut], n('Cast'), { to: DataType.FLOAT }));
    if (bias) {
      const scaled = n('scaled');
      nodes.push(makeNode('Mul', [floatOut, scaleOut], [scaled], n('Mul')));
      nodes.push(makeNode('Add', [scaled, bias], [out], n('bias_Add')));
    } else nodes.push(makeNode('Mul', [floatOut, scaleOut], [out], n('Mul')));
    ed.replace(c.i, nodes);
    changes.push({
      kind: 'replaced',
      node: label,
      detail: `${c.op} → ${c.op === 'Conv' ? 'ConvInteger' : 'MatMulInteger'} (dynamic int8)`,
    });
  }
  if (!changes.some((c) => c.kind === 'replaced'))
    return {
      model,
      changes: [...changes, { kind: 'note', detail: passedOver.explain('dynamic', [...ops], skippedDetails(changes)) }],
    };
  return { model: { ...model, graph: ed.build() }, changes };
}
