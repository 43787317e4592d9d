/**
 * `optimize MODEL` with no transform named: try each candidate that fits the model (candidates.ts),
 * measure it against the original on the same inputs (outputs, A/B latency, size), and keep the best one
 * that passes the accuracy gate and is faster or smaller. Nothing is written here: the caller writes the
 * chosen model, so "nothing improved the model" leaves no file behind.
 */
import { CancelledError, throwIfCancelled } from '../cancel';
import type { ModelProto } from '../onnx/types';
import { runPipeline, type OptimizeStep, type PipelineResult } from '../transform/common/pipeline';
import { quantizeStep, type QuantizeOptions } from '../transform/quantize/quantize';
import { simplifyStep, type SimplifyTarget } from '../transform/simplify';
import { compare, type CompareOptions, type CompareReport } from '../verify/compare';
import type { ModelSource } from '../verify/modelSource';
import {
  classifierOutputs,
  decideVerdict,
  SPEED_TIE,
  verdictInput,
  type AccuracyGate,
  type Verdict,
} from '../verify/verdict';
import { modelToBuffer } from '../onnx/writeModel';
import { int8Coverage, optimizedOpCounts, type Int8Coverage } from '../verify/optimizedGraph';
import { planCandidates, type Candidate } from './candidates';

export interface AutoOptimizeOptions extends CompareOptions {
  readonly gate: AccuracyGate;
  /** Options every quantize candidate starts from (calibration inputs, selection, runtime). */
  readonly quantize?: Omit<QuantizeOptions, 'mode'>;
  /** Whether the candidates may use onnxruntime's contrib ops (simplify's attention fusion; default true). */
  readonly contribOps?: boolean;
  /** Called as each candidate starts (progress). */
  readonly onCandidate?: (c: Candidate, k: number, total: number) => void;
}

export interface CandidateResult {
  readonly candidate: Candidate;
  /** undefined when the transform left the model unchanged. */
  readonly pipeline?: PipelineResult;
  readonly report?: CompareReport;
  readonly verdict?: Verdict;
  /** Quantized candidates: how many Conv/MatMul kernels ORT's optimized graph runs in int8. */
  readonly coverage?: readonly Int8Coverage[];
  /** Why it was not measured: unchanged model, or the transform failed. */
  readonly skipped?: string;
}

export interface AutoOptimizeResult {
  readonly results: readonly CandidateResult[];
  /** Index into results of the model to keep; undefined when nothing improved the model. */
  readonly best?: number;
}

/** The settings each candidate's quantizer runs with (the defaults measured fastest on x86, DESIGN.md). */
export function candidateSteps(
  c: Candidate,
  base: Omit<QuantizeOptions, 'mode'>,
  target: SimplifyTarget = {},
): OptimizeStep[] {
  const steps = [simplifyStep({ dims: base.dims, inputShapes: base.inputShapes, ...target })];
  if (!c.quantize) return steps;
  const q: QuantizeOptions =
    c.quantize === 'static'
      ? {
          ...base,
          // Measured fastest on x86 (bench/optimize.bench.ts): per-channel int8 weights, Q/DQ on outputs
          // too so ORT fuses whole Conv(+Relu) chains, and at least 32 calibration samples.
          perChannel: true,
          quantizeOutputs: true,
          calibrationSamples: Math.max(32, base.calibrationSamples ?? 0),
          mode: 'static',
        }
      : { ...base, mode: c.quantize };
  return [...steps, quantizeStep(c.includeOps ? { ...q, includeOps: [...c.includeOps] } : q)];
}

/**
 * Whether `a` beats `b`: clearly faster wins; within the noise band of each other, the smaller file wins
 * (ppocr-rec: simplify 1.13× and "MatMul only" 1.10× faster are one speed, and the latter is 0.72× the size).
 */
function beats(a: CandidateResult, b: CandidateResult): boolean {
  const la = a.report?.latency;
  const lb = b.report?.latency;
  const ra = la?.ratio ?? 1;
  const rb = lb?.ratio ?? 1;
  const halfIqr = (l: typeof la): number => (l ? (l.spread[1] - l.spread[0]) / 2 : 0);
  // The verdict's own "same speed" band (or half either pair IQR, if wider): noise on a shared machine.
  const band = Math.max(SPEED_TIE, halfIqr(la), halfIqr(lb));
  if (Math.abs(ra - rb) > band) return ra < rb;
  const sa = a.report?.size.ratio ?? 1;
  const sb = b.report?.size.ratio ?? 1;
  return sa !== sb ? sa < sb : ra < rb;
}

/** Index of the best candidate that the verdict kept (better than the original), if any. */
export function pickBest(results: readonly CandidateResult[]): number | undefined {
  let best: number | undefined;
  results.forEach((r, i) => {
    if (r.verdict?.better && (best === undefined || beats(r, results[best]!))) best = i;
  });
  return best;
}

/** `original` is what the candidates are compared against (the file, so its size on disk counts). */
export async function autoOptimize(
  original: ModelSource,
  model: ModelProto,
  opts: AutoOptimizeOptions,
): Promise<AutoOptimizeResult> {
  const candidates = planCandidates(model, opts.runtime?.executionProvider);
  const results: CandidateResult[] = [];
  const classifiers = classifierOutputs(model);
  for (const [k, candidate] of candidates.entries()) {
    throwIfCancelled(opts.signal, 'optimize');
    opts.onCandidate?.(candidate, k, candidates.length);
    let pipeline: PipelineResult;
    try {
      pipeline = await runPipeline(
        model,
        candidateSteps(candidate, opts.quantize ?? {}, {
          executionProvider: opts.runtime?.executionProvider,
          contribOps: opts.contribOps,
        }),
        opts.signal,
      );
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      results.push({ candidate, skipped: `failed: ${(e as Error).message}` });
      continue;
    }
    if (pipeline.model === model) {
      results.push({ candidate, pipeline, skipped: 'left the model unchanged' });
      continue;
    }
    const report = await compare(original, pipeline.model, opts);
    const verdict = decideVerdict(verdictInput(report, classifiers), { gate: opts.gate, explicit: false });
    const coverage = candidate.quantize
      ? int8Coverage(await optimizedOpCounts(modelToBuffer(pipeline.model), opts.runtime))
      : undefined;
    results.push({ candidate, pipeline, report, verdict, ...(coverage ? { coverage } : {}) });
  }
  const best = pickBest(results);
  return best === undefined ? { results } : { results, best };
}
