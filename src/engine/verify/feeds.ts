/** Input sets for verification: synthesised from the session's declared inputs, or adapted to another model. */
import * as ort from 'onnxruntime-node';
import { inputSpecs } from '../runtime/modelInputs';
import { synthesizeInputs } from '../runtime/syntheticInputs';
import { floatToHalf } from '../transform/common/weights';
import { halfToFloat } from '../graph/tensorData';

export type Feeds = Record<string, ort.Tensor>;

export interface FeedOptions {
  /** Values for symbolic dims. */
  readonly dims?: Readonly<Record<string, number>>;
  /** Full concrete shapes per input (for inputs whose dims are unnamed, e.g. ppocr's [-1,3,-1,-1]). */
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
  readonly seed?: number;
}

export function synthesizeFeeds(session: ort.InferenceSession, opts: FeedOptions = {}): Feeds {
  const specs = inputSpecs(session).map((s) => ({ ...s, shape: opts.inputShapes?.[s.name] ?? s.shape }));
  return synthesizeInputs(specs, opts.dims ?? {}, opts.seed ?? 42).feeds;
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
