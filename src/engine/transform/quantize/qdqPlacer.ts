/**
 * Places the nodes of static QDQ quantization (staticQdq.ts decides which nodes): one
 * QuantizeLinear → DequantizeLinear pair per calibrated activation (every reader then reads the dequantized
 * copy, so the producer's only consumer is the Q node, as ORT's QDQ selectors require to fuse), int8 weights
 * behind a DequantizeLinear (shared by the nodes that share the weight), and int32 biases with scale
 * x_scale · w_scale. Node inputs are rewritten at the end (`apply`), all at once.
 */
import { DataType, type NodeProto } from '../../onnx/types';
import type { TransformChange } from '../common/changes';
import { makeNode, type GraphEditor } from '../common/graphEdit';
import {
  floatTensor,
  floatValues,
  int8Tensor,
  rawTensor,
  resolveWeight,
  uint8Tensor,
  type ResolvedWeight,
} from '../common/weights';
import type { TensorRange } from './calibrate';
import { quantParams, roundHalfEven, type QuantParams, type QuantType } from './quantMath';
import { QuantizedWeightStore, type StoredWeight } from './weightStore';

export interface QdqOptions {
  readonly activationType: QuantType;
  readonly reduceRange?: boolean;
  /** com.microsoft below opset 13 (per-axis scales), else the ONNX domain. */
  readonly domain?: string;
}

export class QdqPlacer {
  private readonly store: QuantizedWeightStore;
  private readonly newInputs = new Map<number, string[]>();
  private readonly activationParams = new Map<string, QuantParams>();
  private readonly weightDq = new Map<StoredWeight, string>();

  constructor(
    private readonly ed: GraphEditor,
    private readonly changes: TransformChange[],
    private readonly ranges: ReadonlyMap<string, TensorRange>,
    private readonly opts: QdqOptions,
  ) {
    this.store = new QuantizedWeightStore(ed, changes);
  }

  /** The quantization of an activation already given a pair, if any. */
  known(t: string): QuantParams | undefined {
    return this.activationParams.get(t);
  }

  /** A Q→DQ pair on `t` (once), its readers rewired to the DQ output; undefined when `t` has no range. */
  activation(t: string): QuantParams | undefined {
    const known = this.activationParams.get(t);
    if (known) return known;
    const r = this.ranges.get(t);
    if (!r || !Number.isFinite(r.min) || !Number.isFinite(r.max)) return undefined;
    const { ed } = this;
    const type = this.opts.activationType;
    const p = quantParams(r.min, r.max, type, type === 'int8', this.opts.reduceRange);
    const scale = ed.addInitializer(floatTensor(ed.fresh(`${t}_scale`), [], Float32Array.of(p.scale)));
    const zpName = ed.fresh(`${t}_zero_point`);
    ed.addInitializer(
      type === 'int8'
        ? int8Tensor(zpName, [], Int8Array.of(p.zeroPoint))
        : uint8Tensor(zpName, [], Uint8Array.of(p.zeroPoint)),
    );
    const q = ed.fresh(`${t}_QuantizeLinear_Output`);
    const dq = ed.fresh(`${t}_DequantizeLinear_Output`);
    ed.insertAfterValue(t, [
      this.node('QuantizeLinear', [t, scale, zpName], q, `${t}_QuantizeLinear`),
      this.node('DequantizeLinear', [q, scale, zpName], dq, `${t}_DequantizeLinear`),
    ]);
    for (const c of ed.index.consumers.get(t) ?? []) {
      const list = this.inputsOf(c);
      list.forEach((name, k) => {
        if (name === t) list[k] = dq;
      });
    }
    this.activationParams.set(t, p);
    this.changes.push({
      kind: 'inserted',
      tensor: t,
      detail: `QuantizeLinear/DequantizeLinear ${type} scale ${p.scale.toPrecision(4)} zp ${p.zeroPoint}`,
    });
    return p;
  }

  /** Node `i` reads its weight (input 1) as int8 behind a DequantizeLinear (per channel along `axis`). */
  weight(i: number, weight: ResolvedWeight, axis: number | undefined): StoredWeight {
    const w = this.store.get({
      tensor: weight.tensor,
      layout: `qdq${axis ?? ''}`,
      baseName: weight.name,
      values: floatValues(weight.tensor),
      dims: weight.dims,
      type: 'int8',
      symmetric: true,
      axis,
      reduceRange: this.opts.reduceRange,
    });
    let out = this.weightDq.get(w);
    if (!out) {
      out = this.ed.fresh(`${weight.name}_DequantizeLinear_Output`);
      this.ed.insertAfterValue(weight.name, [
        this.node(
          'DequantizeLinear',
          [w.q, w.scale, w.zeroPoint],
          out,
          `${weight.name}_DequantizeLinear`,
          axis === undefined ? {} : { axis },
        ),
      ]);
      this.weightDq.set(w, out);
    }
    this.inputsOf(i)[1] = out;
    return w;
  }

  /**
   * Node `node` (at `i`) reads its float bias (input 2) as int32 with scale x_scale · w_scale (per channel when
   * the weight is), zero point 0 — when the bias is a 1-D float constant that matches the weight's channels.
   */
  bias(i: number, node: NodeProto, xp: QuantParams, w: StoredWeight, axis: number | undefined): void {
    const b = node.input?.[2];
    const bw = b ? resolveWeight(this.ed.index, b) : undefined;
    if (!b || !bw || bw.tensor.data_type !== DataType.FLOAT || bw.dims.length !== 1) return;
    if (axis !== undefined && bw.dims[0] !== w.quantized.params.length) return;
    const { ed } = this;
    const bv = floatValues(bw.tensor);
    const scales = Float32Array.from(bv, (_, c) =>
      Math.fround(xp.scale * w.quantized.params[axis === undefined ? 0 : c]!.scale),
    );
    const q = Int32Array.from(bv, (v, c) => Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, roundHalfEven(v / scales[c]!))));
    const qName = ed.addInitializer(
      rawTensor(ed.fresh(`${b}_quantized`), bw.dims, DataType.INT32, new Uint8Array(q.buffer)),
    );
    const sName = ed.addInitializer(
      floatTensor(
        ed.fresh(`${b}_scale`),
        axis === undefined ? [] : [bv.length],
        axis === undefined ? Float32Array.of(scales[0]!) : scales,
      ),
    );
    const out = ed.fresh(`${b}_DequantizeLinear_Output`);
    ed.insertAfterValue(b, [
      this.node(
        'DequantizeLinear',
        [qName, sName],
        out,
        `${b}_DequantizeLinear`,
        axis === undefined ? {} : { axis: 0 },
      ),
    ]);
    this.inputsOf(i)[2] = out;
  }

  /** Rewrites every node whose inputs changed. */
  apply(): void {
    for (const [i, inputs] of this.newInputs) this.ed.replace(i, [{ ...this.ed.index.nodes[i]!, input: inputs }]);
  }

  private inputsOf(i: number): string[] {
    let list = this.newInputs.get(i);
    if (!list) this.newInputs.set(i, (list = [...(this.ed.index.nodes[i]!.input ?? [])]));
    return list;
  }

  private node(
    op: string,
    inputs: string[],
    output: string,
    name: string,
    attrs: Record<string, number> = {},
  ): NodeProto {
    return makeNode(op, inputs, [output], this.ed.fresh(name), attrs, this.opts.domain);
  }
}
