/**
 * Range selection from activation histograms: Percentile (clip the extreme tails) and Entropy (choose the
 * clipping threshold whose 128-level quantized distribution is closest in KL divergence to the observed one,
 * the TensorRT method onnxruntime's EntropyCalibrater follows).
 */

export const HISTOGRAM_BINS = 2048;

export class Histogram {
  readonly counts = new Float64Array(HISTOGRAM_BINS);
  constructor(
    readonly lo: number,
    readonly hi: number,
  ) {}

  get binWidth(): number {
    return (this.hi - this.lo) / HISTOGRAM_BINS || 1;
  }

  add(values: ArrayLike<number>, abs = false): void {
    const w = this.binWidth;
    const last = HISTOGRAM_BINS - 1;
    for (let i = 0; i < values.length; i++) {
      const v = abs ? Math.abs(values[i]!) : values[i]!;
      const b = Math.floor((v - this.lo) / w);
      this.counts[b < 0 ? 0 : b > last ? last : b]! += 1;
    }
  }
}

/** [lower, upper] cutting (100 − p)/2 % off each tail of a value histogram. */
export function percentileRange(h: Histogram, percentile: number): [number, number] {
  const total = h.counts.reduce((a, b) => a + b, 0);
  const tail = (total * (100 - percentile)) / 200;
  let acc = 0;
  let lo = 0;
  while (lo < HISTOGRAM_BINS - 1 && acc + h.counts[lo]! <= tail) acc += h.counts[lo++]!;
  acc = 0;
  let hi = HISTOGRAM_BINS - 1;
  while (hi > 0 && acc + h.counts[hi]! <= tail) acc += h.counts[hi--]!;
  return [h.lo + lo * h.binWidth, h.lo + (hi + 1) * h.binWidth];
}

function klDivergence(p: Float64Array, q: Float64Array): number {
  let ps = 0;
  let qs = 0;
  for (let i = 0; i < p.length; i++) {
    ps += p[i]!;
    qs += q[i]!;
  }
  let kl = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]! / ps;
    if (pi === 0) continue;
    const qi = q[i]! / qs;
    kl += qi === 0 ? pi * 20 : pi * Math.log(pi / qi); // an empty q bin where p has mass: large penalty
  }
  return kl;
}

/**
 * Threshold t on |x| minimising KL(P‖Q), P the histogram clipped at t (outliers folded into the last bin),
 * Q the same quantized into `levels` bins and expanded back over P's non-empty bins.
 */
export function entropyThreshold(absHist: Histogram, levels = 128, step = 16): number {
  const counts = absHist.counts;
  let best = HISTOGRAM_BINS;
  let bestKl = Infinity;
  for (let i = levels; i <= HISTOGRAM_BINS; i += step) {
    const p = counts.slice(0, i);
    let outliers = 0;
    for (let k = i; k < HISTOGRAM_BINS; k++) outliers += counts[k]!;
    p[i - 1]! += outliers;
    const q = new Float64Array(i);
    const per = i / levels;
    for (let j = 0; j < levels; j++) {
      const start = Math.floor(j * per);
      const end = j === levels - 1 ? i : Math.floor((j + 1) * per);
      let sum = 0;
      let nonzero = 0;
      for (let k = start; k < end; k++) {
        sum += counts[k]!;
        if (counts[k]! > 0) nonzero++;
      }
      for (let k = start; k < end; k++) if (counts[k]! > 0) q[k] = sum / nonzero;
    }
    const kl = klDivergence(p, q);
    if (kl < bestKl) {
      bestKl = kl;
      best = i;
    }
  }
  return best * absHist.binWidth + absHist.lo;
}
