/** Running models in onnxruntime-node from tests: deterministic feeds and byte-level output comparison. */
import * as ort from 'onnxruntime-node';
import { inputSpecs } from '../../src/engine/runtime/modelInputs';
import { synthesizeInputs } from '../../src/engine/runtime/syntheticInputs';
import type { ModelProto } from '../../src/engine/onnx/types';
import { modelToBuffer } from '../../src/engine/onnx/writeModel';
import type { RegressionEntry } from './regression';

export type Feeds = Record<string, ort.Tensor>;

/** Feeds for a session: concrete shapes and fixed values from the regression entry, seeded random data. */
export function feedsFor(session: ort.InferenceSession, entry?: RegressionEntry, seed = 7): Feeds {
  const specs = inputSpecs(session).map((s) => ({ ...s, shape: entry?.shapes[s.name] ?? s.shape }));
  const { feeds } = synthesizeInputs(specs, {}, seed);
  for (const [name, v] of Object.entries(entry?.values ?? {})) {
    const spec = specs.find((s) => s.name === name);
    if (spec?.type === 'int64') feeds[name] = new ort.Tensor('int64', BigInt64Array.from([BigInt(v)]), []);
    else if (spec) feeds[name] = new ort.Tensor('float32', Float32Array.from([v]), []);
  }
  return feeds;
}

export async function createSession(
  model: string | Uint8Array,
  options: ort.InferenceSession.SessionOptions = {},
): Promise<ort.InferenceSession> {
  return typeof model === 'string'
    ? ort.InferenceSession.create(model, { intraOpNumThreads: 1, ...options })
    : ort.InferenceSession.create(model, { intraOpNumThreads: 1, ...options });
}

/** Runs and returns each output's dims and raw bytes (for bit-exact comparison). */
export async function runRaw(
  session: ort.InferenceSession,
  feeds: Feeds,
): Promise<Record<string, { dims: readonly number[]; bytes: Buffer }>> {
  const out = await session.run(feeds);
  const result: Record<string, { dims: readonly number[]; bytes: Buffer }> = {};
  for (const [name, t] of Object.entries(out)) {
    const data = t.data as ArrayBufferView;
    result[name] = { dims: t.dims, bytes: Buffer.from(data.buffer, data.byteOffset, data.byteLength) };
  }
  return result;
}

/** The output shapes onnxruntime produces for the given inputs: the independent reference for shape rules. */
export async function ortShapes(
  m: ModelProto,
  feeds: Record<string, ort.Tensor>,
): Promise<Record<string, readonly number[]>> {
  const s = await ort.InferenceSession.create(modelToBuffer(m), { logSeverityLevel: 3 });
  try {
    const out = await s.run(feeds);
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.dims]));
  } finally {
    await s.release();
  }
}

/** A zero-filled float32 tensor. */
export const zeroFloats = (dims: number[]): ort.Tensor =>
  new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
