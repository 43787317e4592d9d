/**
 * Constant Reshape targets computed from shapes. Exporters often write `Reshape(x, Concat(Slice(Shape(x)),
 * …))` to keep some dims of x. ONNX Reshape already says "a 0 copies the input's dim at that position" (with
 * allowzero = 0) and "at most one -1 is inferred from the element count", so such a target is a constant:
 * entries taken from Shape(x) at their own position become 0, dims known from shape inference become
 * numbers, and a single remaining unknown becomes -1. The Shape/Slice/Concat chain then dies.
 */
import { attrInt, attrInts } from '../../graph/attributes';
import type { ValueType } from '../../graph/dims';
import type { Lookup } from '../../graph/scope';
import { tensorNumbers } from '../../graph/tensorData';
import type { GraphProto, NodeProto, TensorProto } from '../../onnx/types';
import { nodeLabel, type TransformChange } from '../common/changes';
import { int64Tensor } from '../common/weights';
import { freshName } from './graphEdit';

/** One element of a shape vector: a known number, "dim i of Shape(source)", or unknown. */
type Entry = { readonly value: number } | { readonly source: string; readonly dim: number } | null;

const INT_TYPES = new Set([6, 7]);

export function constantReshapeTargets(
  g: GraphProto,
  opset: number,
  types: Lookup<ValueType> | undefined,
  constant: (name: string) => TensorProto | undefined,
  taken: Set<string>,
  changes: TransformChange[],
): number {
  if (opset < 5) return 0;
  const producer = new Map<string, NodeProto>();
  for (const n of g.node ?? []) for (const o of n.output ?? []) if (o) producer.set(o, n);
  const sizeOf = (name: string): number | undefined => {
    const s = types?.get(name)?.shape;
    return s?.length === 1 && typeof s[0] === 'number' ? s[0] : undefined;
  };

  /** The entries of a 1-D int64/int32 value, traced back through shape plumbing; undefined if untraceable. */
  const entries = (name: string, depth = 0): Entry[] | undefined => {
    const c = constant(name);
    if (c) {
      const v = tensorNumbers(c, 64);
      return v?.map((value) => ({ value }));
    }
    const n = producer.get(name);
    if (!n || depth > 8 || ((n.domain ?? '') !== '' && n.domain !== 'ai.onnx')) return undefined;
    const ins = n.input ?? [];
    switch (n.op_type) {
      case 'Shape': {
        const shape = types?.get(ins[0] ?? '')?.shape;
        if (!shape || attrInt(n, 'start', 0) !== 0 || attrInts(n, 'end')) return undefined;
        return shape.map((d, dim) => (typeof d === 'number' ? { value: d } : { source: ins[0]!, dim }));
      }
      case 'Cast':
        return INT_TYPES.has(attrInt(n, 'to', 0)) ? entries(ins[0] ?? '', depth + 1) : undefined;
      case 'Slice': {
        const src = entries(ins[0] ?? '', depth + 1);
        const num = (k: number, attr: string): number[] | undefined =>
          opset >= 10 ? (ins[k] ? tensorNumbers(constant(ins[k]) ?? {}, 8) : undefined) : attrInts(n, attr);
        const starts = num(1, 'starts');
        const ends = num(2, 'ends');
        const axes = opset >= 10 ? (ins[3] ? num(3, 'axes') : [0]) : (attrInts(n, 'axes') ?? [0]);
        const steps = opset >= 10 && ins[4] ? num(4, '') : [1];
        if (!src || starts?.length !== 1 || ends?.length !== 1 || axes?.[0] !== 0 || steps?.[0] !== 1) return undefined;
        const r = src.length;
        const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
        return src.slice(clamp(starts[0]!), clamp(ends[0]!));
      }
      case 'Gather': {
        const src = entries(ins[0] ?? '', depth + 1);
        const idx = ins[1] ? tensorNumbers(constant(ins[1]) ?? {}, 8) : undefined;
        if (!src || !idx || attrInt(n, 'axis', 0) !== 0) return undefined;
        const picked = idx.map((i) => src[i < 0 ? i + src.length : i]);
        return picked.every((e) => e !== undefined) ? (picked as Entry[]) : undefined;
      }
      case 'Unsqueeze':
      case 'Squeeze':
      case 'Identity':
        return sizeOf(name) !== undefined || n.op_type === 'Identity' ? entries(ins[0] ?? '', depth + 1) : undefined;
      case 'Concat': {
        const parts = ins.map((i) => entries(i, depth + 1));
        return parts.every(Boolean) ? parts.flatMap((p) => p!) : undefined;
      }
      default:
        return undefined;
    }
  };

  let rewritten = 0;
  (g.node ?? []).forEach((n, idx) => {
    if (n.op_type !== 'Reshape' || !n.input?.[1] || constant(n.input[1]) || attrInt(n, 'allowzero', 0) !== 0) return;
    const x = n.input[0] ?? '';
    const list = entries(n.input[1]);
    if (!list) return;
    let unknown = 0;
    const values = list.map((e, pos) => {
      if (e && 'value' in e) return e.value;
      if (e && e.source === x && e.dim === pos) return 0;
      unknown++;
      return -1;
    });
    if (unknown > 1 || (unknown === 1 && values.filter((v) => v === -1).length > 1)) return;
    const name = freshName(taken, `${n.name || 'reshape'}_shape`);
    (g.initializer ??= []).push(int64Tensor(name, [values.length], values));
    n.input[1] = name;
    changes.push({
      kind: 'replaced',
      node: nodeLabel(n, idx),
      detail: `Reshape target computed from shapes → [${values.join(', ')}]`,
    });
    rewritten++;
  });
  return rewritten;
}
