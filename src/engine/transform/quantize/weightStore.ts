/**
 * Quantized weights added to a graph once each: a weight shared by several nodes (the same tensor object,
 * e.g. tied through Identity) and wanted in the same layout is quantized and stored once. Records a
 * 'weight' change with the byte saving.
 */
import { DataType, type TensorProto } from '../../onnx/types';
import type { TransformChange } from '../common/changes';
import type { GraphEditor } from '../common/graphEdit';
import { floatTensor, int8Tensor, uint8Tensor } from '../common/weights';
import { quantizeWeight, type QuantType, type QuantizedWeight } from './quantMath';

export interface StoredWeight {
  readonly q: string;
  readonly scale: string;
  readonly zeroPoint: string;
  readonly quantized: QuantizedWeight;
}

export interface WeightRequest {
  /** The original tensor (identity key) and a layout tag (e.g. 'T' when transposed). */
  readonly tensor: TensorProto;
  readonly layout: string;
  readonly baseName: string;
  readonly values: Float32Array;
  readonly dims: readonly number[];
  readonly type: QuantType;
  readonly symmetric: boolean;
  readonly axis?: number;
  readonly reduceRange?: boolean;
  /** Shape to store scale and zero point with (default: [] per tensor, [channels] per channel). */
  readonly paramDims?: readonly number[];
}

export class QuantizedWeightStore {
  private readonly cache = new Map<TensorProto, Map<string, StoredWeight>>();

  constructor(
    private readonly editor: GraphEditor,
    private readonly changes: TransformChange[],
  ) {}

  get(req: WeightRequest): StoredWeight {
    const key = `${req.layout}|${req.type}|${req.symmetric}|${req.axis ?? ''}|${(req.paramDims ?? []).join(',')}`;
    let byLayout = this.cache.get(req.tensor);
    if (!byLayout) this.cache.set(req.tensor, (byLayout = new Map()));
    const hit = byLayout.get(key);
    if (hit) return hit;
    const qw = quantizeWeight(req.values, req.dims, req.type, req.symmetric, {
      axis: req.axis,
      reduceRange: req.reduceRange,
    });
    const e = this.editor;
    const q = e.fresh(`${req.baseName}_quantized`);
    const scale = e.fresh(`${req.baseName}_scale`);
    const zeroPoint = e.fresh(`${req.baseName}_zero_point`);
    const pDims = req.paramDims ?? (req.axis === undefined ? [] : [qw.params.length]);
    e.addInitializer(
      req.type === 'int8'
        ? int8Tensor(q, req.dims, qw.data as Int8Array)
        : uint8Tensor(q, req.dims, qw.data as Uint8Array),
    );
    e.addInitializer(
      floatTensor(
        scale,
        pDims,
        Float32Array.from(qw.params, (p) => p.scale),
      ),
    );
    const zp = qw.params.map((p) => p.zeroPoint);
    e.addInitializer(
      req.type === 'int8'
        ? int8Tensor(zeroPoint, pDims, Int8Array.from(zp))
        : uint8Tensor(zeroPoint, pDims, Uint8Array.from(zp)),
    );
    const stored = { q, scale, zeroPoint, quantized: qw };
    byLayout.set(key, stored);
    this.changes.push({
      kind: 'weight',
      tensor: req.tensor.name ?? req.baseName,
      detail: `${req.type} ${req.symmetric ? 'symmetric' : 'asymmetric'} ${req.axis === undefined ? 'per-tensor' : `per-channel (axis ${req.axis})`}`,
      bytesBefore: req.values.length * (req.tensor.data_type === DataType.FLOAT16 ? 2 : 4),
      bytesAfter: req.values.length + qw.params.length * 5,
    });
    return stored;
  }
}
