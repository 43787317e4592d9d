/**
 * Images as model inputs (`--inputs photo.png|.jpg`): a PNG decoded in plain Node (zlib + the five PNG row
 * filters, PNG spec §9) or a JPEG (jpeg-js), resized bilinearly to the image input's planned H×W, laid out NCHW (or NHWC when the last dim
 * holds the channels), values scaled to [0, 1]. No ORT and no native code.
 */
import * as zlib from 'node:zlib';
import * as jpeg from 'jpeg-js';
import { InputFileError, type LoadedArray } from './npyFormat';
import type { ModelInputSpec } from './modelInputs';

export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  /** RGB, 8 bits per channel, row-major. */
  readonly rgb: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Channels per colour type: gray, RGB, (palette unsupported), gray+alpha, RGBA. */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/**
 * A baseline or progressive JPEG, decoded by jpeg-js (pure JS). Its resolution and memory limits stand: a
 * hostile "decompression bomb" header is refused with a clear error instead of allocating gigabytes.
 */
export function decodeJpeg(buf: Buffer, file: string): DecodedImage {
  try {
    const img = jpeg.decode(buf, {
      useTArray: true,
      formatAsRGBA: false,
      maxResolutionInMP: 100,
      maxMemoryUsageInMB: 512,
    });
    return { width: img.width, height: img.height, rgb: img.data };
  } catch (e) {
    throw new InputFileError(file, `not a JPEG image this tool can decode: ${(e as Error).message}`);
  }
}

export function decodePng(buf: Buffer, file: string): DecodedImage {
  if (buf.length < 8 || !buf.subarray(0, 8).equals(SIGNATURE)) throw new InputFileError(file, 'not a PNG file');
  let width = 0;
  let height = 0;
  let depth = 0;
  let colour = -1;
  let interlace = 0;
  const idat: Buffer[] = [];
  for (let at = 8; at + 8 <= buf.length;) {
    const len = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    const data = buf.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      depth = data[8]!;
      colour = data[9]!;
      interlace = data[12]!;
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    at += 12 + len;
  }
  const channels = CHANNELS[colour];
  if (depth !== 8 || channels === undefined || interlace !== 0)
    throw new InputFileError(
      file,
      `PNG with bit depth ${depth}, colour type ${colour}${interlace ? ', interlaced' : ''} is not supported`,
      'save it as 8-bit RGB, RGBA or grayscale without interlacing, or pass the pixels as .npy',
    );
  let raw: Buffer;
  try {
    raw = zlib.inflateSync(Buffer.concat(idat));
  } catch (e) {
    throw new InputFileError(file, `corrupt PNG image data: ${(e as Error).message}`);
  }
  const stride = width * channels;
  if (raw.length < height * (stride + 1)) throw new InputFileError(file, 'the PNG image data is truncated');
  const px = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = y * (stride + 1) + 1;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? px[y * stride + x - channels]! : 0;
      const b = y > 0 ? px[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? px[(y - 1) * stride + x - channels]! : 0;
      const v = raw[src + x]!;
      const pred = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter];
      if (pred === undefined) throw new InputFileError(file, `PNG row ${y} has an unknown filter ${filter}`);
      px[y * stride + x] = (v + pred) & 0xff;
    }
  }
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++)
    for (let k = 0; k < 3; k++) rgb[i * 3 + k] = px[i * channels + (channels >= 3 ? k : 0)]!;
  return { width, height, rgb };
}

/** Bilinear sample of channel k at (x, y) in source pixel coordinates (half-pixel centres, edge clamped). */
function sample(img: DecodedImage, x: number, y: number, k: number): number {
  const x0 = Math.max(0, Math.min(img.width - 1, Math.floor(x)));
  const y0 = Math.max(0, Math.min(img.height - 1, Math.floor(y)));
  const x1 = Math.min(img.width - 1, x0 + 1);
  const y1 = Math.min(img.height - 1, y0 + 1);
  const fx = Math.max(0, Math.min(1, x - x0));
  const fy = Math.max(0, Math.min(1, y - y0));
  const at = (xx: number, yy: number): number => img.rgb[(yy * img.width + xx) * 3 + k]!;
  return (at(x0, y0) * (1 - fx) + at(x1, y0) * fx) * (1 - fy) + (at(x0, y1) * (1 - fx) + at(x1, y1) * fx) * fy;
}

/**
 * The image as the model's image input: the one rank-4 float input, at its planned shape (NCHW, or NHWC
 * when the last dim is 1 or 3 and the second is not), pixels resized to H×W and scaled to [0, 1].
 */
export function imageAsInput(
  img: DecodedImage,
  specs: readonly ModelInputSpec[],
  file: string,
): Map<string, LoadedArray> {
  const candidates = specs.filter((s) => s.shape.length === 4 && s.type.startsWith('float'));
  if (candidates.length !== 1)
    throw new InputFileError(
      file,
      `an image feeds a model with one rank-4 float input; this one has ${candidates.length}`,
      'pass the pixels per input in .npz or .json',
    );
  const spec = candidates[0]!;
  const dims = spec.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 0));
  if (dims.some((d) => d === 0))
    throw new InputFileError(file, `input '${spec.name}' has open dims`, `pass --shape ${spec.name}=1x3x224x224`);
  const nhwc = (dims[3] === 3 || dims[3] === 1) && dims[1] !== 3 && dims[1] !== 1;
  const [n, c, h, w] = nhwc ? [dims[0]!, dims[3]!, dims[1]!, dims[2]!] : [dims[0]!, dims[1]!, dims[2]!, dims[3]!];
  const data = new Array<number>(n * c * h * w);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const sx = ((x + 0.5) * img.width) / w - 0.5;
        const sy = ((y + 0.5) * img.height) / h - 0.5;
        const rgb = [0, 1, 2].map((k) => sample(img, sx, sy, k) / 255);
        const gray = 0.299 * rgb[0]! + 0.587 * rgb[1]! + 0.114 * rgb[2]!;
        for (let k = 0; k < c; k++) {
          const v = c === 1 ? gray : (rgb[k] ?? 0);
          data[nhwc ? ((b * h + y) * w + x) * c + k : ((b * c + k) * h + y) * w + x] = v;
        }
      }
  return new Map([[spec.name, { type: 'json', dims, data }]]);
}
