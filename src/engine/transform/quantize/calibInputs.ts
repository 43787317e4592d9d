/**
 * Calibration inputs from a folder. Each sample is either
 *   - `NAME.json`: `{ "<input>": nested number arrays | {"dims": [...], "data": [...]} , ... }`, or
 *   - `.npy` files: for a one-input model each file is a sample; for several inputs, `<sample>.<input>.npy`.
 * .npy files are read per the NumPy format spec (v1–v3, little-endian, C order): f4, f8, f2, i8, i4, u1, b1.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ModelInputSpec } from '../../runtime/modelInputs';
import { halfToFloat } from '../../graph/tensorData';

export type Feeds = Record<string, ort.Tensor>;

export class CalibrationInputError extends Error {
  override readonly name = 'CalibrationInputError';
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
  }
}

export interface NpyArray {
  readonly dims: number[];
  readonly data: Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;
  readonly descr: string;
}

export function parseNpy(buf: Uint8Array, file: string): NpyArray {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (buf.length < 10 || magic.some((b, i) => buf[i] !== b)) throw new CalibrationInputError(file, 'not a .npy file');
  const major = buf[6]!;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = Buffer.from(buf.buffer, buf.byteOffset + start, headerLen).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shape === undefined) throw new CalibrationInputError(file, 'unreadable .npy header');
  if (fortran)
    throw new CalibrationInputError(file, 'Fortran-order arrays are not supported (save with np.ascontiguousarray)');
  const dims = shape
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const n = dims.reduce((a, b) => a * b, 1);
  const off = start + headerLen;
  const bytes = new Uint8Array(buf.subarray(off)); // a copy at offset 0 (Buffer.slice would share the pool)
  const ab = bytes.buffer;
  switch (descr) {
    case '<f4':
      return { dims, descr, data: new Float32Array(ab, 0, n) };
    case '<f8':
      return { dims, descr, data: new Float64Array(ab, 0, n) };
    case '<f2':
      return { dims, descr, data: Float32Array.from(new Uint16Array(ab, 0, n), halfToFloat) };
    case '<i8':
      return { dims, descr, data: new BigInt64Array(ab, 0, n) };
    case '<i4':
      return { dims, descr, data: new Int32Array(ab, 0, n) };
    case '|u1':
    case '|b1':
      return { dims, descr, data: new Uint8Array(ab, 0, n) };
    default:
      throw new CalibrationInputError(file, `dtype '${descr}' is not supported`);
  }
}

function toTensor(spec: ModelInputSpec, dims: number[], values: ArrayLike<number | bigint>, file: string): ort.Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  if (values.length !== n)
    throw new CalibrationInputError(file, `input '${spec.name}': ${values.length} values for shape [${dims}]`);
  const num = (v: number | bigint): number => Number(v);
  switch (spec.type) {
    case 'float32':
      return new ort.Tensor('float32', Float32Array.from(values, num), dims);
    case 'int64':
      return new ort.Tensor(
        'int64',
        BigInt64Array.from(values, (v) => BigInt(Math.trunc(num(v)))),
        dims,
      );
    case 'int32':
      return new ort.Tensor('int32', Int32Array.from(values, num), dims);
    case 'bool':
      return new ort.Tensor('bool', Uint8Array.from(values, num), dims);
    default:
      throw new CalibrationInputError(
        file,
        `input '${spec.name}' of type ${spec.type} cannot be read from calibration files`,
      );
  }
}

function flattenNested(
  v: unknown,
  dims: number[] = [],
  depth = 0,
  out: number[] = [],
): { dims: number[]; data: number[] } {
  if (Array.isArray(v)) {
    if (dims.length <= depth) dims.push(v.length);
    for (const x of v) flattenNested(x, dims, depth + 1, out);
  } else out.push(Number(v));
  return { dims, data: out };
}

/** Reads every sample in `dir` for a model with these inputs (sorted by file name). */
export function loadCalibrationInputs(dir: string, specs: readonly ModelInputSpec[]): Feeds[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new CalibrationInputError(dir, 'calibration input folder not found');
  const files = fs.readdirSync(dir).sort();
  const samples: Feeds[] = [];
  const npyGroups = new Map<string, Feeds>();
  for (const f of files) {
    const file = path.join(dir, f);
    if (f.endsWith('.json')) {
      const obj = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
      const feeds: Feeds = {};
      for (const spec of specs) {
        const v = obj[spec.name];
        if (v === undefined) throw new CalibrationInputError(file, `no value for input '${spec.name}'`);
        const { dims, data } =
          typeof v === 'object' && v !== null && !Array.isArray(v) && 'data' in v
            ? (v as unknown as { dims: number[]; data: number[] })
            : flattenNested(v);
        feeds[spec.name] = toTensor(spec, dims, data, file);
      }
      samples.push(feeds);
    } else if (f.endsWith('.npy')) {
      const arr = parseNpy(fs.readFileSync(file), file);
      const stem = f.slice(0, -4);
      const spec = specs.length === 1 ? specs[0]! : specs.find((s) => stem.endsWith(`.${s.name}`));
      if (!spec)
        throw new CalibrationInputError(
          file,
          `name it <sample>.<input>.npy, input one of ${specs.map((s) => s.name).join(', ')}`,
        );
      const key = specs.length === 1 ? stem : stem.slice(0, -(spec.name.length + 1));
      const feeds = npyGroups.get(key) ?? {};
      feeds[spec.name] = toTensor(spec, arr.dims, arr.data as ArrayLike<number | bigint>, file);
      npyGroups.set(key, feeds);
    }
  }
  for (const [key, feeds] of npyGroups) {
    const missing = specs.filter((s) => !feeds[s.name]);
    if (missing.length)
      throw new CalibrationInputError(path.join(dir, key), `missing .npy for input '${missing[0]!.name}'`);
    samples.push(feeds);
  }
  if (samples.length === 0) throw new CalibrationInputError(dir, 'no .json or .npy samples found');
  return samples;
}
