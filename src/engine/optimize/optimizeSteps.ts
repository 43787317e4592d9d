/**
 * The one place an optimize request becomes pipeline steps, for the CLI's flags and the extension's presets
 * alike: simplify → prune → quantize, each step seeing the previous step's model, with the same defaults.
 */
import type { OptimizeStep } from '../transform/common/pipeline';
import { pruneStep } from '../transform/prune/prune';
import { quantizeStep, type QuantizeOptions } from '../transform/quantize/quantize';
import { simplifyStep, type SimplifyTarget } from '../transform/simplify';

export interface OptimizeChoice {
  readonly simplify?: boolean;
  /** `structured:0.3` or `magnitude:0.5`; `layers` limits it to nodes whose name matches. */
  readonly prune?: { readonly spec: string; readonly layers?: RegExp };
  /** Quantizers in the order they run (usually one). */
  readonly quantize?: readonly QuantizeOptions[];
  /** What simplify's runtime-specific rewrites target (default: onnxruntime CPU, contrib ops allowed). */
  readonly target?: SimplifyTarget;
}

export interface ShapeHints {
  readonly dims?: Readonly<Record<string, number>>;
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
}

export function optimizeSteps(choice: OptimizeChoice, shapes: ShapeHints = {}): OptimizeStep[] {
  const steps: OptimizeStep[] = [];
  const shapeOpts = {
    ...(shapes.dims ? { dims: { ...shapes.dims } } : {}),
    ...(shapes.inputShapes ? { inputShapes: shapes.inputShapes } : {}),
  };
  if (choice.simplify) steps.push(simplifyStep({ ...shapeOpts, ...choice.target }));
  if (choice.prune)
    steps.push(
      pruneStep(choice.prune.spec, { ...shapeOpts, ...(choice.prune.layers ? { layers: choice.prune.layers } : {}) }),
    );
  for (const q of choice.quantize ?? []) {
    // Dynamic int8 Conv (ConvInteger) runs slower than float on x86 and costs accuracy: left out unless asked.
    const excludeOps =
      q.mode === 'dynamic' && !q.includeOps?.includes('Conv') ? [...(q.excludeOps ?? []), 'Conv'] : q.excludeOps;
    steps.push(quantizeStep({ ...shapeOpts, ...q, ...(excludeOps ? { excludeOps } : {}) }));
  }
  return steps;
}
