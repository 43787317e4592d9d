/** Input sets for verification: synthesised from the session's declared inputs, or adapted to another model. */
import * as ort from 'onnxruntime-node';
import { distributions, planInputs, type UserInputs } from '../graph/inputPlan';
import type { ModelProto } from '../onnx/types';
import { inputSpecs } from '../runtime/modelInputs';
import { resolveFeeds } from '../runtime/feedSource';
import { floatToHalf } from '../transform/common/weights';
import { halfToFloat } from '../graph/tensorData';

export type Feeds = Record<string, ort.Tensor>;

export interface FeedOptions {
  /** Values for symbolic dims. */
  readonly dims?: Readonly<Record<string, number>>;
  /** Full concrete shapes per input (for inputs whose dims are unnamed, e.g. ppocr's [-1,3,-1,-1]). */
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
  readonly seed?: number;
  /** The model the session runs: its graph picks representative dims and valid values (graph/inputPlan.ts). */
  readonly model?: ModelProto;
  /** `--value` overrides: a constant or an integer range per input. */
  readonly values?: UserInputs['values'];
  /** A `.npy`, `.npz` or `.json` file of input arrays (feedSource.ts). */
  readonly inputsFile?: string;
}

/** The user's value overrides and data file, carried by every job that synthesises inputs. */
export type FeedExtras = Pick<FeedOptions, 'values' | 'inputsFile'>;

export function synthesizeFeeds(session: ort.InferenceSession, opts: FeedOptions = {}): Feeds {
  const values = Object.fromEntries(Object.entries(opts.values ?? {}).filter(([, v]) => typeof v === 'number'));
  const valueRanges = Object.fromEntries(Object.entries(opts.values ?? {}).filter(([, v]) => typeof v !== 'number'));
  const plan = opts.model
    ? planInputs(opts.model, { dims: opts.dims, inputShapes: opts.inputShapes, values: opts.values })
    : undefined;
  // Real data wins: inputs in the user's file are read from it; the rest follow the plan.
  return resolveFeeds(inputSpecs(session), {
    dims: plan?.dims ?? opts.dims ?? {},
    shapes: { ...(plan?.inputShapes ?? {}), ...(opts.inputShapes ?? {}) },
    values: values as Record<string, number>,
    valueRanges: valueRanges as Record<string, { min: number; max: number }>,
    seed: opts.seed ?? 42,
    ...(plan ? { distributions: distributions(plan) } : {}),
    ...(opts.inputsFile ? { inputsFile: opts.inputsFile } : {}),
  }).feeds;
}

/** Converts float32↔float16 feeds where the other model declares the other type (fp16 models without casts). */
export function adaptFeeds(feeds: Feeds, session: ort.InferenceSession): Feeds {
  const out: Feeds = {};
  for (const spec of inputSpecs(session)) {
    const t = feeds[spec.name];
    if (!t) continue;
    if (t.type === 'float32' && spec.type === 'float16')
      out[spec.name] = new ort.Tensor('float16', Uint16Array.from(t.data as Float32Array, floatToHalf), t.dims);
    else if (t.type === 'float16' && spec.type === 'float32')
      out[spec.name] = new ort.Tensor('float32', Float32Array.from(t.data as Uint16Array, halfToFloat), t.dims);
    else out[spec.name] = t;
  }
  return out;
}
