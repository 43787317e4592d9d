/**
 * Readers for NumPy's `.npy` (format versions 1–3: magic, header length, a Python dict literal, raw data)
 * and `.npz` (a zip of `.npy` files, stored or deflated; numpy.savez / savez_compressed). Just enough of the
 * zip format: the central directory gives each member's local header offset, method and sizes.
 */
import * as zlib from 'node:zlib';

export type ArrayData = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array | Int8Array | Uint16Array;

/** A dense array read from a user file: an onnxruntime-node type name, dims, and data. */
export interface LoadedArray {
  readonly type: string;
  readonly dims: number[];
  readonly data: ArrayData | number[];
}

export class InputFileError extends Error {
  override readonly name = 'InputFileError';
  constructor(
    readonly file: string,
    detail: string,
    hint?: string,
  ) {
    super(`${file}: ${detail}${hint ? ` (${hint})` : ''}`);
  }
}

/** numpy dtype code (without byte order) → [ORT type, bytes, typed-array reader]. */
const NPY_TYPES: Record<string, [string, number, (b: ArrayBuffer, n: number) => ArrayData]> = {
  f4: ['float32', 4, (b, n) => new Float32Array(b, 0, n)],
  f8: ['float64', 8, (b, n) => new Float64Array(b, 0, n)],
  f2: ['float16', 2, (b, n) => new Uint16Array(b, 0, n)],
  i8: ['int64', 8, (b, n) => new BigInt64Array(b, 0, n)],
  i4: ['int32', 4, (b, n) => new Int32Array(b, 0, n)],
  i1: ['int8', 1, (b, n) => new Int8Array(b, 0, n)],
  u1: ['uint8', 1, (b, n) => new Uint8Array(b, 0, n)],
  b1: ['bool', 1, (b, n) => new Uint8Array(b, 0, n)],
};

export function parseNpy(buf: Uint8Array, file: string): LoadedArray {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (buf.length < 10 || magic.some((m, i) => buf[i] !== m))
    throw new InputFileError(file, 'not a .npy file (bad magic)');
  const major = buf[6]!;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = Buffer.from(buf.subarray(headerStart, headerStart + headerLen)).toString(
    major === 3 ? 'utf8' : 'latin1',
  );
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    throw new InputFileError(file, `unreadable .npy header: ${header.trim()}`);
  if (fortran === 'True')
    throw new InputFileError(file, 'Fortran-ordered array', 'save it with np.ascontiguousarray(x)');
  const order = descr[0]!;
  const code = descr.slice(1);
  const info = NPY_TYPES[code];
  if (!info || (order === '>' && info[1] > 1))
    throw new InputFileError(
      file,
      `unsupported dtype '${descr}'`,
      'use little-endian float32/float16/float64/int64/int32/int8/uint8/bool',
    );
  const dims = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const count = dims.reduce((a, b) => a * b, 1);
  const dataStart = headerStart + headerLen;
  const bytes = count * info[1];
  if (buf.length - dataStart < bytes)
    throw new InputFileError(file, `truncated: needs ${bytes} data bytes, has ${buf.length - dataStart}`);
  // Copy into a fresh, aligned buffer: typed-array views need offsets that are multiples of the element size.
  const copy = new Uint8Array(bytes);
  copy.set(buf.subarray(dataStart, dataStart + bytes));
  return { type: info[0], dims, data: info[2](copy.buffer, count) };
}

/** Members of a zip archive by name (only `.npy` members are decoded by `parseNpz`). */
function unzip(buf: Uint8Array, file: string): Map<string, Uint8Array> {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  // End of central directory record: signature 0x06054b50, found scanning back over a possible comment.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--)
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  if (eocd < 0) throw new InputFileError(file, 'not a zip archive (.npz expected)');
  const count = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  if (p === 0xffffffff)
    throw new InputFileError(file, 'zip64 archives are not supported', 'save smaller arrays or use .npy files');
  const out = new Map<string, Uint8Array>();
  for (let k = 0; k < count; k++) {
    if (view.getUint32(p, true) !== 0x02014b50) throw new InputFileError(file, 'corrupt zip central directory');
    const method = view.getUint16(p + 10, true);
    const compressed = view.getUint32(p + 20, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    const local = view.getUint32(p + 42, true);
    const name = Buffer.from(buf.subarray(p + 46, p + 46 + nameLen)).toString('utf8');
    p += 46 + nameLen + extraLen + commentLen;
    const dataStart = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const raw = buf.subarray(dataStart, dataStart + compressed);
    if (method === 0) out.set(name, raw);
    else if (method === 8) out.set(name, zlib.inflateRawSync(raw));
    else
      throw new InputFileError(
        file,
        `member '${name}' uses zip method ${method}`,
        'use np.savez or np.savez_compressed',
      );
  }
  return out;
}

export function parseNpz(buf: Uint8Array, file: string): Map<string, LoadedArray> {
  const arrays = new Map<string, LoadedArray>();
  for (const [name, bytes] of unzip(buf, file))
    if (name.endsWith('.npy')) arrays.set(name.slice(0, -4), parseNpy(bytes, `${file}:${name}`));
  return arrays;
}
