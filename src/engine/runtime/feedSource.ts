/**
 * Where a job's model inputs come from: a user file (`.npy` for a single-input model, `.npz`, JSON
 * `{name: nested array}`, or a `.png` for an image model; a folder of them is a set of input sets), concrete shapes per input, fixed scalar values (Silero's `sr=16000`), and values
 * for named symbolic dims; everything not given is synthesised (syntheticInputs.ts) with a fixed seed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { floatToHalf } from '../transform/common/weights';
import { halfToFloat } from '../graph/tensorData';
import type { ValueDistribution } from '../graph/inputValueRanges';
import { decodeJpeg, decodePng, imageAsInput } from './imageInput';
import type { ModelInputSpec } from './modelInputs';
import { InputFileError, parseNpy, parseNpz, type ArrayData, type LoadedArray } from './npyFormat';
import { synthesizeInputs } from './syntheticInputs';

export interface FeedSource {
  /** Values for named symbolic dims (also given to ORT as free-dimension overrides). */
  readonly dims?: Readonly<Record<string, number>>;
  /** Concrete shapes per input name, e.g. { x: [1, 3, 320, 320] }. */
  readonly shapes?: Readonly<Record<string, readonly number[]>>;
  /** Fixed values per input name: the whole tensor is filled with it (a scalar when the shape is []). */
  readonly values?: Readonly<Record<string, number>>;
  /** Integer ranges per input (`--value ids=0..999`): synthesised values are drawn from [min, max]. */
  readonly valueRanges?: Readonly<Record<string, { readonly min: number; readonly max: number }>>;
  /** A `.npy`, `.npz` or `.json` file of input arrays. */
  readonly inputsFile?: string;
  readonly seed?: number;
  /** Planned value distributions per input (graph/inputPlan.ts), for inputs that are synthesised. */
  readonly distributions?: Readonly<Record<string, ValueDistribution>>;
}

export interface ResolvedFeeds {
  readonly feeds: Record<string, ort.Tensor>;
  /** How each input was made: 'file', 'value', 'synthetic'. */
  readonly origin: Record<string, 'file' | 'value' | 'synthetic'>;
  /** Symbolic dims that had no value and were set to 1. */
  readonly assumed: string[];
}

function flatten(x: unknown, dims: number[], depth: number, out: number[], file: string, name: string): void {
  if (Array.isArray(x)) {
    if (dims.length === depth) dims.push(x.length);
    else if (dims[depth] !== x.length) throw new InputFileError(file, `input '${name}' is a ragged array`);
    for (const v of x) flatten(v, dims, depth + 1, out, file, name);
  } else if (typeof x === 'number' || typeof x === 'boolean') {
    if (dims.length !== depth) throw new InputFileError(file, `input '${name}' is a ragged array`);
    out.push(Number(x));
  } else throw new InputFileError(file, `input '${name}' holds a ${typeof x}; expected nested arrays of numbers`);
}

const INPUT_FILE_TYPES = new Set(['.npy', '.npz', '.json', '.png']);

/**
 * The input files `--inputs` names: the file itself, or every .npy/.npz/.json file of a folder in name order
 * (one input set each: a calibration or comparison set). An empty folder is an error naming it.
 */
export function inputFilesOf(fileOrDir: string): string[] {
  if (!fs.existsSync(fileOrDir)) throw new InputFileError(fileOrDir, 'inputs file not found');
  if (!fs.statSync(fileOrDir).isDirectory()) return [fileOrDir];
  const files = fs
    .readdirSync(fileOrDir)
    .filter((f) => INPUT_FILE_TYPES.has(path.extname(f).toLowerCase()))
    .sort()
    .map((f) => path.join(fileOrDir, f));
  if (!files.length) throw new InputFileError(fileOrDir, 'the folder holds no .npy, .npz or .json input files');
  return files;
}

/** Reads a user inputs file into arrays by input name. A `.npy` file feeds the model's only input. */
export function readInputFile(file: string, specs: readonly ModelInputSpec[]): Map<string, LoadedArray> {
  if (!fs.existsSync(file)) throw new InputFileError(file, 'inputs file not found');
  const buf = fs.readFileSync(file);
  const ext = path.extname(file).toLowerCase();
  if (ext === '.npz') return parseNpz(buf, file);
  if (ext === '.png') return imageAsInput(decodePng(buf, file), specs, file);
  if (ext === '.jpg' || ext === '.jpeg') return imageAsInput(decodeJpeg(buf, file), specs, file);
  if (ext === '.npy') {
    if (specs.length !== 1)
      throw new InputFileError(
        file,
        `a .npy file feeds one input but the model has ${specs.length}`,
        'use .npz or .json with one array per input name',
      );
    return new Map([[specs[0]!.name, parseNpy(buf, file)]]);
  }
  if (ext === '.json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(buf.toString('utf8'));
    } catch (e) {
      throw new InputFileError(file, `invalid JSON: ${(e as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new InputFileError(file, 'expected a JSON object mapping input names to nested arrays');
    const out = new Map<string, LoadedArray>();
    for (const [name, value] of Object.entries(parsed)) {
      const dims: number[] = [];
      const data: number[] = [];
      flatten(value, dims, 0, data, file, name);
      out.set(name, { type: 'json', dims, data });
    }
    return out;
  }
  throw new InputFileError(file, `unknown inputs file type '${ext}'`, 'use .npy, .npz, .json or .png');
}

/** Converts loaded numbers to the type the session declares (fp32 files for fp16 models, JSON numbers...). */
function toTensor(a: LoadedArray, spec: ModelInputSpec, file: string): ort.Tensor {
  const n = a.dims.reduce((x, y) => x * y, 1);
  if (a.type === spec.type) return new ort.Tensor(spec.type as 'float32', a.data as Float32Array, a.dims);
  const numbers = (i: number): number => {
    const v = a.data[i]!;
    return a.type === 'float16' ? halfToFloat(v as number) : Number(v);
  };
  let data: ArrayData;
  switch (spec.type) {
    case 'float32':
      data = Float32Array.from({ length: n }, (_, i) => numbers(i));
      break;
    case 'float64':
      data = Float64Array.from({ length: n }, (_, i) => numbers(i));
      break;
    case 'float16':
      data = Uint16Array.from({ length: n }, (_, i) => floatToHalf(numbers(i)));
      break;
    case 'int64':
      data = BigInt64Array.from({ length: n }, (_, i) => BigInt(Math.trunc(numbers(i))));
      break;
    case 'int32':
      data = Int32Array.from({ length: n }, (_, i) => numbers(i));
      break;
    case 'int8':
      data = Int8Array.from({ length: n }, (_, i) => numbers(i));
      break;
    case 'uint8':
    case 'bool':
      data = Uint8Array.from({ length: n }, (_, i) => numbers(i));
      break;
    default:
      throw new InputFileError(file, `input '${spec.name}' has type ${spec.type}, which cannot be read from a file`);
  }
  return new ort.Tensor(spec.type as 'float32', data as Float32Array, a.dims);
}

function filled(spec: ModelInputSpec, dims: number[], value: number): ort.Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  const one: LoadedArray = { type: 'json', dims, data: new Array<number>(n).fill(value) };
  return toTensor(one, spec, '--value');
}

/** Builds the feeds for a session's inputs from a FeedSource. */
export function resolveFeeds(specs: readonly ModelInputSpec[], source: FeedSource): ResolvedFeeds {
  // A folder is a set of input sets; a single run (profile) uses its first file.
  const file = source.inputsFile ? inputFilesOf(source.inputsFile)[0]! : undefined;
  // Images are resized to the planned shape, so the reader sees the shapes the feeds will have.
  const planned = specs.map((s) => ({ ...s, shape: source.shapes?.[s.name] ?? s.shape }));
  const fromFile = file ? readInputFile(file, planned) : new Map<string, LoadedArray>();
  const known = new Set(specs.map((s) => s.name));
  for (const name of [...fromFile.keys(), ...Object.keys(source.shapes ?? {}), ...Object.keys(source.values ?? {})])
    if (!known.has(name))
      throw new InputFileError(
        source.inputsFile ?? 'inputs',
        `the model has no input '${name}'`,
        `its inputs are: ${[...known].join(', ')}`,
      );
  const feeds: Record<string, ort.Tensor> = {};
  const origin: Record<string, 'file' | 'value' | 'synthetic'> = {};
  const rest: ModelInputSpec[] = [];
  for (const spec of specs) {
    const loaded = fromFile.get(spec.name);
    const value = source.values?.[spec.name];
    if (loaded) {
      feeds[spec.name] = toTensor(loaded, spec, file!);
      origin[spec.name] = 'file';
    } else if (value !== undefined) {
      feeds[spec.name] = filled(
        spec,
        [...(source.shapes?.[spec.name] ?? spec.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1)))],
        value,
      );
      origin[spec.name] = 'value';
    } else {
      rest.push({ ...spec, shape: source.shapes?.[spec.name] ?? spec.shape });
      origin[spec.name] = 'synthetic';
    }
  }
  const synthetic = synthesizeInputs(rest, source.dims ?? {}, source.seed ?? 42, source.distributions ?? {});
  return { feeds: { ...feeds, ...synthetic.feeds }, origin, assumed: synthetic.assumed };
}
