/**
 * Quantization advice: which quantizer fits where the time goes (dynamic int8 for MatMul/Gemm, static QDQ
 * for Conv), whether this CPU can run int8 fast at all (VNNI), how many bytes int8/int4 weights save, and
 * which layers to leave float because their quantization error dominates.
 */
import { DataType, type NodeProto } from '../../onnx/types';
import { attrInt } from '../../graph/attributes';
import { tensorByteSize } from '../../graph/tensorData';
import { QUANTIZED_OPS } from '../../transform/quantize/select';
import type { Suggestion } from '../adviceTypes';
import { latencyShare, mib, pct, type AdviceContext } from '../adviceContext';
import { optimizeAction } from '../actions';
import { describeCpu, hasVnni } from '../cpuFeatures';

/** The weight slot of each op the quantizers handle (Gather reads its table in slot 0). */
const WEIGHT_SLOT: Record<string, number> = { MatMul: 1, Gemm: 1, Conv: 1, Gather: 0 };

/**
 * Kernel speed-ups assumed for estimates: DESIGN.md measured MatMul 4.7× faster with dynamic int8 on an
 * AVX-512 VNNI CPU, and a whole BERT-like encoder 2.05×; we assume 2.5× on the quantized kernels with VNNI
 * and 1.8× for QDQ Conv, and only 1.1× without VNNI (onnxruntime#17389: int8 can even be slower there).
 */
const SPEEDUP = { dynamicVnni: 2.5, staticVnni: 1.8, noVnni: 1.1 };

/** A dominance threshold: a quantizer is suggested when its ops take at least this share of the time. */
const DOMINANT_SHARE = 0.4;

export interface WeightNode {
  readonly name: string;
  readonly op: string;
  readonly weight: string;
  readonly bytes: number;
}

/** Main-graph nodes the quantizers handle that read a float32 constant weight. */
export function floatWeightNodes(ctx: AdviceContext): WeightNode[] {
  const out: WeightNode[] = [];
  ctx.index.nodes.forEach((n, i) => {
    const op = n.op_type ?? '';
    const slot = (n.domain ?? '') === '' ? WEIGHT_SLOT[op] : undefined;
    if (slot === undefined) return;
    const w = n.input?.[slot];
    const t = w ? ctx.index.constants.get(w) : undefined;
    if (!t || t.data_type !== DataType.FLOAT) return;
    out.push({ name: n.name || `${op}_${i}`, op, weight: w!, bytes: tensorByteSize(t) });
  });
  return out;
}

/** Whether some node is already quantized (QDQ, integer ops, int4 MatMulNBits). */
export function isQuantized(nodes: readonly NodeProto[]): boolean {
  return nodes.some((n) => QUANTIZED_OPS.has(n.op_type ?? '') || n.op_type === 'MatMulNBits');
}

function isDepthwise(ctx: AdviceContext, name: string): boolean {
  const node = ctx.index.nodes.find((n, i) => (n.name || `Conv_${i}`) === name);
  return node !== undefined && attrInt(node, 'group', 1) > 1;
}

function uniqueBytes(nodes: readonly WeightNode[]): number {
  const seen = new Map<string, number>();
  for (const n of nodes) seen.set(n.weight, n.bytes);
  return [...seen.values()].reduce((a, b) => a + b, 0);
}

export function quantizeOpsRule(ctx: AdviceContext): Suggestion[] {
  if (isQuantized(ctx.index.nodes)) return [];
  const weighted = floatWeightNodes(ctx);
  const mm = weighted.filter((n) => n.op === 'MatMul' || n.op === 'Gemm');
  // Depthwise convolutions are memory-bound and keep float activations under static QDQ (staticQdq.ts):
  // their time is not what int8 speeds up.
  const conv = weighted.filter((n) => n.op === 'Conv' && !isDepthwise(ctx, n.name));
  const mmShare = latencyShare(ctx, new Set(mm.map((n) => n.name)));
  const convShare = latencyShare(ctx, new Set(conv.map((n) => n.name)));
  const vnni = hasVnni(ctx.cpu);
  const out: Suggestion[] = [];
  const basis = (s: number, share: typeof mmShare): string =>
    `${pct(share.share)} of the ${share.source === 'profile' ? 'measured time' : 'FLOPs'} × (1 − 1/${s}) assumed kernel speed-up${vnni ? '' : ' (no VNNI)'}`;
  if (mmShare.share >= DOMINANT_SHARE && mmShare.share >= convShare.share) {
    const s = vnni ? SPEEDUP.dynamicVnni : SPEEDUP.noVnni;
    const bytes = uniqueBytes(mm);
    out.push({
      rule: 'quantize-matmul',
      title: 'Quantize MatMul/Gemm weights to int8 (dynamic)',
      severity: 'suggestion',
      nodes: mm.map((n) => n.name),
      evidence: {
        matmulShare: mmShare.share,
        shareSource: mmShare.source,
        matmulNodes: mm.length,
        weightBytes: bytes,
        cpu: describeCpu(ctx.cpu),
      },
      detail: `${mm.length} MatMul/Gemm nodes with constant weights take ${pct(mmShare.share)} of the ${mmShare.source === 'profile' ? 'measured time' : 'FLOPs'}; dynamic int8 (MatMulInteger → ORT's DynamicQuantizeMatMul) needs no calibration data.`,
      estimated: {
        latencyFraction: mmShare.share * (1 - 1 / s),
        bytesSaved: Math.round(bytes * 0.75),
        memoryBytesSaved: 0,
        basis: basis(s, mmShare),
      },
      confidence: vnni && mmShare.source === 'profile' ? 'high' : 'medium',
      action: optimizeAction({
        quantize: { mode: 'dynamic', includeOps: ['MatMul', 'Gemm'], ...(vnni ? {} : { reduceRange: true }) },
      }),
    });
  } else if (convShare.share >= DOMINANT_SHARE) {
    const s = vnni ? SPEEDUP.staticVnni : SPEEDUP.noVnni;
    const bytes = uniqueBytes(conv);
    out.push({
      rule: 'quantize-conv',
      title: 'Quantize Conv layers to int8 (static QDQ, per channel)',
      severity: 'suggestion',
      nodes: conv.map((n) => n.name),
      evidence: {
        convShare: convShare.share,
        shareSource: convShare.source,
        convNodes: conv.length,
        weightBytes: bytes,
        cpu: describeCpu(ctx.cpu),
      },
      detail: `${conv.length} Conv nodes (not depthwise) take ${pct(convShare.share)} of the ${convShare.source === 'profile' ? 'measured time' : 'FLOPs'}; static QDQ lets ORT run QLinearConv (dynamic ConvInteger is not fused and is usually slower). Calibrate with real inputs (--calib-inputs) for real activation ranges.`,
      estimated: {
        latencyFraction: convShare.share * (1 - 1 / s),
        bytesSaved: Math.round(bytes * 0.75),
        memoryBytesSaved: 0,
        basis: basis(s, convShare),
      },
      confidence: 'medium',
      // Simplify first (BatchNormalization folded into the Conv: a BN left between Q/DQ pairs stops ORT's
      // QLinearConv fusion, measured 2× slower on a ResNet-style net), then per-channel QDQ on every
      // quantizable op, outputs too so whole Conv(+Relu) chains fuse (as optimize's automatic choice);
      // trial mode also measures it with Q/DQ on inputs only (trialVariants.ts).
      action: optimizeAction({ simplify: true, quantize: { mode: 'static', perChannel: true, quantizeOutputs: true } }),
    });
  }
  return out;
}

/** Without VNNI/AMX, int8 GEMMs lose most of their edge (onnxruntime#17389): warn before anyone quantizes. */
export function noVnniRule(ctx: AdviceContext): Suggestion[] {
  if (hasVnni(ctx.cpu) || ctx.cpu.source === 'unknown') return [];
  const weighted = floatWeightNodes(ctx).filter((n) => n.op !== 'Gather');
  const share = latencyShare(ctx, new Set(weighted.map((n) => n.name)));
  if (!isQuantized(ctx.index.nodes) && share.share < DOMINANT_SHARE) return [];
  return [
    {
      rule: 'no-vnni',
      title: 'This CPU has no VNNI: int8 may be slower than fp32',
      severity: 'warning',
      nodes: weighted.map((n) => n.name),
      evidence: { cpu: describeCpu(ctx.cpu), source: ctx.cpu.source, quantizableShare: share.share },
      detail:
        'Without AVX512-VNNI, AVX-VNNI or AMX, onnxruntime computes u8·s8 products with AVX2 instructions that can saturate and run no faster than fp32 (microsoft/onnxruntime#17389). Quantize with reduce_range (7-bit weights) and measure, or stay fp32 on this CPU; the deployment CPU may differ.',
      estimated: { latencyFraction: 0, bytesSaved: 0, memoryBytesSaved: 0, basis: 'a warning: no gain claimed' },
      confidence: 'medium',
      action: optimizeAction({ quantize: { mode: 'dynamic', reduceRange: true, includeOps: ['MatMul', 'Gemm'] } }),
    },
  ];
}

/**
 * Weights far larger than the activations: the model's size (download, disk, RAM) is its weights, and int8
 * saves 3/4 of them, int4 (MatMulNBits, block 32 with one fp32 scale per block) about 84% of MatMul weights.
 */
export function weightCompressionRule(ctx: AdviceContext): Suggestion[] {
  if (isQuantized(ctx.index.nodes)) return [];
  const weighted = floatWeightNodes(ctx);
  const bytes = uniqueBytes(weighted);
  const act = ctx.cost.peak.activationBytes;
  if (bytes < 64 * 1024 || bytes < 4 * act) return [];
  const mmBytes = uniqueBytes(weighted.filter((n) => n.op === 'MatMul'));
  const int8Saved = Math.round(bytes * 0.75);
  // int4: 4 bits per weight plus a 4-byte scale per 32 weights = 0.625 bytes per 4-byte float.
  const int4Saved = Math.round(mmBytes * (1 - 0.625 / 4)) + Math.round((bytes - mmBytes) * 0.75);
  const useInt4 = mmBytes >= 0.5 * bytes;
  return [
    {
      rule: 'weight-compression',
      title: useInt4 ? 'Compress MatMul weights to int4 (others int8)' : 'Compress weights to int8',
      severity: 'suggestion',
      nodes: weighted.map((n) => n.name),
      evidence: {
        weightBytes: bytes,
        peakActivationBytes: act,
        weightToActivationRatio: act > 0 ? bytes / act : 'no activations', // JSON has no Infinity
        int8BytesSaved: int8Saved,
        int4BytesSaved: int4Saved,
      },
      detail: `Float weights (${mib(bytes)}) are ${act > 0 ? `${(bytes / act).toFixed(0)}×` : 'far above'} the activation peak (${mib(act)}): the model's footprint is its weights. int8 saves ${mib(int8Saved)}${useInt4 ? `, int4 MatMul weights ${mib(int4Saved)} (weight-only: check accuracy)` : ''}.`,
      estimated: {
        latencyFraction: 0,
        bytesSaved: useInt4 ? int4Saved : int8Saved,
        memoryBytesSaved: 0,
        basis: 'bytes of float32 weights × (1 − quantized bytes per weight / 4)',
      },
      confidence: 'high',
      action: optimizeAction({ quantize: useInt4 ? { mode: 'int4', blockSize: 32 } : { mode: 'dynamic' } }),
    },
  ];
}

/**
 * Layers whose quantization error dominates: from verify/localize's per-node SNR of the int8 model. Errors
 * propagate downstream, so a node's raw SNR blames every later node; its own contribution is the relative
 * noise power it adds, 10^(−SNRout/10) − 10^(−SNRin/10) (noise powers add when independent), with SNRin the
 * worst of its inputs (graph inputs are exact). A quantized node whose own SNR is ≥ 10 dB below the median
 * quantized node's stays float.
 */
export function excludeErrorLayersRule(ctx: AdviceContext): Suggestion[] {
  const errs = ctx.quantError;
  if (!errs?.length) return [];
  const snrByTensor = new Map(errs.map((e) => [e.tensor, e.snrDb]));
  const noise = (snrDb: number): number => 10 ** (-snrDb / 10);
  const own = errs.map((e) => {
    const node = ctx.index.nodes[ctx.index.producer.get(e.tensor) ?? -1];
    const inSnr = Math.min(200, ...(node?.input ?? []).map((i) => snrByTensor.get(i) ?? 200));
    const added = Math.max(1e-20, noise(e.snrDb) - noise(inSnr));
    return { e, ownSnrDb: -10 * Math.log10(added) };
  });
  const weighted = new Set(floatWeightNodes(ctx).map((n) => n.name));
  const quantized = own.filter((d) => weighted.has(d.e.node)).sort((a, b) => a.ownSnrDb - b.ownSnrDb);
  if (quantized.length < 3) return []; // a median of two says nothing
  const median = quantized[Math.floor(quantized.length / 2)]!.ownSnrDb;
  const worst = quantized.filter((d) => d.ownSnrDb <= median - 10).slice(0, 5);
  if (!worst.length) return [];
  const names = worst.map((d) => d.e.node);
  const hasConv = worst.some((d) => d.e.op === 'Conv');
  return [
    {
      rule: 'exclude-error-layers',
      title: `Keep ${names.length} layer(s) float: their int8 error dominates`,
      severity: 'suggestion',
      nodes: names,
      evidence: Object.fromEntries([
        ['medianOwnSnrDb', median],
        ['quantizedNodes', quantized.length],
        ...worst.map((d) => [`ownSnrDb:${d.e.node}`, d.ownSnrDb] as const),
        ...worst.map((d) => [`outputSnrDb:${d.e.node}`, d.e.snrDb] as const),
      ]),
      detail: `With dynamic int8, ${names.join(', ')} add noise at ${worst.map((d) => `${d.ownSnrDb.toFixed(1)} dB`).join(', ')} SNR against a median of ${median.toFixed(1)} dB over ${quantized.length} quantized nodes (verify/localize on synthesised inputs). Leaving them float recovers most of the accuracy for little speed.`,
      estimated: {
        latencyFraction: 0,
        bytesSaved: 0,
        memoryBytesSaved: 0,
        basis: 'accuracy, not speed: the SNR these nodes lose',
      },
      // Conv layers are deployed with static QDQ (dynamic ConvInteger is slow and coarse): exclude there.
      confidence: hasConv ? 'low' : 'medium',
      // With Conv: the same simplify + QDQ as quantize-conv's action, minus these layers.
      action: optimizeAction({
        ...(hasConv ? { simplify: true } : {}),
        quantize: hasConv
          ? { mode: 'static', perChannel: true, quantizeOutputs: true, excludeNodeNames: names }
          : { mode: 'dynamic', excludeNodeNames: names },
      }),
    },
  ];
}
