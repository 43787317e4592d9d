/**
 * The optimize pipeline: an ordered list of named steps, each a pure transform. `onnx-tuner optimize` runs
 * e.g. simplify → prune → quantize; each step sees the previous step's model and its changes are kept apart.
 */
import { throwIfCancelled } from '../../cancel';
import type { ModelProto } from '../../onnx/types';
import type { TransformChange, TransformResult } from './changes';

export interface OptimizeStep {
  /** Short name shown in output ('simplify', 'quantize:dynamic', ...). */
  readonly name: string;
  /** A pure transform; may be async (static quantization runs calibration first). */
  readonly run: (model: ModelProto) => TransformResult | Promise<TransformResult>;
}

export interface PipelineResult {
  readonly model: ModelProto;
  readonly steps: readonly { readonly name: string; readonly changes: readonly TransformChange[] }[];
}

export async function runPipeline(
  model: ModelProto,
  steps: readonly OptimizeStep[],
  signal?: AbortSignal,
  onStep?: (name: string, index: number, count: number) => void,
): Promise<PipelineResult> {
  let current = model;
  const done: { name: string; changes: readonly TransformChange[] }[] = [];
  for (const step of steps) {
    throwIfCancelled(signal, 'optimize');
    onStep?.(step.name, done.length, steps.length);
    const r = await step.run(current);
    current = r.model;
    done.push({ name: step.name, changes: r.changes });
  }
  return { model: current, steps: done };
}
