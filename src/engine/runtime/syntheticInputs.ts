/**
 * Synthesised model inputs from the declared input types and shapes, with a fixed seed. Values follow the
 * per-input distribution the graph analysis chose (graph/inputValueRanges.ts: ids bounded by their embedding
 * table, masks all ones, images N(0,1), audio in [-1,1]); without one: N(0,1) for floats, small non-negative
 * ints, `true` for bools. Symbolic dims come from the planned dims (graph/defaultDims.ts); a dim still open
 * falls back to 1 and is stated in `assumed`.
 */
import * as ort from 'onnxruntime-node';
import { floatToHalf } from '../transform/common/weights';
import { dimValue, type ModelInputSpec } from './modelInputs';
import type { ValueDistribution } from '../graph/inputValueRanges';
import { seededRandom } from './seededRandom';

export interface SyntheticInputs {
  readonly feeds: Record<string, ort.Tensor>;
  /** Symbolic dims that had no user value and were set to 1. */
  readonly assumed: string[];
}

function normal(rnd: () => number): number {
  const u = Math.max(rnd(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
}

/** Draws from a planned distribution; ints are whole numbers in [min, max). */
function sampler(d: ValueDistribution, rnd: () => number): () => number {
  switch (d.kind) {
    case 'constant':
      return () => d.value;
    case 'int-uniform':
      return () => d.min + Math.floor(rnd() * Math.max(1, d.max - d.min));
    case 'uniform':
      return () => d.min + rnd() * (d.max - d.min);
    case 'normal':
      return () => d.mean + d.std * normal(rnd);
  }
}

/** Elements one synthesised input may hold (2^26: 256 MB of float32, past any real single input). */
export const MAX_SYNTHETIC_ELEMENTS = 2 ** 26;

const isMaskName = (name: string): boolean => /mask/i.test(name);

export function synthesizeInputs(
  specs: readonly ModelInputSpec[],
  dims: Readonly<Record<string, number>> = {},
  seed = 42,
  distributions: Readonly<Record<string, ValueDistribution>> = {},
): SyntheticInputs {
  const rnd = seededRandom(seed);
  const assumed = new Set<string>();
  const feeds: Record<string, ort.Tensor> = {};
  for (const spec of specs) {
    const shape = spec.shape.map((d) => dimValue(d, dims, assumed));
    const n = shape.reduce((a, b) => a * b, 1);
    // A declared dim of 2^28 or 2^62 would be an allocation (or "Invalid typed array length") chosen by the
    // file: refuse it with the input's name, and say how to choose a size.
    if (!Number.isSafeInteger(n) || n < 0 || n > MAX_SYNTHETIC_ELEMENTS)
      throw new Error(
        `input '${spec.name}' declares shape [${shape.join(', ')}] (${n.toExponential(2)} elements), too large to synthesise (limit ${MAX_SYNTHETIC_ELEMENTS.toExponential(2)}); set its shape with --shape or pass --inputs`,
      );
    const dist = distributions[spec.name];
    const sample = dist ? sampler(dist, rnd) : undefined;
    const float = sample ?? (() => (isMaskName(spec.name) ? 1 : normal(rnd)));
    const int = sample ?? (() => (isMaskName(spec.name) ? 1 : Math.floor(rnd() * 100)));
    let data: ort.Tensor.DataType;
    switch (spec.type) {
      case 'float32':
        data = Float32Array.from({ length: n }, float);
        break;
      case 'float64':
        data = Float64Array.from({ length: n }, float);
        break;
      case 'float16':
        // onnxruntime-node takes float16 as Uint16 bit patterns; 0x3c00 is 1.0. Small values keep fp16 models finite.
        data = sample
          ? Uint16Array.from({ length: n }, () => floatToHalf(sample()))
          : Uint16Array.from({ length: n }, () => 0x3c00);
        break;
      case 'int64':
        data = BigInt64Array.from({ length: n }, () => BigInt(Math.round(int())));
        break;
      case 'int32':
        data = Int32Array.from({ length: n }, () => Math.round(int()));
        break;
      case 'bool':
        data = Uint8Array.from({ length: n }, () => (sample ? (sample() ? 1 : 0) : 1));
        break;
      case 'uint8':
        data = Uint8Array.from({ length: n }, () => Math.floor(rnd() * 256));
        break;
      case 'int8':
        data = Int8Array.from({ length: n }, () => Math.floor(rnd() * 256) - 128);
        break;
      default:
        throw new Error(`input '${spec.name}': cannot synthesise values of type ${spec.type}; pass --inputs`);
    }
    feeds[spec.name] = new ort.Tensor(spec.type as 'float32', data as Float32Array, shape);
  }
  return { feeds, assumed: [...assumed] };
}
