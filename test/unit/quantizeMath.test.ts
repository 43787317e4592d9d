import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { entropyThreshold, Histogram, percentileRange } from '../../src/engine/transform/quantize/histogram';
import { quantizeBlocks4 } from '../../src/engine/transform/quantize/int4';
import {
  quantParams,
  quantizeWeight,
  quantRange,
  roundHalfEven,
  type QuantType,
} from '../../src/engine/transform/quantize/quantMath';

const f32 = (xs: number[]): Float32Array => Float32Array.from(xs);

describe('quantization arithmetic', () => {
  it('rounds half to even, as QuantizeLinear specifies', () => {
    assert.deepEqual([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, 2.6].map(roundHalfEven), [0, 2, 2, -0, -2, -2, 2, 3]);
  });

  it('symmetric int8 maps ±max|x| to ±127 with zero point 0', () => {
    const p = quantParams(-2, 1, 'int8', true);
    assert.equal(p.zeroPoint, 0);
    assert.equal(p.scale, Math.fround(2 / 127));
  });

  it('asymmetric uint8 spans [min, max] and keeps 0 exact', () => {
    const p = quantParams(-1, 3, 'uint8', false);
    assert.equal(p.scale, Math.fround(4 / 255));
    // zero point = round(0 - min/scale) = round(63.75) = 64; then 0 dequantizes to exactly 0.
    assert.equal(p.zeroPoint, 64);
  });

  it('reduceRange uses 7 bits', () => {
    assert.deepEqual(quantRange('uint8', true), { qmin: 0, qmax: 127 });
    assert.equal(quantParams(-1, 1, 'int8', true, true).scale, Math.fround(1 / 64));
  });

  for (const [type, symmetric] of [
    ['int8', true],
    ['uint8', false],
    ['uint8', true],
  ] as [QuantType, boolean][])
    it(`round-trip error ≤ scale/2 per element (${type}, ${symmetric ? 'symmetric' : 'asymmetric'}, per tensor and per channel)`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.float({ min: -100, max: 100, noNaN: true, noDefaultInfinity: true }), {
            minLength: 6,
            maxLength: 60,
          }),
          (raw) => {
            const n = raw.length - (raw.length % 3);
            const values = f32(raw.slice(0, n));
            for (const axis of [undefined, 1]) {
              const q = quantizeWeight(values, [n / 3, 3], type, symmetric, { axis });
              for (let i = 0; i < n; i++) {
                const p = q.params[axis === undefined ? 0 : i % 3]!;
                const back = (q.data[i]! - p.zeroPoint) * p.scale;
                assert.ok(Math.abs(back - values[i]!) <= p.scale / 2 + 1e-6 * p.scale, `${values[i]} → ${back}`);
              }
            }
          },
        ),
        { numRuns: 100 },
      );
    });

  it('int4 blocks: codes unpack (low nibble first) and dequantize within scale/2', () => {
    for (const symmetric of [true, false]) {
      const k = 40; // not a multiple of the block: the last block is zero-padded
      const n = 3;
      const w = Float32Array.from({ length: k * n }, (_, i) => Math.sin(i * 1.7) * (1 + (i % 5)));
      const q = quantizeBlocks4(w, k, n, 32, symmetric);
      assert.equal(q.nBlocks, 2);
      assert.equal(q.packed.length, n * 2 * 16);
      for (let col = 0; col < n; col++)
        for (let r = 0; r < k; r++) {
          const b = Math.floor(r / 32);
          const s = col * 2 + b;
          const byte = q.packed[s * 16 + ((r % 32) >> 1)]!;
          const code = r % 2 ? byte >> 4 : byte & 15;
          const back = (code - q.zeroPoints[s]!) * q.scales[s]!;
          assert.ok(Math.abs(back - w[r * n + col]!) <= q.scales[s]! / 2 + 1e-6, `col ${col} row ${r}`);
        }
    }
  });
});

describe('calibration histograms', () => {
  const values = Float64Array.from({ length: 100000 }, (_, i) => Math.sin(i) * 2);
  values[5] = 500; // one outlier

  it('percentile clips the outlier tail and stays inside [min, max]', () => {
    const h = new Histogram(-2, 500);
    h.add(values);
    const [lo, hi] = percentileRange(h, 99.99);
    assert.ok(lo >= -2 && lo < -1.9, `lo ${lo}`);
    assert.ok(hi < 3 && hi >= 1.99, `hi ${hi}`);
  });

  it('entropy picks a threshold near the bulk, far below the outlier', () => {
    const h = new Histogram(0, 500);
    h.add(values, true);
    const t = entropyThreshold(h);
    assert.ok(t > 1.5 && t < 50, `threshold ${t}`);
  });
});
