/** Exposes every node output of the main graph as a model output, so ORT reports each intermediate shape. */
import type { ModelProto } from '../../src/engine/onnx/types';

export function withAllOutputs(model: ModelProto): ModelProto {
  const g = model.graph!;
  const existing = new Set((g.output ?? []).map((o) => o.name));
  const extra = (g.node ?? [])
    .filter((n) => n.op_type !== 'Constant')
    .flatMap((n) => n.output ?? [])
    .filter((o) => o && !existing.has(o));
  return { ...model, graph: { ...g, output: [...(g.output ?? []), ...extra.map((name) => ({ name }))] } };
}
