/**
 * The webview's CompactGraph (src/protocol/webviewProtocol.ts) and the per-node details it pulls lazily, built
 * in a job process from a loaded model and its shape inference. Structure and types only: no weights, and
 * attribute values shortened to what a details panel shows.
 * The graph itself comes from the engine's compactGraph(); this file adds the details.
 */
import { dtypeName } from '../onnx/dtypes';
import { int64ToNumber } from '../onnx/int64';
import type { LoadedModel } from '../onnx/readModel';
import type { AttributeProto } from '../onnx/types';
import { compactGraphWithProtos } from './compactGraph';
import type { ShapeInference } from './shapeInference';
import type { CompactGraph, NodeDetails, TensorInfo } from '../../protocol/webviewProtocol';

/** Details without the measured fields; the host adds latency and memory from the current profile. */
export type StaticNodeDetails = Omit<NodeDetails, 'latencyMs' | 'memoryBytes'>;

const MAX_LIST = 16;
const decoder = new TextDecoder();

/** An attribute value as short text (AttributeProto.type: FLOAT=1, INT=2, STRING=3, TENSOR=4, GRAPH=5, lists 6–10). */
function attributeText(a: AttributeProto): string {
  const list = (xs: ArrayLike<number | bigint>): string => {
    const arr = Array.from(xs as ArrayLike<number>, (x) => String(x));
    return `[${arr.slice(0, MAX_LIST).join(', ')}${arr.length > MAX_LIST ? ', …' : ''}]`;
  };
  switch (a.type) {
    case 1:
      return String(a.f ?? 0);
    case 2:
      return String(int64ToNumber(a.i ?? 0));
    case 3:
      return JSON.stringify(decoder.decode(a.s ?? new Uint8Array()).slice(0, 200));
    case 4:
      return `tensor ${dtypeName(a.t?.data_type ?? 0)} [${(a.t?.dims ?? []).map((d) => int64ToNumber(d)).join(', ')}]`;
    case 5:
      return `graph '${a.g?.name ?? ''}' (${a.g?.node?.length ?? 0} nodes)`;
    case 6:
      return list(a.floats ?? []);
    case 7:
      return list((a.ints ?? []).map((v) => int64ToNumber(v)));
    case 8:
      return `[${(a.strings ?? []).map((s) => JSON.stringify(decoder.decode(s))).join(', ')}]`;
    default:
      return `(type ${a.type ?? '?'})`;
  }
}

export function buildCompactGraph(
  loaded: LoadedModel,
  shapes: ShapeInference | undefined,
): { graph: CompactGraph; details: StaticNodeDetails[] } {
  const info = (name: string): TensorInfo => {
    const t = shapes?.main.types.get(name);
    if (!t || !(t.dtype || t.shape)) return { name };
    return t.shape ? { name, dtype: dtypeName(t.dtype), shape: t.shape } : { name, dtype: dtypeName(t.dtype) };
  };
  const { graph, protos } = compactGraphWithProtos(loaded.proto, shapes?.main.types);
  const details: StaticNodeDetails[] = protos.map((n, i) => ({
    nodeId: i,
    attributes: (n.attribute ?? []).map((a) => ({ name: a.name ?? '', value: attributeText(a) })),
    inputs: (n.input ?? []).filter(Boolean).map(info),
    outputs: (n.output ?? []).filter(Boolean).map(info),
  }));
  return { graph, details };
}
