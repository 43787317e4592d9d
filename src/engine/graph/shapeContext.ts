/** What an operator's shape rule sees, and what it returns. */
import type { NodeProto } from '../onnx/types';
import type { Dim, ValueType } from './dims';

export interface OpContext {
  readonly node: NodeProto;
  /** Types of the node's inputs (UNKNOWN for missing optional inputs). */
  readonly inputs: readonly ValueType[];
  /** Whether input i is present (optional inputs may be ''). */
  has(i: number): boolean;
  /** The values of input i when known (constants, or shape values computed along the graph), flattened. */
  value(i: number): readonly Dim[] | undefined;
  /** The default-domain opset the model imports. */
  readonly opset: number;
}

export interface OpResult {
  readonly outputs: readonly ValueType[];
  /** Known values of outputs (only small integer tensors that describe shapes are tracked). */
  readonly values?: readonly (readonly Dim[] | undefined)[];
}

export type ShapeRule = (ctx: OpContext) => OpResult;

/** Normalises a possibly negative axis against a rank. */
export function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/** The value of input i as numbers, if every element is a known number. */
export function numbersOf(ctx: OpContext, i: number): number[] | undefined {
  const v = ctx.value(i);
  if (!v || !v.every((d) => typeof d === 'number')) return undefined;
  return v as number[];
}
