/**
 * What a transform did, as data: every transform is a pure function `model → {model, changes}` that never
 * mutates its input, and the change list is what the CLI prints and the report records.
 */
import type { ModelProto } from '../../onnx/types';

export type ChangeKind =
  /** A node was replaced by an equivalent sub-graph (e.g. MatMul → DynamicQuantizeLinear + MatMulInteger). */
  | 'replaced'
  /** A weight was re-encoded (int8, fp16, int4 ...). */
  | 'weight'
  /** Nodes were inserted (Q/DQ pairs, Casts). */
  | 'inserted'
  /** Nodes or initializers were removed. */
  | 'removed'
  /** A candidate was left alone, with the reason. */
  | 'skipped'
  /** Something the user should know (e.g. the model is already quantized). */
  | 'note'
  /** A rewrite that changed the model's outputs was reverted (simplify's checked passes). */
  | 'undone'
  /** What was asked for cannot run as asked, and something that can was done instead (keep in fp16 → float). */
  | 'fallback';

export interface TransformChange {
  readonly kind: ChangeKind;
  /** Node name (or op type + index when unnamed) the change is about. */
  readonly node?: string;
  /** Tensor name the change is about. */
  readonly tensor?: string;
  readonly detail: string;
  /** Bytes before/after for weight changes. */
  readonly bytesBefore?: number;
  readonly bytesAfter?: number;
}

export interface TransformResult {
  readonly model: ModelProto;
  readonly changes: readonly TransformChange[];
}

/** A short human summary: counts per kind, and the byte saving of weight changes. */
export function summarizeChanges(changes: readonly TransformChange[]): string {
  const counts = new Map<ChangeKind, number>();
  let before = 0;
  let after = 0;
  for (const c of changes) {
    counts.set(c.kind, (counts.get(c.kind) ?? 0) + 1);
    before += c.bytesBefore ?? 0;
    after += c.bytesAfter ?? 0;
  }
  const parts = [...counts].map(([k, n]) => `${n} ${k}`);
  if (before > 0) parts.push(`weights ${(before / 2 ** 20).toFixed(2)} → ${(after / 2 ** 20).toFixed(2)} MiB`);
  return parts.join(', ') || 'no changes';
}

/** The summary, then each undone rewrite in full (what the extension shows per step: never a silent revert). */
export function describeStep(changes: readonly TransformChange[]): string {
  const undone = changes.filter((c) => c.kind === 'undone' || c.kind === 'fallback').map((c) => c.detail);
  return [summarizeChanges(changes), ...undone].join('; ');
}

/** A node's display name: its name, or `op#index` when the exporter left it empty. */
export function nodeLabel(node: { name?: string; op_type?: string }, index: number): string {
  return node.name || `${node.op_type ?? 'node'}#${index}`;
}
