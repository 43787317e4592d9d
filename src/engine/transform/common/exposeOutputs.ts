/**
 * A copy of a model that also returns chosen intermediate tensors as graph outputs, so onnxruntime can show
 * them (calibration reads activation ranges this way; verification compares layer by layer). Only float
 * tensors whose type shape inference knows are exposed: ORT needs each output's element type.
 */
import { inferShapes } from '../../graph/shapeInference';
import { DataType, type ModelProto, type ValueInfoProto } from '../../onnx/types';

export interface ExposedModel {
  readonly model: ModelProto;
  /** Element type of each exposed tensor. */
  readonly types: ReadonlyMap<string, number>;
  /** The tensors added as outputs (a subset of those asked for: float, typed, not already outputs). */
  readonly exposed: readonly string[];
}

/** Float tensors (float32 or float16) among `names` with their element type, from shape inference. */
export function floatTensorTypes(model: ModelProto, names: Iterable<string>): Map<string, number> {
  const { main } = inferShapes(model);
  const out = new Map<string, number>();
  for (const n of names) {
    const dt = main.types.get(n)?.dtype;
    if (dt === DataType.FLOAT || dt === DataType.FLOAT16) out.set(n, dt);
  }
  return out;
}

/**
 * `knownTypes` supplies element types where inference cannot tell (e.g. after com.microsoft ops), such as the
 * types of the same tensors in the float model a quantized one came from.
 */
export function withExtraOutputs(
  model: ModelProto,
  names: Iterable<string>,
  knownTypes?: ReadonlyMap<string, number>,
): ExposedModel {
  const graph = model.graph ?? {};
  const already = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  const inputs = new Set((graph.input ?? []).map((o) => o.name ?? ''));
  const produced = new Set((graph.node ?? []).flatMap((n) => n.output ?? []));
  const wanted = [...new Set(names)].filter((n) => n && !already.has(n) && !inputs.has(n) && produced.has(n));
  const types = floatTensorTypes(model, wanted);
  for (const n of wanted) {
    const t = knownTypes?.get(n);
    if (!types.has(n) && t !== undefined) types.set(n, t);
  }
  const extra: ValueInfoProto[] = [];
  for (const [name, dt] of types) extra.push({ name, type: { tensor_type: { elem_type: dt } } });
  return {
    types,
    model: { ...model, graph: { ...graph, output: [...(graph.output ?? []), ...extra] } },
    exposed: extra.map((v) => v.name!),
  };
}
