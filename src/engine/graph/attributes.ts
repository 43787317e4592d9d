/** Typed reads of node attributes with defaults (ONNX operator specs give each attribute's default). */
import { int64ToNumber } from '../onnx/int64';
import type { AttributeProto, GraphProto, NodeProto, TensorProto } from '../onnx/types';

function find(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute?.find((a) => a.name === name);
}

export function attrInt(node: NodeProto, name: string, fallback: number): number {
  const a = find(node, name);
  return a?.i !== undefined ? int64ToNumber(a.i) : fallback;
}

export function attrInts(node: NodeProto, name: string): number[] | undefined {
  const a = find(node, name);
  return a?.ints ? a.ints.map(int64ToNumber) : undefined;
}

export function attrFloat(node: NodeProto, name: string, fallback: number): number {
  return find(node, name)?.f ?? fallback;
}

export function attrFloats(node: NodeProto, name: string): number[] | undefined {
  const f = find(node, name)?.floats;
  return f ? Array.from(f) : undefined;
}

export function attrString(node: NodeProto, name: string, fallback: string): string {
  const s = find(node, name)?.s;
  return s ? Buffer.from(s.buffer, s.byteOffset, s.byteLength).toString('utf8') : fallback;
}

export function attrTensor(node: NodeProto, name: string): TensorProto | undefined {
  return find(node, name)?.t;
}

export function attrGraph(node: NodeProto, name: string): GraphProto | undefined {
  return find(node, name)?.g;
}
