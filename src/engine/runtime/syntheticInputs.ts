/**
 * Synthesised model inputs from the declared input types and shapes, with a fixed seed: random normal for
 * floats, small non-negative ints for ids (a valid index range for embeddings), all-ones for masks, `true`
 * for bools. Symbolic dims come from the user's dims (then 1 as a last resort, stated in `assumed`).
 */
import * as ort from 'onnxruntime-node';
import { dimValue, type ModelInputSpec } from './modelInputs';
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

const isMaskName = (name: string): boolean => /mask/i.test(name);

export function synthesizeInputs(
  specs: readonly ModelInputSpec[],
  dims: Readonly<Record<string, number>> = {},
  seed = 42,
): SyntheticInputs {
  const rnd = seededRandom(seed);
  const assumed = new Set<string>();
  const feeds: Record<string, ort.Tensor> = {};
  for (const spec of specs) {
    const shape = spec.shape.map((d) => dimValue(d, dims, assumed));
    const n = shape.reduce((a, b) => a * b, 1);
    let data: ort.Tensor.DataType;
    switch (spec.type) {
      case 'float32':
        data = Float32Array.from({ length: n }, () => (isMaskName(spec.name) ? 1 : normal(rnd)));
        break;
      case 'float64':
        data = Float64Array.from({ length: n }, () => normal(rnd));
        break;
      case 'float16':
        // onnxruntime-node takes float16 as Uint16 bit patterns; 0x3c00 is 1.0. Small values keep fp16 models finite.
        data = Uint16Array.from({ length: n }, () => 0x3c00);
        break;
      case 'int64':
        data = BigInt64Array.from({ length: n }, () => BigInt(isMaskName(spec.name) ? 1 : Math.floor(rnd() * 100)));
        break;
      case 'int32':
        data = Int32Array.from({ length: n }, () => (isMaskName(spec.name) ? 1 : Math.floor(rnd() * 100)));
        break;
      case 'bool':
        data = Uint8Array.from({ length: n }, () => 1);
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
