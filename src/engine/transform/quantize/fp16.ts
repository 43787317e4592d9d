/**
 * float16 conversion: float32 weights are stored as float16 and float ops compute in float16, except ops on
 * a block-list, which stay float32 behind Casts. Model inputs and outputs stay float32 by default (a Cast at
 * the boundary) so callers need not change. Each float tensor lives in the precision of its producer; a
 * consumer that needs the other precision reads one shared Cast of it, so adjacent float16 ops (or adjacent
 * float32 ops) never Cast back and forth.
 */
import {
  DataType,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from '../../onnx/types';
import type { GraphIndex } from '../../graph/graphIndex';
import { subgraphsOf } from '../../onnx/walk';
import { inferShapes } from '../../graph/shapeInference';
import { nodeLabel, type TransformChange, type TransformResult } from '../common/changes';
import { GraphEditor, makeNode } from '../common/graphEdit';
import { float16Tensor, floatToHalf, floatValues } from '../common/weights';
import { findQuantizedNodes } from './select';

/**
 * Ops kept in float32 by default. Ops without float16 kernels in onnxruntime's CPU provider or whose extra
 * inputs must stay float32 (Resize/Upsample scales, Range, TopK, NonMaxSuppression, CumSum, RoiAlign), the
 * classic ML ops (as onnxconverter-common's list), and reductions and powers that overflow float16's 65504
 * (Pow(x, 2) and ReduceMean of squares in decomposed LayerNorms; Softmax's Exp). BatchNormalization: ORT's
 * CPU float16 kernel gave cosine 0.31 against float32 on ppocr-det's head (measured, ORT 1.30).
 */
export const DEFAULT_FP32_OPS: readonly string[] = [
  'Resize',
  'Upsample',
  'Range',
  'TopK',
  'NonMaxSuppression',
  'CumSum',
  'RoiAlign',
  'RandomUniformLike',
  'RandomNormalLike',
  'Pow',
  'ReduceMean',
  'ReduceSum',
  'ReduceSumSquare',
  'ReduceL2',
  'ReduceLogSumExp',
  'Sqrt',
  'Exp',
  'Softmax',
  'LogSoftmax',
  'Einsum',
  'Loop',
  'If',
  'Scan',
  'BatchNormalization',
];

export interface Fp16Options {
  /** Keep model inputs and outputs float32 (Cast at the boundary). Default true. */
  readonly keepIO?: boolean;
  /** Ops that stay float32 (replaces the default list). */
  readonly fp32Ops?: readonly string[];
  /** Added to the block-list. */
  readonly extraFp32Ops?: readonly string[];
  /** Node names matching any of these stay float32. */
  readonly excludeNodes?: readonly RegExp[];
  /**
   * Only nodes whose name matches one of these compute in float16 ("Keep in fp16" next to int8, issue 18): the
   * rest of the model is left as it is, so it may already be quantized.
   */
  readonly onlyNodes?: readonly RegExp[];
  /** Nodes that compute in float32 but store their float weights as float16, read through a Cast to float32. */
  readonly halfWeightNodes?: readonly RegExp[];
}

type Precision = 'fp16' | 'fp32';

export function convertToFp16(model: ModelProto, opts: Fp16Options = {}): TransformResult {
  const already = opts.onlyNodes || opts.halfWeightNodes ? [] : findQuantizedNodes(model);
  if (already.length)
    return {
      model,
      changes: [{ kind: 'note', detail: `model is quantized (e.g. ${already[0]}); fp16 conversion skipped` }],
    };
  const graph = model.graph ?? {};
  if ((graph.node ?? []).some((n) => subgraphsOf(n).length > 0))
    return {
      model,
      changes: [{ kind: 'note', detail: 'models with If/Loop/Scan subgraphs are not converted to fp16 yet' }],
    };
  const keepIO = opts.keepIO ?? true;
  const blocked = new Set([...(opts.fp32Ops ?? DEFAULT_FP32_OPS), ...(opts.extraFp32Ops ?? [])]);
  const { main } = inferShapes(model);
  const isF32 = (name: string): boolean => main.types.get(name)?.dtype === DataType.FLOAT;
  const ed = new GraphEditor(graph);
  const idx = ed.index;
  const precision = choosePrecision(idx, isF32, blocked, opts.excludeNodes, opts.onlyNodes);
  const changes: TransformChange[] = [];
  const half = new HalfPrecisionRewriter(ed, precision, changes, keepIO);
  if (keepIO) half.castOutputsBack(isF32);

  let converted = 0;
  let weightOnly = 0;
  idx.nodes.forEach((n, i) => {
    const want = precision.get(i)!;
    const halfWeights = want === 'fp32' && (opts.halfWeightNodes?.some((r) => r.test(n.name ?? '')) ?? false);
    const inputs = (n.input ?? []).map((v) => {
      if (!v) return v;
      const c = idx.constants.get(v);
      const convertible = c?.data_type === DataType.FLOAT && !keepsFloat32(n, v);
      if (c && convertible && halfWeights) return half.constantReadAsFloat(v, c);
      if (c) return want === 'fp16' && convertible ? half.constant(v, c) : v;
      if (!isF32(v)) return v;
      return half.activation(v, want === 'fp16' && !keepsFloat32(n, v) ? 'fp16' : 'fp32');
    });
    const outputs = (n.output ?? []).map((o) => half.outputName(o));
    let node: NodeProto = { ...n, input: inputs, output: outputs };
    if (want === 'fp16') {
      converted++;
      node = retypeAttributes(node);
    } else if (inputs.some((v, k) => v !== n.input![k])) weightOnly++;
    if (
      inputs.some((v, k) => v !== n.input![k]) ||
      outputs.some((v, k) => v !== n.output![k]) ||
      node.attribute !== n.attribute
    )
      ed.replace(i, [node]);
  });
  if (converted === 0 && weightOnly === 0)
    return { model, changes: [{ kind: 'note', detail: 'no float32 computation to convert' }] };
  changes.push({
    kind: 'replaced',
    detail: `${converted} nodes compute in float16${weightOnly ? `, ${weightOnly} read float16 weights in float32` : ''}; ${idx.nodes.length - converted - weightOnly} stay as they were`,
  });
  // With `onlyNodes`, the other nodes were never asked for: only the asked-for ones blocked by op are listed.
  const asked = (n: NodeProto): boolean => !opts.onlyNodes || opts.onlyNodes.some((r) => r.test(n.name ?? ''));
  for (const [i, p] of precision)
    if (p === 'fp32' && blocked.has(idx.nodes[i]!.op_type ?? '') && asked(idx.nodes[i]!))
      changes.push({
        kind: 'skipped',
        node: nodeLabel(idx.nodes[i]!, i),
        detail: `${idx.nodes[i]!.op_type} kept float32`,
      });
  return { model: { ...model, graph: retypedGraph(ed, half, keepIO) }, changes };
}

/** Precision per node: fp16 unless blocked, outside the default domain, excluded, or touching no float32 tensor. */
function choosePrecision(
  idx: GraphIndex,
  isF32: (name: string) => boolean,
  blocked: ReadonlySet<string>,
  excludeNodes: readonly RegExp[] | undefined,
  onlyNodes: readonly RegExp[] | undefined,
): Map<number, Precision> {
  const precision = new Map<number, Precision>();
  idx.nodes.forEach((n, i) => {
    if (n.output?.every((o) => idx.constants.has(o))) {
      precision.set(i, 'fp32'); // Constant / Identity of a constant: its readers get a float16 copy
      return;
    }
    const touchesFloat = [...(n.input ?? []), ...(n.output ?? [])].some((v) => v && isF32(v));
    const isCastToFloat =
      n.op_type === 'Cast' && (n.attribute ?? []).some((a) => a.name === 'to' && Number(a.i) === DataType.FLOAT);
    const excluded =
      (excludeNodes?.some((r) => r.test(n.name ?? '')) ?? false) ||
      (onlyNodes !== undefined && !onlyNodes.some((r) => r.test(n.name ?? '')));
    const fp16 =
      (touchesFloat || isCastToFloat) && (n.domain ?? '') === '' && !blocked.has(n.op_type ?? '') && !excluded;
    precision.set(i, fp16 ? 'fp16' : 'fp32');
  });
  return precision;
}

/** The built graph with its float32 boundary types set to float16 where the boundary moved (keepIO off). */
function retypedGraph(ed: GraphEditor, half: HalfPrecisionRewriter, keepIO: boolean): GraphProto {
  const built = ed.build();
  const retype = (v: ValueInfoProto): ValueInfoProto =>
    v.type?.tensor_type?.elem_type === DataType.FLOAT
      ? { ...v, type: { ...v.type, tensor_type: { ...v.type.tensor_type, elem_type: DataType.FLOAT16 } } }
      : v;
  return {
    ...built,
    // Intermediate value_info would now state wrong types; ORT re-infers them.
    value_info: (built.value_info ?? []).filter((v) => v.type?.tensor_type?.elem_type !== DataType.FLOAT),
    input: keepIO ? built.input : built.input?.map(retype),
    output: keepIO
      ? built.output
      : built.output?.map((v) =>
          ed.index.producer.has(v.name ?? '') && half.home(v.name ?? '') === 'fp16' ? retype(v) : v,
        ),
  };
}

/**
 * Where each tensor lives and how readers get it in the other precision: float32 constants read by fp16 nodes
 * become float16 (in place, or a float16 copy when fp32 nodes read them too); an activation lives in its
 * producer's precision and a reader that needs the other one reads one shared Cast per tensor and direction.
 */
class HalfPrecisionRewriter {
  /** By tensor, not by name: tied weights reached through Identity aliases get one float16 copy, not one each. */
  private readonly constantHalf = new Map<TensorProto, string>();
  private readonly renamedOutputs = new Map<string, string>();
  private readonly casts = new Map<string, string>();

  constructor(
    private readonly ed: GraphEditor,
    private readonly precision: ReadonlyMap<number, Precision>,
    private readonly changes: TransformChange[],
    private readonly keepIO: boolean,
  ) {}

  /** Home precision of a tensor: its producer's; a graph input's is float32 unless the boundary moves. */
  home(t: string): Precision {
    const idx = this.ed.index;
    const p = idx.producer.get(t);
    if (p === undefined) return this.keepIO || !idx.graphInputs.has(t) ? 'fp32' : 'fp16';
    return this.precision.get(p)!;
  }

  /** The name a node writes for output `o` (an fp16-produced graph output is written as `<o>_fp16`). */
  outputName(o: string): string {
    return this.renamedOutputs.get(o) ?? o;
  }

  /** fp16-produced graph outputs: the node writes `<name>_fp16`, a Cast restores the float32 output name. */
  castOutputsBack(isF32: (name: string) => boolean): void {
    const idx = this.ed.index;
    for (const o of idx.graphOutputs) {
      const p = idx.producer.get(o);
      if (p === undefined || this.precision.get(p) !== 'fp16' || !isF32(o)) continue;
      const renamed = this.ed.fresh(`${o}_fp16`);
      this.renamedOutputs.set(o, renamed);
      this.ed.insertAfterValue(o, [
        makeNode('Cast', [renamed], [o], this.ed.fresh(`${o}_Cast_fp32`), { to: DataType.FLOAT }),
      ]);
      this.casts.set(`${o}|fp32`, o);
    }
  }

  /** The float16 version of constant `name`, made once. */
  constant(name: string, t: TensorProto): string {
    const hit = this.constantHalf.get(t);
    if (hit) return hit;
    const { ed } = this;
    const idx = ed.index;
    const fp32Readers = (idx.consumers.get(name) ?? []).some((c) => this.precision.get(c) === 'fp32');
    // In place only for an initializer nobody else needs in float32; Constant nodes become unused and are dropped.
    const inPlace = idx.initializers.has(name) && !fp32Readers && !idx.graphOutputs.has(name);
    const out = inPlace ? name : ed.fresh(`${name}_fp16`);
    const values = floatValues(t);
    const tensor = float16Tensor(out, (t.dims ?? []).map(Number), Uint16Array.from(values, floatToHalf));
    if (inPlace) ed.replaceInitializer(name, tensor);
    else ed.addInitializer(tensor);
    this.changes.push({
      kind: 'weight',
      tensor: name,
      detail: 'float32 → float16',
      bytesBefore: values.length * 4,
      bytesAfter: values.length * 2,
    });
    this.constantHalf.set(t, out);
    return out;
  }

  /**
   * A float16 copy of constant `name` behind a Cast back to float32, for a node that computes in float32 but
   * stores its weights in half the bytes (the copy is made once; the float32 original goes when unused).
   */
  constantReadAsFloat(name: string, t: TensorProto): string {
    const key = `${name}|weight-fp32`;
    const hit = this.casts.get(key);
    if (hit) return hit;
    const halfName = this.constant(name, t);
    const out = this.ed.fresh(`${name}_fp32`);
    this.ed.insertAfterValue(halfName, [
      makeNode('Cast', [halfName], [out], this.ed.fresh(`${name}_Cast_fp32`), { to: DataType.FLOAT }),
    ]);
    this.casts.set(key, out);
    return out;
  }

  /** Activation `t` in precision `want`: as produced, or through its one Cast to that precision. */
  activation(t: string, want: Precision): string {
    const homeName = this.outputName(t);
    if (this.home(t) === want) return homeName;
    const key = `${t}|${want}`;
    const hit = this.casts.get(key);
    if (hit) return hit;
    const out = this.ed.fresh(`${t}_${want}`);
    this.ed.insertAfterValue(t, [
      makeNode('Cast', [homeName], [out], this.ed.fresh(`${t}_Cast_${want}`), {
        to: want === 'fp16' ? DataType.FLOAT16 : DataType.FLOAT,
      }),
    ]);
    this.casts.set(key, out);
    return out;
  }
}

/** Inputs whose type the op fixes as float32 whatever T is (ONNX schemas: Resize scales/roi, Upsample scales). */
function keepsFloat32(n: NodeProto, input: string): boolean {
  const k = (n.input ?? []).indexOf(input);
  return (n.op_type === 'Resize' && (k === 1 || k === 2)) || (n.op_type === 'Upsample' && k === 1);
}

/** Attributes that name a float type or hold a float tensor (Cast to, ConstantOfShape value, Constant value). */
function retypeAttributes(n: NodeProto): NodeProto {
  if (!n.attribute?.length) return n;
  let changed = false;
  const attribute = n.attribute.map((a) => {
    if (n.op_type === 'Cast' && a.name === 'to' && Number(a.i) === DataType.FLOAT) {
      changed = true;
      return { ...a, i: DataType.FLOAT16 };
    }
    if ((n.op_type === 'ConstantOfShape' || n.op_type === 'Constant') && a.t?.data_type === DataType.FLOAT) {
      changed = true;
      const v = floatValues(a.t);
      return { ...a, t: float16Tensor(a.t.name ?? '', (a.t.dims ?? []).map(Number), Uint16Array.from(v, floatToHalf)) };
    }
    return a;
  });
  return changed ? { ...n, attribute } : n;
}
