/**
 * The per-op rewrites of dynamic int8 quantization (dynamic.ts chooses the nodes): an embedding table read
 * through DequantizeLinear, a Conv as ConvInteger, a MatMul or Gemm as MatMulInteger, each followed by the
 * Cast and scale multiply that bring the integer result back to float. One DynamicQuantizeLinear serves every
 * consumer of the same activation.
 */
import { attrFloat, attrInt } from '../../graph/attributes';
import { DataType, type AttributeProto, type NodeProto } from '../../onnx/types';
import type { TransformChange } from '../common/changes';
import { makeNode, type GraphEditor } from '../common/graphEdit';
import { floatTensor, floatValues, resolveWeight } from '../common/weights';
import type { Candidate, DynamicQuantOptions } from './dynamicTypes';
import { transpose2d, type QuantType } from './quantMath';
import { QuantizedWeightStore } from './weightStore';

interface QuantizedActivation {
  readonly q: string;
  readonly scale: string;
  readonly zp: string;
}

export class DynamicRewriter {
  private readonly store: QuantizedWeightStore;
  private readonly activations = new Map<string, QuantizedActivation>();
  private readonly type: QuantType;
  private readonly symmetric: boolean;

  constructor(
    private readonly ed: GraphEditor,
    private readonly changes: TransformChange[],
    private readonly opts: DynamicQuantOptions,
  ) {
    this.store = new QuantizedWeightStore(ed, changes);
    this.type = opts.weightType ?? 'int8';
    this.symmetric = this.type === 'int8';
  }

  /** Gather on the int8 table, then DequantizeLinear: the table shrinks 4×, the lookup stays a lookup. */
  gather(c: Candidate, label: string): void {
    const w = this.weight(c, 'gather', floatValues(c.weight.tensor), c.weight.dims);
    const gathered = this.fresh(label, 'quantized_out');
    this.ed.replace(c.i, [
      { ...c.node, input: [w.q, ...(c.node.input ?? []).slice(1)], output: [gathered] },
      makeNode(
        'DequantizeLinear',
        [gathered, w.scale, w.zeroPoint],
        [c.node.output![0]!],
        this.fresh(label, 'DequantizeLinear'),
      ),
    ]);
    this.changes.push({ kind: 'replaced', node: label, detail: 'Gather on int8 table + DequantizeLinear' });
  }

  /** ConvInteger with a per-tensor weight (ORT's CPU kernel refuses a per-channel zero point), bias as NCHW. */
  conv(c: Candidate, label: string): void {
    const b = c.node.input?.[2];
    const bw = b ? resolveWeight(this.ed.index, b) : undefined;
    if (b && !bw) {
      this.changes.push({ kind: 'skipped', node: label, detail: 'Conv bias is not a constant' });
      return;
    }
    const act = this.activation(c.node.input![0]!);
    const w = this.weight(c, 'conv', floatValues(c.weight.tensor), c.weight.dims);
    const integerOut = this.fresh(label, 'int32');
    const scaleOut = this.fresh(label, 'scale');
    const attrs: AttributeProto[] = (c.node.attribute ?? []).filter((a) => a.name !== 'activation');
    const nodes: NodeProto[] = [
      {
        ...makeNode('ConvInteger', [act.q, w.q, act.zp, w.zeroPoint], [integerOut], this.fresh(label, 'ConvInteger')),
        attribute: attrs,
      },
      makeNode('Mul', [act.scale, w.scale], [scaleOut], this.fresh(label, 'scale_Mul')),
    ];
    const bias =
      b && bw
        ? this.ed.addInitializer(
            floatTensor(
              this.ed.fresh(`${b}_nchw`),
              [1, c.weight.dims[0]!, ...c.weight.dims.slice(2).map(() => 1)],
              floatValues(bw.tensor),
            ),
          )
        : undefined;
    this.finish(c, label, nodes, integerOut, scaleOut, bias, 'ConvInteger');
  }

  /** MatMulInteger for MatMul and Gemm (transB weights transposed ahead of time, alpha in the scale, beta·C). */
  matmul(c: Candidate, label: string): void {
    const act = this.activation(c.node.input![0]!);
    const transB = c.op === 'Gemm' && attrInt(c.node, 'transB', 0) !== 0;
    const values = floatValues(c.weight.tensor);
    const rank = c.weight.dims.length;
    const [rows, cols] = [c.weight.dims[rank - 2]!, c.weight.dims[rank - 1]!];
    const mmDims = transB ? [cols, rows] : c.weight.dims;
    const perChannel = this.opts.perChannel && mmDims.length === 2;
    const w = this.weight(
      c,
      transB ? 'T' : 'mm',
      transB ? transpose2d(values, rows, cols) : values,
      mmDims,
      perChannel ? 1 : undefined,
    );
    const integerOut = this.fresh(label, 'int32');
    const scaleOut = this.fresh(label, 'scale');
    const nodes: NodeProto[] = [
      makeNode('MatMulInteger', [act.q, w.q, act.zp, w.zeroPoint], [integerOut], this.fresh(label, 'MatMulInteger')),
    ];
    const alpha = c.op === 'Gemm' ? attrFloat(c.node, 'alpha', 1) : 1;
    const base = c.weight.tensor.name || c.weight.name;
    const wScale =
      alpha === 1
        ? w.scale
        : this.ed.addInitializer(
            floatTensor(
              this.ed.fresh(`${base}_scale_alpha`),
              perChannel ? [w.quantized.params.length] : [],
              Float32Array.from(w.quantized.params, (p) => p.scale * alpha),
            ),
          );
    nodes.push(makeNode('Mul', [act.scale, wScale], [scaleOut], this.fresh(label, 'scale_Mul')));
    const bias = c.op === 'Gemm' ? this.gemmBias(c, label, nodes) : undefined;
    this.finish(c, label, nodes, integerOut, scaleOut, bias, 'MatMulInteger');
  }

  /** Gemm's C scaled by beta: as is, folded into a new constant, or multiplied at run time. */
  private gemmBias(c: Candidate, label: string, nodes: NodeProto[]): string | undefined {
    const cName = c.node.input?.[2];
    if (!cName) return undefined;
    const beta = attrFloat(c.node, 'beta', 1);
    if (beta === 1) return cName;
    const cw = resolveWeight(this.ed.index, cName);
    if (cw)
      return this.ed.addInitializer(
        floatTensor(
          this.ed.fresh(`${cName}_beta`),
          cw.dims,
          floatValues(cw.tensor).map((v) => v * beta),
        ),
      );
    const bias = this.fresh(label, 'bias_beta');
    const betaName = this.ed.addInitializer(floatTensor(this.ed.fresh(`${label}_beta`), [], Float32Array.of(beta)));
    nodes.push(makeNode('Mul', [cName, betaName], [bias], this.fresh(label, 'beta_Mul')));
    return bias;
  }

  /** Cast the int32 result to float, times the scales, plus the bias; the node's output name is kept. */
  private finish(
    c: Candidate,
    label: string,
    nodes: NodeProto[],
    integerOut: string,
    scaleOut: string,
    bias: string | undefined,
    integerOp: string,
  ): void {
    const out = c.node.output![0]!;
    const floatOut = this.fresh(label, 'float');
    nodes.push(makeNode('Cast', [integerOut], [floatOut], this.fresh(label, 'Cast'), { to: DataType.FLOAT }));
    if (bias) {
      const scaled = this.fresh(label, 'scaled');
      nodes.push(makeNode('Mul', [floatOut, scaleOut], [scaled], this.fresh(label, 'Mul')));
      nodes.push(makeNode('Add', [scaled, bias], [out], this.fresh(label, 'bias_Add')));
    } else nodes.push(makeNode('Mul', [floatOut, scaleOut], [out], this.fresh(label, 'Mul')));
    this.ed.replace(c.i, nodes);
    this.changes.push({ kind: 'replaced', node: label, detail: `${c.op} → ${integerOp} (dynamic int8)` });
  }

  private weight(
    c: Candidate,
    layout: 'gather' | 'conv' | 'T' | 'mm',
    values: Float32Array,
    dims: readonly number[],
    axis?: number,
  ) {
    return this.store.get({
      tensor: c.weight.tensor,
      layout,
      baseName: c.weight.tensor.name || c.weight.name,
      values,
      dims: [...dims],
      type: this.type,
      symmetric: this.symmetric,
      reduceRange: this.opts.reduceRange,
      ...(axis !== undefined ? { axis } : {}),
    });
  }

  private activation(x: string): QuantizedActivation {
    const hit = this.activations.get(x);
    if (hit) return hit;
    const made = {
      q: this.ed.fresh(`${x}_quantized`),
      scale: this.ed.fresh(`${x}_scale`),
      zp: this.ed.fresh(`${x}_zero_point`),
    };
    this.ed.insertAfterValue(x, [
      makeNode(
        'DynamicQuantizeLinear',
        [x],
        [made.q, made.scale, made.zp],
        this.ed.fresh(`${x}_DynamicQuantizeLinear`),
      ),
    ]);
    this.activations.set(x, made);
    return made;
  }

  private fresh(label: string, suffix: string): string {
    return this.ed.fresh(`${label}_${suffix}`);
  }
}
