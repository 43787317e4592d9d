/**
 * `advise(model)`: runs every rule over the static analysis (and a profile when given) and returns the
 * suggestions sorted by estimated gain. With `runtimeChecks`, two quick onnxruntime runs sharpen the rules:
 * the graph ORT itself optimizes (did it fuse the patterns?) and the per-node error of a dynamic int8 copy
 * (which layers to keep float). Nothing is written next to the input: ORT's optimized model goes to a
 * temporary folder that is removed whatever happens.
 */
import { planInputs, type InputPlan } from '../graph/inputPlan';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { throwIfCancelled } from '../cancel';
import { parseModel } from '../onnx/readModel';
import type { ModelProto } from '../onnx/types';
import { modelToBuffer } from '../onnx/writeModel';
import type { ProfileReport } from '../report/profileReport';
import { probeProviders, type ProviderStatus } from '../runtime/executionProviders';
import { toSessionOptions, type RuntimeSettings } from '../runtime/sessionOptions';
import { quantizeDynamic } from '../transform/quantize/dynamic';
import { synthesizeFeeds, type FeedExtras } from '../verify/feeds';
import { localizeError, type NodeError } from '../verify/localize';
import { createSession } from '../verify/modelSource';
import { buildAdviceContext, type AdviceContext, type AdviceInputs } from './adviceContext';
import { gainScore, type Suggestion } from './adviceTypes';
import { applyCalibration, calibrateRules, type CalibrationRecord, type RuleCalibration } from './calibration';
import { describeCpu, detectCpuFeatures, type CpuFeatures } from './cpuFeatures';
import { activationPeakRule, dynamicDimsRule } from './rules/memoryRules';
import {
  castTransposeChurnRule,
  constantSubgraphRule,
  unfusedPatternRule,
  unusedSparsityRule,
} from './rules/graphRules';
import {
  excludeErrorLayersRule,
  isQuantized,
  noVnniRule,
  quantizeOpsRule,
  weightCompressionRule,
} from './rules/quantizeRules';

export type AdviceRule = (ctx: AdviceContext) => Suggestion[];

export const RULES: readonly AdviceRule[] = [
  quantizeOpsRule,
  noVnniRule,
  weightCompressionRule,
  excludeErrorLayersRule,
  activationPeakRule,
  unfusedPatternRule,
  castTransposeChurnRule,
  constantSubgraphRule,
  dynamicDimsRule,
  unusedSparsityRule,
];

export interface AdviseOptions {
  readonly modelBytes?: number;
  readonly dims?: Readonly<Record<string, number>>;
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
  /** `--value` overrides and `--inputs` file for the inputs the job feeds. */
  readonly feedExtras?: FeedExtras;
  readonly profile?: ProfileReport;
  /** Defaults to this machine's /proc/cpuinfo. */
  readonly cpu?: CpuFeatures;
  /** Run onnxruntime to see what it fuses and where int8 loses accuracy (a few seconds on small models). */
  readonly runtimeChecks?: boolean;
  readonly runtime?: RuntimeSettings;
  readonly signal?: AbortSignal;
  /** Given directly (tests), instead of computed by runtimeChecks. */
  readonly quantError?: readonly NodeError[];
  readonly ortOptimized?: ModelProto;
  /** Given directly (tests), instead of probing each provider with a session. */
  readonly providerStatus?: readonly ProviderStatus[];
  /** Past trials (calibration.ts): each rule's estimate is shifted by its median error on this CPU. */
  readonly calibration?: readonly CalibrationRecord[];
}

export interface AdviceResult {
  readonly suggestions: readonly Suggestion[];
  readonly cpu: CpuFeatures;
  /** Execution providers a session was created with here. */
  readonly providers: readonly string[];
  /** Providers the build lists that did not load, with onnxruntime's reason. */
  readonly unavailableProviders: readonly { readonly name: string; readonly reason: string }[];
  /** Where latency shares came from. */
  readonly shareSource: 'profile' | 'flops';
  readonly runtimeChecks: boolean;
  /** The byte totals the ranking weighs savings against (gainScore). */
  readonly modelBytes: number;
  readonly peakActivationBytes: number;
  /** The dims assumed for the analysis and the values synthesised inputs are drawn from, with reasons. */
  readonly inputPlan: Pick<InputPlan, 'assumed' | 'ranges'>;
  /** Per rule, how far past trials on this CPU were from the estimates (empty without records). */
  readonly calibration: readonly RuleCalibration[];
}

/** The model as onnxruntime optimizes it at level 'extended' (fusions, no layout changes). */
async function ortOptimizedModel(model: ModelProto, runtime: RuntimeSettings): Promise<ModelProto> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx-tuner-advise-'));
  try {
    const file = path.join(dir, 'optimized.onnx');
    const s = await ort.InferenceSession.create(
      modelToBuffer(model),
      toSessionOptions({ ...runtime, optimizationLevel: 'extended', optimizedModelFilePath: file }),
    );
    await s.release();
    return parseModel(fs.readFileSync(file), file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function dynamicQuantError(model: ModelProto, opts: AdviseOptions): Promise<readonly NodeError[] | undefined> {
  const q = quantizeDynamic(model, {});
  if (q.model === model) return undefined;
  const s = await createSession(modelToBuffer(model), { optimizationLevel: 'disabled' });
  try {
    const feeds = synthesizeFeeds(s, { dims: opts.dims, inputShapes: opts.inputShapes, model, ...opts.feedExtras });
    return await localizeError(model, q.model, feeds, { runtime: opts.runtime, rankBy: 'accumulated' });
  } finally {
    await s.release();
  }
}

export async function advise(model: ModelProto, opts: AdviseOptions = {}): Promise<AdviceResult> {
  const cpu = opts.cpu ?? detectCpuFeatures();
  // Only providers a session was actually created with: a listed provider may lack its libraries or device.
  // Probed first, so the expected failures are not logged by onnxruntime (its log level is fixed at first use).
  const probe = opts.providerStatus ?? (await probeProviders());
  const providers = probe.filter((p) => p.available).map((p) => p.name);
  const unavailableProviders = probe
    .filter((p) => !p.available)
    .map((p) => ({ name: p.name, reason: p.reason ?? 'did not load' }));
  let { quantError, ortOptimized } = opts;
  if (opts.runtimeChecks) {
    throwIfCancelled(opts.signal, 'advice');
    ortOptimized ??= await ortOptimizedModel(model, opts.runtime ?? {}).catch(() => undefined);
    throwIfCancelled(opts.signal, 'advice');
    if (!isQuantized(model.graph?.node ?? []))
      quantError ??= await dynamicQuantError(model, opts).catch(() => undefined);
  }
  const inputs: AdviceInputs = {
    model,
    modelBytes: opts.modelBytes ?? modelToBuffer(model).length,
    cpu,
    providers,
    ...(opts.dims ? { dims: opts.dims } : {}),
    ...(opts.inputShapes ? { inputShapes: opts.inputShapes } : {}),
    ...(opts.profile ? { profile: opts.profile } : {}),
    ...(quantError ? { quantError } : {}),
    ...(ortOptimized ? { ortOptimized } : {}),
  };
  const ctx = buildAdviceContext(inputs);
  const plan = planInputs(model, { dims: opts.dims, inputShapes: opts.inputShapes, values: opts.feedExtras?.values });
  const calibration = calibrateRules(opts.calibration ?? [], describeCpu(cpu));
  return {
    suggestions: rankSuggestions(
      RULES.flatMap((r) => r(ctx)).map((s) => applyCalibration(s, calibration)),
      ctx,
    ),
    cpu,
    providers,
    unavailableProviders,
    shareSource: opts.profile ? 'profile' : 'flops',
    runtimeChecks: Boolean(opts.runtimeChecks),
    modelBytes: ctx.modelBytes,
    peakActivationBytes: ctx.cost.peak.activationBytes,
    inputPlan: { assumed: plan.assumed, ranges: plan.ranges },
    calibration: [...calibration.values()],
  };
}

/** Suggestions by estimated gain (see gainScore), warnings first among equals. */
export function rankSuggestions(list: readonly Suggestion[], ctx: AdviceContext): Suggestion[] {
  const score = (s: Suggestion): number => gainScore(s.estimated, ctx.modelBytes, ctx.cost.peak.activationBytes);
  const sevRank = { warning: 0, suggestion: 1, note: 2 } as const;
  return [...list].sort((a, b) => score(b) - score(a) || sevRank[a.severity] - sevRank[b.severity]);
}
