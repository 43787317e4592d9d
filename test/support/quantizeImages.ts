/**
 * Synthetic document images for calibrating and checking the OCR models: lines of real characters drawn
 * with a 5×7 bitmap font on paper-coloured, slightly noisy background. Random noise is useless there
 * (ppocr-det answers "no text", ≈ 0 everywhere, and ppocr-rec "blank" at every step, so every error metric
 * measures noise). Normalised as PaddleOCR does: det uses ImageNet mean/std, rec (x/255 − 0.5)/0.5.
 */
import * as ort from 'onnxruntime-node';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 5×7 glyphs, one string of 35 bits (rows top to bottom) per character. */
const FONT: Record<string, string> = {
  '0': '01110100011001110101110011000101110',
  '1': '00100011000010000100001000010001110',
  '2': '01110100010000100010001000100011111',
  '3': '11111000100010000010000011000101110',
  '4': '00010001100101010010111110001000010',
  '5': '11111100001111000001000011000101110',
  '6': '00110010001000011110100011000101110',
  '7': '11111000010001000100010000100001000',
  '8': '01110100011000101110100011000101110',
  '9': '01110100011000101111000010001001100',
  A: '01110100011000111111100011000110001',
  E: '11111100001000011110100001000011111',
  H: '10001100011000111111100011000110001',
  L: '10000100001000010000100001000011111',
  T: '11111001000010000100001000010000100',
  O: '01110100011000110001100011000101110',
};
const CHARS = Object.keys(FONT);

function drawLine(
  px: Float32Array,
  w: number,
  h: number,
  y0: number,
  scale: number,
  x0: number,
  r: () => number,
): void {
  const ink = 10 + r() * 50;
  let x = x0;
  const end = w - Math.floor(r() * w * 0.3) - 6 * scale;
  while (x < end) {
    if (r() < 0.15) {
      x += 4 * scale; // a space
      continue;
    }
    const bits = FONT[CHARS[Math.floor(r() * CHARS.length)]!]!;
    for (let row = 0; row < 7; row++)
      for (let col = 0; col < 5; col++)
        if (bits[row * 5 + col] === '1')
          for (let dy = 0; dy < scale; dy++)
            for (let dx = 0; dx < scale; dx++) {
              const y = y0 + row * scale + dy;
              const xx = x + col * scale + dx;
              if (y < h && xx < w) px[y * w + xx] = ink;
            }
    x += 6 * scale;
  }
}

/** Gray levels 0..255 in [h, w]: one centred text line when `singleLine` (rec crops), else several. */
export function documentPixels(h: number, w: number, seed: number, singleLine: boolean): Float32Array {
  const r = rng(seed);
  const px = new Float32Array(h * w).fill(225 + r() * 25);
  if (singleLine) {
    const scale = Math.max(1, Math.floor((h * 0.7) / 7));
    drawLine(px, w, h, Math.floor((h - 7 * scale) / 2), scale, 2 + Math.floor(r() * 8), r);
  } else {
    for (let y = 4 + Math.floor(r() * 10); y < h - 16;) {
      const scale = 2 + Math.floor(r() * 3);
      drawLine(px, w, h, y, scale, 4 + Math.floor(r() * w * 0.2), r);
      y += 7 * scale + 6 + Math.floor(r() * 20);
    }
  }
  for (let i = 0; i < px.length; i++) px[i] = Math.min(255, Math.max(0, px[i]! + (r() - 0.5) * 10));
  return px;
}

/** An [1, 3, h, w] float tensor of a document image, normalised for ppocr 'det' or 'rec'. */
export function documentTensor(h: number, w: number, seed: number, kind: 'det' | 'rec'): ort.Tensor {
  const px = documentPixels(h, w, seed, kind === 'rec');
  const mean = kind === 'det' ? [0.485, 0.456, 0.406] : [0.5, 0.5, 0.5];
  const std = kind === 'det' ? [0.229, 0.224, 0.225] : [0.5, 0.5, 0.5];
  const data = new Float32Array(3 * h * w);
  for (let c = 0; c < 3; c++) for (let i = 0; i < h * w; i++) data[c * h * w + i] = (px[i]! / 255 - mean[c]!) / std[c]!;
  return new ort.Tensor('float32', data, [1, 3, h, w]);
}
