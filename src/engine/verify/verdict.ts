/**
 * The verdict on an optimized model: is it better than the original (faster or smaller) and accurate
 * enough (the accuracy gate)? A pure function of the measurements, so every branch is testable without
 * timing anything. One line for people ("2.4× faster, 0.26× size, min cosine 0.9991 — kept") and the
 * decision the CLI and the extension act on (write the file or not, which exit code).
 */
import type { ModelProto } from '../onnx/types';
import type { CompareReport } from './compare';

export interface AccuracyGate {
  /** Every output's worst-set cosine must reach this. Default 0.99. */
  readonly minCosine: number;
  /** Classifier-like outputs (argmax over the last axis): share of rows that must agree. Default 0.99. */
  readonly minArgmaxAgreement: number;
}

export const DEFAULT_GATE: AccuracyGate = { minCosine: 0.99, minArgmaxAgreement: 0.99 };

/**
 * Ratios inside this band count as "same speed": alternating A/B medians on a shared machine move a few
 * per cent between sessions (DESIGN.md), so a 2% win is not a win.
 */
export const SPEED_TIE = 0.05;

export interface VerdictInput {
  /** median(optimized) / median(original); undefined when latency was not measured. */
  readonly latencyRatio?: number;
  /** optimized bytes / original bytes. */
  readonly sizeRatio: number;
  readonly outputs: readonly {
    readonly name: string;
    readonly cosine: number;
    readonly argmaxAgreement?: number;
    readonly dims?: readonly number[];
    /**
     * The argmax gate applies to classifier outputs only (see `classifierOutputs`); when not given, to
     * rank-2 [batch, classes] outputs.
     */
    readonly classifier?: boolean;
  }[];
  /** Outputs present in only one model: the optimized model does not compute the same thing. */
  readonly unmatchedOutputs?: readonly string[];
}

export interface VerdictPolicy {
  readonly gate: AccuracyGate;
  /** The user asked for this transform by name: it is written even when worse (unless a requirement fails). */
  readonly explicit: boolean;
  /** `--require-faster`: an explicit transform that is not faster is not written. */
  readonly requireFaster?: boolean;
  /** `--min-cosine` given on the command line: an explicit transform below the gate is not written. */
  readonly enforceGate?: boolean;
}

export interface Verdict {
  /** The optimized model passes the gate and is faster or smaller. */
  readonly better: boolean;
  /** Whether the file should be (or stay) written. */
  readonly write: boolean;
  /** 0: written (better, or explicit and worse with a warning first); 3: nothing written. */
  readonly exitCode: 0 | 3;
  readonly faster: boolean;
  readonly slower: boolean;
  readonly smaller: boolean;
  readonly accurate: boolean;
  /** Why it is not better: "1.4× slower", "min cosine 0.64 < 0.99 (output 'y')", ... */
  readonly reasons: readonly string[];
  /** One line: measurements, then "— kept" / "— not kept" / "— written as asked, but ...". */
  readonly line: string;
}

const ratioText = (r: number): string => (r >= 10 ? r.toFixed(0) : r.toFixed(r >= 2 ? 1 : 2));

/** "2.4× faster" / "1.4× slower" / "same speed (1.02×)". */
export function speedText(ratio: number): string {
  if (ratio < 1 - SPEED_TIE) return `${ratioText(1 / ratio)}× faster`;
  if (ratio > 1 + SPEED_TIE) return `${ratioText(ratio)}× slower`;
  return `same speed (${ratio.toFixed(2)}×)`;
}

export function decideVerdict(m: VerdictInput, policy: VerdictPolicy): Verdict {
  const { gate } = policy;
  const reasons: string[] = [];
  const faster = m.latencyRatio !== undefined && m.latencyRatio < 1 - SPEED_TIE;
  const slower = m.latencyRatio !== undefined && m.latencyRatio > 1 + SPEED_TIE;
  // A size gain under 5% is not what anyone optimizes for.
  const smaller = m.sizeRatio < 0.95;
  // The worst output: a NaN cosine (NaN in the outputs) counts as worst of all.
  const worstCos = m.outputs.reduce<VerdictInput['outputs'][number] | undefined>(
    (w, o) => (!w || Number.isNaN(o.cosine) || (!Number.isNaN(w.cosine) && o.cosine < w.cosine) ? o : w),
    undefined,
  );
  const minCos = worstCos?.cosine ?? NaN;
  let accurate = m.outputs.length > 0 && !(m.unmatchedOutputs?.length ?? 0);
  if (m.outputs.length === 0) reasons.push('no output could be compared');
  if (m.unmatchedOutputs?.length) reasons.push(`outputs differ: ${m.unmatchedOutputs.join(', ')}`);
  // NaN cosine (a NaN in the outputs) fails the gate: `!(x >= gate)` rather than `x < gate`.
  if (worstCos && !(minCos >= gate.minCosine)) {
    accurate = false;
    reasons.push(`min cosine ${fmtCos(minCos)} < ${gate.minCosine} (output '${worstCos.name}')`);
  }
  for (const o of m.outputs) {
    // Maps and hidden states are not classifications: ppocr-det's saturated [1, 1, H, W] probabilities and a
    // BERT hidden state flip their row argmax on rounding noise (82% / 96% "agreement" at cosine ≥ 0.9995).
    const classifier = o.classifier ?? o.dims?.length === 2;
    if (classifier && o.argmaxAgreement !== undefined && !(o.argmaxAgreement >= gate.minArgmaxAgreement)) {
      accurate = false;
      reasons.push(
        `argmax agrees on ${(o.argmaxAgreement * 100).toFixed(1)}% < ${(gate.minArgmaxAgreement * 100).toFixed(1)}% (output '${o.name}')`,
      );
    }
  }
  if (slower) reasons.push(speedText(m.latencyRatio!));
  // Slower is never "better", whatever the size: the bar is "faster, or smaller at the same speed".
  const gain = !slower && (faster || smaller);
  if (!gain && !slower)
    reasons.push(m.latencyRatio === undefined ? 'not smaller (speed not measured)' : 'neither faster nor smaller');
  const better = accurate && gain;

  const parts: string[] = [];
  if (m.latencyRatio !== undefined) parts.push(speedText(m.latencyRatio));
  parts.push(`${m.sizeRatio.toFixed(2)}× size`);
  if (worstCos) parts.push(`min cosine ${fmtCos(minCos)}`);
  const measured = parts.join(', ');

  const refusedByRequirement = (policy.requireFaster === true && !faster) || (policy.enforceGate === true && !accurate);
  let write: boolean;
  let line: string;
  if (better && !refusedByRequirement) {
    write = true;
    line = `${measured} — kept`;
  } else if (policy.explicit && !refusedByRequirement) {
    write = true;
    line = `WORSE than the original: ${reasons.join('; ')} — written as asked (${measured})`;
  } else {
    write = false;
    const why = [...reasons];
    if (policy.requireFaster && !faster && !slower) why.push('not faster (--require-faster)');
    line = `${measured} — not kept: ${why.join('; ')}`;
  }
  return { better, write, exitCode: write ? 0 : 3, faster, slower, smaller, accurate, reasons, line };
}

/** A cosine as every verdict line writes it: 5 decimals near 1, else 4; NaN named. */
export function fmtCos(c: number): string {
  if (Number.isNaN(c)) return 'NaN';
  return c >= 0.999 ? c.toFixed(5) : c.toFixed(4);
}

/** Outputs that are classifications: produced by Softmax/LogSoftmax (ppocr-rec's per-step characters). */
export function classifierOutputs(model: ModelProto): Set<string> {
  const out = new Set<string>();
  const names = new Set((model.graph?.output ?? []).map((o) => o.name ?? ''));
  for (const n of model.graph?.node ?? [])
    if (/^(Log)?Softmax$/.test(n.op_type ?? '')) for (const y of n.output ?? []) if (names.has(y)) out.add(y);
  return out;
}

/** The verdict's input from a comparison report; `classifiers` from `classifierOutputs` of the original. */
export function verdictInput(report: CompareReport, classifiers?: ReadonlySet<string>): VerdictInput {
  return {
    latencyRatio: report.latency?.ratio,
    sizeRatio: report.size.ratio,
    outputs: report.outputs.map((o) => ({
      ...o,
      ...(classifiers ? { classifier: classifiers.has(o.name) || o.dims.length === 2 } : {}),
    })),
    unmatchedOutputs: report.unmatchedOutputs,
  };
}
