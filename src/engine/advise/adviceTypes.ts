/**
 * What the advice engine produces: suggestions with the nodes they concern, the numbers behind them, an
 * estimated gain, a confidence, and an action the UI (or `onnx-tuner optimize`) can run as is.
 */
import type { QuantizeMode, QuantizeOptions } from '../transform/quantize/quantize';
import type { RuntimeSettings } from '../runtime/sessionOptions';

export type RuleId =
  | 'quantize-matmul'
  | 'quantize-conv'
  | 'no-vnni'
  | 'weight-compression'
  | 'exclude-error-layers'
  | 'activation-peak'
  | 'unfused-pattern'
  | 'cast-transpose-churn'
  | 'constant-subgraph'
  | 'dynamic-dims'
  | 'unused-sparsity';

export type Confidence = 'high' | 'medium' | 'low';

/**
 * A pre-filled optimize configuration: the JSON-safe subset of the optimize pipeline's options
 * (QuantizeOptions / SimplifyOptions; node exclusions as exact names rather than RegExps).
 */
export interface OptimizeConfig {
  readonly simplify?: boolean;
  readonly quantize?: Pick<
    QuantizeOptions,
    | 'reduceRange'
    | 'perChannel'
    | 'weightType'
    | 'blockSize'
    | 'includeOps'
    | 'excludeOps'
    | 'quantizeOutputs'
    | 'keepFp16Nodes'
  > & {
    readonly mode: QuantizeMode;
    /** Node names to keep float (become anchored RegExps for `excludeNodes`). */
    readonly excludeNodeNames?: readonly string[];
  };
  /** Values for symbolic dims used by simplify's shape folding and by the runtime. */
  readonly dims?: Readonly<Record<string, number>>;
}

/** How a suggestion is applied: a new model through the optimize pipeline, other runtime settings, or by hand. */
export type AdviceAction =
  | { readonly kind: 'optimize'; readonly config: OptimizeConfig; readonly cli: string }
  | { readonly kind: 'runtime'; readonly settings: RuntimeSettings; readonly cli: string }
  | { readonly kind: 'manual'; readonly instructions: string };

export interface EstimatedGain {
  /** Fraction of inference latency expected to be saved (0.3 = 30% faster); 0 when none. */
  readonly latencyFraction: number;
  /** Bytes of model file (weights) saved. */
  readonly bytesSaved: number;
  /** Bytes of peak activation memory that could be saved. */
  readonly memoryBytesSaved: number;
  /** Where the estimate comes from, in words. */
  readonly basis: string;
  /** The rule's own latency estimate when calibration shifted `latencyFraction` (calibration.ts). */
  readonly raw?: number;
}

export interface MeasuredGain {
  /** 1 − median(candidate)/median(original): the measured latency fraction saved (negative: slower). */
  readonly latencyFraction: number;
  readonly originalMs: number;
  readonly candidateMs: number;
  /** Half-width of the noise band of `latencyFraction`, from an A/A measurement in the same run. */
  readonly noise: number;
  /** Worst output cosine over the compared outputs and input sets. */
  readonly cosine: number;
  readonly maxAbsError: number;
  readonly sizeRatio: number;
  readonly runs: number;
}

export interface Suggestion {
  readonly rule: RuleId;
  readonly title: string;
  /** 'warning' entries tell what not to do (or what to watch for); 'note' ones are information only. */
  readonly severity: 'suggestion' | 'warning' | 'note';
  readonly nodes: readonly string[];
  /** The numbers behind the suggestion, by name. */
  readonly evidence: Readonly<Record<string, number | string>>;
  readonly detail: string;
  readonly estimated: EstimatedGain;
  readonly confidence: Confidence;
  readonly action: AdviceAction;
  /** Filled by trial mode. */
  readonly measured?: MeasuredGain;
  /** Why trial mode did not measure this one (not runnable, failed, ...). */
  readonly trialNote?: string;
  /** Trial mode: each variant of the action that was measured (the suggestion carries the best one). */
  readonly variants?: readonly VariantOutcome[];
}

/** One measured variant of a suggestion's action (e.g. static QDQ with and without Q/DQ on outputs). */
export interface VariantOutcome {
  readonly label: string;
  readonly cli: string;
  readonly measured?: MeasuredGain;
  readonly note?: string;
}

/**
 * One number to sort by: the fraction of latency saved, plus half the fraction of model bytes and of peak
 * activation memory saved (so int8 that is both faster and smaller outranks int4 that is only smaller).
 */
export function gainScore(g: EstimatedGain, modelBytes: number, peakBytes: number): number {
  const size = modelBytes > 0 ? g.bytesSaved / modelBytes : 0;
  const mem = peakBytes > 0 ? g.memoryBytesSaved / peakBytes : 0;
  return g.latencyFraction + 0.5 * Math.min(1, size) + 0.5 * Math.min(1, mem);
}
