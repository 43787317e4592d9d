/**
 * Why a quantizer found nothing to quantize, in words a user can act on: "no node to quantize" alone leaves
 * them guessing (an fp16 model, weights computed at run time, ops the mode does not cover ...).
 */
import { DataType, type TensorProto } from '../../onnx/types';

export type SkipReason = 'float16' | 'other-dtype' | 'computed' | 'both-constant' | 'runtime-bias' | 'shape';

const WORDS: Record<SkipReason, string> = {
  float16: 'have float16 weights (int8 starts from float32 weights; this model is already half precision)',
  'other-dtype': 'have weights that are not float32',
  computed: 'take their weight from another node at run time, not from a constant',
  'both-constant': 'have only constant inputs (constant folding removes them: try --simplify)',
  'runtime-bias': 'add a bias computed at run time',
  shape: 'have a layout the quantizer does not cover (1-D MatMul weight, transposed Gemm input)',
};

/** The weight's dtype as a skip reason, or undefined for float32. */
export function dtypeReason(t: TensorProto): SkipReason | undefined {
  if (t.data_type === DataType.FLOAT) return undefined;
  return t.data_type === DataType.FLOAT16 ? 'float16' : 'other-dtype';
}

/** Counts the nodes of the covered op types that were passed over, and why. */
export class SkipTally {
  private readonly counts = new Map<SkipReason, number>();
  private considered = 0;

  /** A node of a covered op type; `reason` when it cannot be quantized. */
  add(reason?: SkipReason): void {
    this.considered++;
    if (reason) this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
  }

  /**
   * "no node to quantize (dynamic): of the 14 MatMul/Gemm nodes, 14 have float16 weights (...)"; `deselected`
   * are the reasons the node selection gave (--exclude-op, --min-weight ...), one per node it left out.
   */
  explain(mode: string, ops: readonly string[], deselected: readonly string[] = []): string {
    const opList = ops.join('/');
    if (this.considered === 0) return `no node to quantize (${mode}): the model has no ${opList} node`;
    const selection = new Map<string, number>();
    for (const d of deselected) selection.set(d, (selection.get(d) ?? 0) + 1);
    const why = [
      ...[...this.counts].sort((a, b) => b[1] - a[1]).map(([reason, n]) => `${n} ${WORDS[reason]}`),
      ...[...selection].map(([reason, n]) => `${n} left out by the selection (${reason})`),
    ].join('; ');
    return `no node to quantize (${mode}): of the ${this.considered} ${opList} node(s), ${why || 'none was selected (see --include-op, --exclude-op, --min-weight)'}`;
  }
}

/** The details of the nodes a quantizer's selection skipped, for explain(). */
export function skippedDetails(changes: readonly { readonly kind: string; readonly detail: string }[]): string[] {
  return changes.filter((c) => c.kind === 'skipped').map((c) => c.detail);
}
