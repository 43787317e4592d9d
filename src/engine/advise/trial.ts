/**
 * Trial mode: apply the top suggestions, one at a time, to a temporary copy of the model and measure what
 * they give — latency side by side with the original (alternating runs, thread-pool spinning off, see
 * verify/latency.ts) and output error on the same inputs — then rank by measured gain. A suggestion with
 * variants (trialVariants.ts) has each variant measured and carries the best one. The noise band comes
 * from an A/A measurement (the original against itself) in the same run. The input file is never touched;
 * the temporary folder is removed whatever happens (success, error, cancel).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as ort from 'onnxruntime-node';
import { throwIfCancelled } from '../cancel';
import type { ModelProto } from '../onnx/types';
import { modelToBuffer, writeModel } from '../onnx/writeModel';
import type { RuntimeSettings } from '../runtime/sessionOptions';
import { runPipeline } from '../transform/common/pipeline';
import { adaptFeeds, synthesizeFeeds, type FeedExtras, type Feeds } from '../verify/feeds';
import { measureAB, type LatencyComparison } from '../verify/latency';
import { createSession } from '../verify/modelSource';
import { mergeMetrics, tensorMetrics, tensorValues, type TensorMetrics } from '../verify/outputMetrics';
import { stepsFromConfig } from './actions';
import type { MeasuredGain, Suggestion } from './adviceTypes';
import { rankByTrials } from './trialScore';
import { pickVariant, variantsOf } from './trialVariants';

export { measuredScore, measuredSlower, rankByTrials } from './trialScore';

export interface TrialOptions {
  /** How many of the top runnable suggestions to try (default 3). */
  readonly top?: number;
  /** Measured alternating runs per A/B pair (default 20) and warm-up runs (default 3). */
  readonly runs?: number;
  readonly warmupRuns?: number;
  /** Runtime settings of the original (the candidate adds a runtime suggestion's settings). */
  readonly runtime?: RuntimeSettings;
  readonly dims?: Readonly<Record<string, number>>;
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
  /** `--value` overrides and `--inputs` file for the inputs the job feeds. */
  readonly feedExtras?: FeedExtras;
  readonly signal?: AbortSignal;
  /** Where the temporary folder is made (default: the OS temp folder). */
  readonly tmpRoot?: string;
  readonly onProgress?: (message: string) => void;
}

export interface NoiseBand {
  /** median(A′)/median(A) of the original timed against itself. */
  readonly aaRatio: number;
  readonly aaSpread: readonly [number, number];
  /**
   * Half-width of the band a measured latency fraction is uncertain by: the largest of the A/A ratio's
   * distance from 1, half the A/A per-pair interquartile range, and 2%.
   */
  readonly band: number;
}

export interface TrialResult {
  /** Trialled suggestions ranked by measured gain, then the others in their estimated order. */
  readonly suggestions: readonly Suggestion[];
  /** Trialled suggestions measured slower beyond the noise band: never listed as advice. */
  readonly rejected: readonly Suggestion[];
  readonly noise: NoiseBand;
  readonly runs: number;
}

export function noiseBand(aa: LatencyComparison): NoiseBand {
  return {
    aaRatio: aa.ratio,
    aaSpread: aa.spread,
    band: Math.max(0.02, Math.abs(1 - aa.ratio), (aa.spread[1] - aa.spread[0]) / 2),
  };
}

/** Worst-case output metrics of B against A over the given input sets. */
async function outputError(
  a: ort.InferenceSession,
  b: ort.InferenceSession,
  sets: readonly Feeds[],
): Promise<{ cosine: number; maxAbs: number }> {
  const list: TensorMetrics[] = [];
  for (const feeds of sets) {
    const ra = await a.run(feeds);
    const rb = await b.run(adaptFeeds(feeds, b));
    for (const name of a.outputNames) {
      const ta = ra[name];
      const tb = rb[name];
      const va = ta && tensorValues(ta);
      const vb = tb && tensorValues(tb);
      if (ta && va && vb && va.length === vb.length) list.push(tensorMetrics(va, vb, ta.dims));
    }
  }
  const m = list.length ? mergeMetrics(list) : { cosine: NaN, maxAbs: NaN };
  return { cosine: m.cosine, maxAbs: m.maxAbs };
}

export async function trialSuggestions(
  model: ModelProto,
  sourceFile: string | undefined,
  suggestions: readonly Suggestion[],
  opts: TrialOptions = {},
): Promise<TrialResult> {
  const runs = opts.runs ?? 20;
  const warmupRuns = opts.warmupRuns ?? 3;
  const base: RuntimeSettings = opts.runtime ?? {};
  const originalInput: string | Uint8Array = sourceFile ?? modelToBuffer(model);
  const originalBytes = sourceFile ? fs.statSync(sourceFile).size : (originalInput as Uint8Array).length;
  const dir = fs.mkdtempSync(path.join(opts.tmpRoot ?? os.tmpdir(), 'onnx-tuner-trial-'));
  const sessions: ort.InferenceSession[] = [];
  const open = async (input: string | Uint8Array, rt: RuntimeSettings): Promise<ort.InferenceSession> => {
    const s = await createSession(input, rt);
    sessions.push(s);
    return s;
  };
  const close = async (s: ort.InferenceSession): Promise<void> => {
    sessions.splice(sessions.indexOf(s), 1);
    await s.release();
  };
  try {
    const a = await open(originalInput, base);
    const feedOpts = { dims: opts.dims, inputShapes: opts.inputShapes, model, ...opts.feedExtras };
    const sets = [0, 1].map((k) => synthesizeFeeds(a, { ...feedOpts, seed: 42 + k }));
    const feeds = sets[0]!;
    opts.onProgress?.('A/A noise measurement');
    const a2 = await open(originalInput, base);
    const noise = noiseBand(await measureAB(a, a2, feeds, feeds, { runs, warmupRuns, signal: opts.signal }));
    await close(a2);
    const runnable = suggestions.filter((s) => s.action.kind !== 'manual' && s.severity !== 'warning');
    const chosen = new Set(runnable.slice(0, opts.top ?? 3));
    const done = new Map<Suggestion, Suggestion>();
    let k = 0;
    const trialOne = async (s: Suggestion): Promise<Suggestion> => {
      let input: string | Uint8Array = originalInput;
      let runtime = base;
      let bytes = originalBytes;
      if (s.action.kind === 'optimize') {
        const steps = stepsFromConfig(s.action.config, { inputShapes: opts.inputShapes, signal: opts.signal });
        let r: Awaited<ReturnType<typeof runPipeline>>;
        try {
          r = await runPipeline(model, steps, opts.signal);
        } catch (e) {
          if ((e as Error).name === 'CancelledError') throw e;
          return { ...s, trialNote: `the transform failed: ${(e as Error).message}` };
        }
        if (r.model === model) return { ...s, trialNote: 'the transform changed nothing' };
        const out = path.join(dir, `candidate-${k}.onnx`);
        const w = writeModel(r.model, out, sourceFile ? { sourceFile } : {});
        input = out;
        bytes = w.bytes + (w.dataBytes ?? 0);
        if (s.action.config.dims) runtime = { ...base, dims: { ...base.dims, ...s.action.config.dims } };
      } else if (s.action.kind === 'runtime') runtime = { ...base, ...s.action.settings };
      let b: ort.InferenceSession;
      try {
        b = await open(input, runtime);
      } catch (e) {
        return { ...s, trialNote: `onnxruntime could not load the result: ${(e as Error).message}` };
      }
      try {
        const err = await outputError(a, b, sets);
        const ab = await measureAB(a, b, feeds, adaptFeeds(feeds, b), { runs, warmupRuns, signal: opts.signal });
        const measured: MeasuredGain = {
          latencyFraction: 1 - ab.ratio,
          originalMs: ab.aMedianMs,
          candidateMs: ab.bMedianMs,
          noise: noise.band,
          cosine: err.cosine,
          maxAbsError: err.maxAbs,
          sizeRatio: bytes / originalBytes,
          runs,
        };
        return { ...s, measured };
      } finally {
        await close(b);
        if (typeof input === 'string' && input !== originalInput) fs.rmSync(input, { force: true });
      }
    };
    const plan = [...chosen].map((s) => ({ s, variants: variantsOf(s) }));
    const total = plan.reduce((n, p) => n + p.variants.length, 0);
    for (const { s, variants } of plan) {
      const tried: { label: string; result: Suggestion }[] = [];
      for (const v of variants) {
        throwIfCancelled(opts.signal, 'the trial');
        opts.onProgress?.(`trial ${++k}/${total}: ${v.suggestion.title}`);
        tried.push({ label: v.label, result: await trialOne(v.suggestion) });
      }
      done.set(s, pickVariant(tried));
    }
    return { ...rankByTrials(suggestions, done), noise, runs };
  } finally {
    for (const s of [...sessions]) await s.release().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
