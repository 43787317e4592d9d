/**
 * Everything a job needs to feed a model it knows nothing else about: concrete dims (the user's, else
 * representative defaults from defaultDims.ts) and a value distribution per input (the user's --value, else
 * what the graph implies, inputValueRanges.ts). Pure and serialisable: the plan travels to the runtime process
 * and into every report, so the numbers a user sees always say what shape and values produced them.
 */
import type { ModelProto } from '../onnx/types';
import { defaultDims, formatDimAssumptions, type DimAssumption, type UserDims } from './defaultDims';
import {
  formatDistribution,
  formatValueRanges,
  inputValueRanges,
  type InputValueRange,
  type ValueDistribution,
} from './inputValueRanges';
import { indexGraph } from './graphIndex';
import { inferShapes, type ShapeInference } from './shapeInference';

export interface UserInputs extends UserDims {
  /** `--value name=N`: a constant, or `name=LO..HI`: integers in [LO, HI]. */
  readonly values?: Readonly<Record<string, number | { readonly min: number; readonly max: number }>>;
}

export interface InputPlan {
  readonly dims: Record<string, number>;
  readonly inputShapes: Record<string, number[]>;
  readonly assumed: DimAssumption[];
  readonly ranges: InputValueRange[];
}

/** Plans per model and options: jobs plan once per synthesised input set (calibration asks 8 times). */
const planCache = new WeakMap<ModelProto, Map<string, InputPlan>>();

export function planInputs(model: ModelProto, user: UserInputs = {}): InputPlan {
  const key = JSON.stringify([user.dims ?? {}, user.inputShapes ?? {}, user.values ?? {}]);
  let byKey = planCache.get(model);
  if (!byKey) planCache.set(model, (byKey = new Map()));
  const hit = byKey.get(key);
  if (hit) return hit;
  const plan = computePlan(model, user);
  byKey.set(key, plan);
  return plan;
}

/**
 * The shape inference each plan was made with (at the plan's own dims and input shapes, no input values), so
 * a read-only caller that wants shapes at the plan's dims (the graph view) does not infer them a second time.
 */
const planShapes = new WeakMap<InputPlan, ShapeInference>();

/** Shapes of `model` at `plan`'s dims and input shapes: the plan's own inference when it has one. Read-only. */
export function shapesAtPlan(model: ModelProto, plan: InputPlan): ShapeInference {
  return planShapes.get(plan) ?? inferShapes(model, { dims: plan.dims, inputShapes: plan.inputShapes });
}

function computePlan(model: ModelProto, user: UserInputs): InputPlan {
  // One index of the graph for the dims and the shapes (each built its own).
  const index = indexGraph(model.graph ?? {});
  const dimPlan = defaultDims(model, user, index);
  let inference: ShapeInference | undefined;
  try {
    inference = inferShapes(model, { dims: dimPlan.dims, inputShapes: dimPlan.inputShapes, index });
  } catch {
    inference = undefined; // ranges fall back to constant tables only
  }
  const ranges = inputValueRanges(model, inference?.main).map((r): InputValueRange => {
    const v = user.values?.[r.input];
    if (v === undefined) return r;
    const distribution: ValueDistribution =
      typeof v === 'number' ? { kind: 'constant', value: v } : { kind: 'int-uniform', min: v.min, max: v.max + 1 };
    return { input: r.input, distribution, reason: 'given with --value', source: 'user' };
  });
  const plan = { ...dimPlan, ranges };
  if (inference) planShapes.set(plan, inference);
  return plan;
}

/**
 * Single-element inputs the plan fills with one constant (a sample rate, a flag): their value, for shape
 * inference to follow the If branch they select. Only these: a range is not a value.
 */
export function constantInputValues(
  model: ModelProto,
  plan: Pick<InputPlan, 'ranges' | 'inputShapes'>,
): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const r of plan.ranges) {
    if (r.distribution.kind !== 'constant') continue;
    const declared = model.graph?.input?.find((v) => v.name === r.input)?.type?.tensor_type?.shape?.dim;
    const shape =
      plan.inputShapes[r.input] ?? declared?.map((d) => (d.dim_value === undefined ? NaN : Number(d.dim_value)));
    if (shape && shape.every((d) => d === 1)) out[r.input] = [r.distribution.value];
  }
  return out;
}

/** A map input → distribution, the form synthesis takes. */
export function distributions(plan: Pick<InputPlan, 'ranges'>): Record<string, ValueDistribution> {
  return Object.fromEntries(plan.ranges.map((r) => [r.input, r.distribution]));
}

/** The dims table and the values table, for the text output of every command. */
export function formatInputPlan(plan: Pick<InputPlan, 'assumed' | 'ranges'>): string {
  return [formatDimAssumptions(plan.assumed), formatValueRanges(plan.ranges)].filter(Boolean).join('\n');
}

/** The assumed dims in one short line for headers: `assumed batch=1, sequence=128` ('' when none). */
export function summarizeAssumedDims(assumed: readonly DimAssumption[]): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const a of assumed) {
    const key = a.symbol ?? `${a.input}[${a.axis}]`;
    if (seen.has(key)) continue;
    seen.add(key);
    parts.push(`${key}=${a.value}`);
  }
  return parts.length ? `assumed ${parts.join(', ')}` : '';
}

/** The plan in one line for a report's notes: assumed dims, then each input's values. */
export function summarizeInputPlan(plan: Pick<InputPlan, 'assumed' | 'ranges'>): string {
  const dims = summarizeAssumedDims(plan.assumed);
  const values = plan.ranges.map((r) => `${r.input} ${formatDistribution(r.distribution)}`).join('; ');
  return `inputs: ${[dims, values && `values ${values}`].filter(Boolean).join('; ') || 'as given'}`;
}
