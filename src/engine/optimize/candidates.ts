/**
 * Which transforms are worth trying on a model, from what its weights are spent on: dynamic int8 where
 * MatMul/Gemm hold the weights (transformers, MLPs), static QDQ int8 where Conv does (CNNs), weight-only
 * int4 where there are large MatMul weights, fp16 only where the execution provider runs fp16 natively
 * (the CPU EP upcasts, so fp16 is slower there), and simplify on its own always. A pure function of the
 * graph, so the choice is testable without running anything.
 */
import { indexGraph } from '../graph/graphIndex';
import type { ModelProto } from '../onnx/types';
import type { ExecutionProvider } from '../runtime/sessionOptions';
import { resolveWeight } from '../transform/common/weights';
import type { QuantizeMode } from '../transform/quantize/quantize';

export interface Candidate {
  /** Short name shown in the verdict table: 'simplify', 'dynamic int8', ... */
  readonly name: string;
  /** undefined: simplify only. */
  readonly quantize?: QuantizeMode;
  /** Why this candidate fits the model. */
  readonly why: string;
  /** Quantize only these op kinds (the others stay float): a per-kind variant. */
  readonly includeOps?: readonly string[];
}

/** Both kinds must hold at least this share of the weights for per-kind variants to be worth measuring. */
export const MIXED_MIN_SHARE = 0.2;

const CONV_OPS = ['Conv', 'ConvTranspose'];
const DENSE_OPS = ['MatMul', 'Gemm'];

export interface WeightProfile {
  /** Weight elements read by MatMul/Gemm. */
  readonly matmul: number;
  /** Weight elements read by Conv/ConvTranspose. */
  readonly conv: number;
  /** Weight elements in embedding tables (Gather). */
  readonly gather: number;
  /** The largest MatMul/Gemm weight (elements). */
  readonly largestMatmul: number;
}

export function weightProfile(model: ModelProto): WeightProfile {
  const idx = indexGraph(model.graph ?? {});
  let matmul = 0;
  let conv = 0;
  let gather = 0;
  let largestMatmul = 0;
  for (const node of idx.nodes) {
    const op = node.op_type ?? '';
    if ((node.domain ?? '') !== '') continue;
    const slot = op === 'Gather' ? 0 : 1;
    const w = resolveWeight(idx, node.input?.[slot]);
    if (!w) continue;
    const n = w.dims.reduce((a, b) => a * b, 1);
    if (op === 'MatMul' || op === 'Gemm') {
      matmul += n;
      largestMatmul = Math.max(largestMatmul, n);
    } else if (op === 'Conv' || op === 'ConvTranspose') conv += n;
    else if (op === 'Gather') gather += n;
  }
  return { matmul, conv, gather, largestMatmul };
}

/** int4 only pays where MatMul weights are big enough for memory traffic to dominate (≥ 1M elements). */
export const INT4_MIN_ELEMENTS = 1 << 20;

export function planCandidates(model: ModelProto, provider: ExecutionProvider = 'cpu'): Candidate[] {
  const p = weightProfile(model);
  const out: Candidate[] = [{ name: 'simplify', why: 'always: folds constants, Conv+BN, no-op nodes' }];
  const dense = p.matmul + p.gather;
  if (p.conv > 0)
    out.push({ name: 'static int8 (QDQ)', quantize: 'static', why: `Conv holds ${share(p.conv, p)} of the weights` });
  // Conv and MatMul kernels gain (or lose) differently from int8 on a given CPU: where both carry real weight,
  // each kind quantized alone is measured too, so a kind whose int8 kernel is slower here can stay float.
  const total = p.matmul + p.conv + p.gather;
  if (total > 0 && p.conv / total >= MIXED_MIN_SHARE && p.matmul / total >= MIXED_MIN_SHARE)
    out.push(
      {
        name: 'static int8 (Conv only)',
        quantize: 'static',
        includeOps: CONV_OPS,
        why: 'MatMul/Gemm stay float, in case their int8 kernels are slower here',
      },
      {
        name: 'static int8 (MatMul only)',
        quantize: 'static',
        includeOps: DENSE_OPS,
        why: 'Conv stays float, in case its int8 kernels are slower here',
      },
    );
  if (dense > 0 && dense >= p.conv)
    out.push({
      name: 'dynamic int8',
      quantize: 'dynamic',
      why: `MatMul/Gemm/Gather hold ${share(dense, p)} of the weights`,
    });
  if (p.largestMatmul >= INT4_MIN_ELEMENTS)
    out.push({
      name: 'int4 weights',
      quantize: 'int4',
      why: `MatMul weights up to ${(p.largestMatmul / 1e6).toFixed(1)}M elements`,
    });
  if (provider !== 'cpu') out.push({ name: 'fp16', quantize: 'fp16', why: `${provider} runs fp16 natively` });
  return out;
}

function share(n: number, p: WeightProfile): string {
  const total = p.matmul + p.conv + p.gather;
  return `${total ? Math.round((100 * n) / total) : 0}%`;
}
