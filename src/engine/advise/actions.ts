/** Builds the runnable action of a suggestion and turns an optimize configuration into pipeline steps. */
import { exactName } from '../optimize/exclusionFile';
import type { OptimizeStep } from '../transform/common/pipeline';
import { quantizeStep } from '../transform/quantize/quantize';
import { simplifyStep } from '../transform/simplify';
import type { RuntimeSettings } from '../runtime/sessionOptions';
import type { AdviceAction, OptimizeConfig } from './adviceTypes';

const dimsArg = (dims: Readonly<Record<string, number>> | undefined): string[] =>
  dims && Object.keys(dims).length
    ? [
        '--dims',
        Object.entries(dims)
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
      ]
    : [];

/** The `onnx-tuner optimize` arguments that run the same configuration. */
export function optimizeCli(config: OptimizeConfig): string {
  const a: string[] = ['onnx-tuner', 'optimize', 'MODEL'];
  if (config.simplify) a.push('--simplify');
  const q = config.quantize;
  if (q) {
    a.push('--quantize', q.mode);
    if (q.reduceRange) a.push('--reduce-range');
    if (q.perChannel) a.push('--per-channel');
    if (q.quantizeOutputs) a.push('--quantize-outputs');
    if (q.weightType) a.push('--weight-type', q.weightType);
    if (q.blockSize) a.push('--block-size', String(q.blockSize));
    if (q.includeOps?.length) a.push('--include-op', q.includeOps.join(','));
    if (q.excludeOps?.length) a.push('--exclude-op', q.excludeOps.join(','));
    for (const n of q.excludeNodeNames ?? []) a.push('--exclude-node', `'${exactName(n).source}'`);
  }
  a.push(...dimsArg(config.dims));
  return a.join(' ');
}

export function optimizeAction(config: OptimizeConfig): AdviceAction {
  return { kind: 'optimize', config, cli: optimizeCli(config) };
}

export function runtimeAction(settings: RuntimeSettings): AdviceAction {
  return { kind: 'runtime', settings, cli: `onnx-tuner profile MODEL ${dimsArg(settings.dims).join(' ')}`.trim() };
}

export function manualAction(instructions: string): AdviceAction {
  return { kind: 'manual', instructions };
}

export interface StepContext {
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
  readonly runtime?: RuntimeSettings;
  readonly signal?: AbortSignal;
}

/** The optimize pipeline steps for a configuration (simplify → quantize, as `onnx-tuner optimize` orders them). */
export function stepsFromConfig(config: OptimizeConfig, ctx: StepContext = {}): OptimizeStep[] {
  const steps: OptimizeStep[] = [];
  const dims = config.dims ?? {};
  if (config.simplify)
    steps.push(simplifyStep({ dims, inputShapes: ctx.inputShapes, executionProvider: ctx.runtime?.executionProvider }));
  const q = config.quantize;
  if (q) {
    const { excludeNodeNames, ...rest } = q;
    steps.push(
      quantizeStep({
        ...rest,
        excludeNodes: (excludeNodeNames ?? []).map(exactName),
        dims,
        inputShapes: ctx.inputShapes,
        calibrationSamples: 4,
        ...(ctx.runtime ? { runtime: ctx.runtime } : {}),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      }),
    );
  }
  return steps;
}
