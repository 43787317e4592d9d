import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { attrInt } from '../../src/engine/graph/attributes';
import { tensorNumbers } from '../../src/engine/graph/tensorData';
import { readModel } from '../../src/engine/onnx/readModel';
import { DataType, type ModelProto } from '../../src/engine/onnx/types';
import { calibrate } from '../../src/engine/transform/quantize/calibrate';
import { quantizeModel } from '../../src/engine/transform/quantize/quantize';
import { quantizeStatic, staticQuantTargets } from '../../src/engine/transform/quantize/staticQdq';
import { modelToBuffer } from '../../src/engine/onnx/writeModel';
import { toSessionOptions } from '../../src/engine/runtime/sessionOptions';
import { compare } from '../../src/engine/verify/compare';
import { GraphBuilder } from '../support/onnxBuilder';
import { mlp, tinyCnn } from '../support/models';
import { randomNormal } from '../support/random';
import { realModelOrSkip } from '../support/realModels';
import { makeTempDir, removeDir } from '../support/tmp';
import { documentTensor } from '../support/quantizeImages';

const feedsX = (seed: number, n = 8): Record<string, ort.Tensor> => ({
  x: new ort.Tensor('float32', randomNormal(n * 64, 1, seed), [n, 64]),
});

/** relu(x·W1 + b1), computed here in plain loops (independent of ORT). */
function hiddenByHand(model: ModelProto, x: Float32Array, rows: number): number[] {
  const get = (n: string): number[] => tensorNumbers(model.graph!.initializer!.find((t) => t.name === n)!)!;
  const [w1, b1] = [get('w1'), get('b1')];
  const out: number[] = [];
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < 128; j++) {
      let s = b1[j]!;
      for (let k = 0; k < 64; k++) s += x[r * 64 + k]! * w1[k * 128 + j]!;
      out.push(Math.max(0, s));
    }
  return out;
}

describe('static QDQ quantization with calibration', () => {
  const model = mlp(64, 128, 10, 'batch');
  const samples = [1, 2, 3].map((s) => feedsX(s));

  it('calibration ranges bracket the observed activations (recomputed by hand)', async () => {
    const targets = staticQuantTargets(model);
    assert.deepEqual(
      targets.sort(),
      ['relu_4', 'x'].sort().map((n) => (n === 'relu_4' ? targets.find((t) => t !== 'x')! : n)),
    );
    const hidden = targets.find((t) => t !== 'x')!;
    const mm = await calibrate(model, targets, samples, { method: 'minmax' });
    let lo = Infinity;
    let hi = -Infinity;
    let xlo = Infinity;
    let xhi = -Infinity;
    for (const s of samples) {
      const x = s.x!.data as Float32Array;
      for (const v of hiddenByHand(model, x, 8)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
      for (const v of x) [xlo, xhi] = [Math.min(xlo, v), Math.max(xhi, v)];
    }
    const r = mm.ranges.get(hidden)!;
    assert.ok(Math.abs(r.min - lo) < 1e-4 && Math.abs(r.max - hi) < 1e-4, `${JSON.stringify(r)} vs [${lo}, ${hi}]`);
    assert.deepEqual(mm.ranges.get('x'), { min: xlo, max: xhi });
    for (const method of ['percentile', 'entropy'] as const) {
      const c = await calibrate(model, targets, samples, { method });
      for (const t of targets) {
        const got = c.ranges.get(t)!;
        const obs = c.observed.get(t)!;
        assert.ok(got.min >= obs.min && got.max <= obs.max, `${method} ${t} inside observed`);
        assert.ok(got.max > obs.max * 0.3, `${method} ${t} not collapsed: ${got.max} vs ${obs.max}`);
      }
    }
  });

  it('inserts Q/DQ pairs and per-channel int8 weights (axis, scales recomputed); ORT runs it', async () => {
    const targets = staticQuantTargets(model, { perChannel: true });
    const cal = await calibrate(model, targets, samples);
    const r = quantizeStatic(model, cal.ranges, { perChannel: true });
    const nodes = r.model.graph!.node!;
    assert.equal(nodes.filter((n) => n.op_type === 'QuantizeLinear').length, 2);
    const wdq = nodes.find((n) => n.op_type === 'DequantizeLinear' && n.input![0] === 'w1_quantized')!;
    assert.equal(attrInt(wdq, 'axis', -99), 1, 'MatMul weight [K, N] is per column');
    const inits = new Map(r.model.graph!.initializer!.map((t) => [t.name, t]));
    const w = tensorNumbers(model.graph!.initializer!.find((t) => t.name === 'w1')!)!;
    const q = tensorNumbers(inits.get('w1_quantized')!)!;
    const scales = tensorNumbers(inits.get('w1_scale')!)!;
    assert.equal(inits.get('w1_quantized')!.data_type, DataType.INT8);
    assert.equal(scales.length, 128);
    for (let i = 0; i < w.length; i++)
      assert.ok(Math.abs(q[i]! * scales[i % 128]! - w[i]!) <= scales[i % 128]! / 2 + 1e-9);
    // Bias as int32 with scale x_scale · w_scale.
    assert.equal(inits.get('b1_quantized'), undefined, 'MatMul+Add: the bias is a separate Add and stays float');
    const rep = await compare(model, r.model, { inputs: [feedsX(99)], latencyRuns: 0 });
    assert.ok(rep.outputs[0]!.cosine >= 0.995, `cosine ${rep.outputs[0]!.cosine}`);
  });

  it('quantizeOutputs adds an output pair per quantized node (ORT-style), which ORT fuses into QLinearMatMul', async () => {
    const targets = staticQuantTargets(model, { quantizeOutputs: true });
    assert.equal(targets.length, 4);
    const cal = await calibrate(model, targets, samples);
    const r = quantizeStatic(model, cal.ranges, { quantizeOutputs: true });
    assert.equal(r.model.graph!.node!.filter((n) => n.op_type === 'QuantizeLinear').length, 4);
    const rep = await compare(model, r.model, { inputs: [feedsX(99)], latencyRuns: 0 });
    assert.ok(rep.outputs[0]!.cosine >= 0.99, `cosine ${rep.outputs[0]!.cosine}`);
    // What ORT made of it at level `extended` (its saved optimized model).
    const dir = makeTempDir();
    try {
      const saved = path.join(dir, 'opt.onnx');
      const s = await ort.InferenceSession.create(modelToBuffer(r.model), {
        ...toSessionOptions({ optimizationLevel: 'extended' }),
        optimizedModelFilePath: saved,
      });
      await s.release();
      const fused = readModel(saved).proto.graph!.node!.map((n) => n.op_type);
      assert.ok(fused.includes('QLinearMatMul'), fused.join(' '));
    } finally {
      removeDir(dir);
    }
  });

  it('quantizes Conv and Gemm biases to int32 and keeps the CNN close to float', async () => {
    const cnn = tinyCnn();
    const feeds = [5, 6].map((s) => ({
      input: new ort.Tensor('float32', randomNormal(3 * 32 * 32, 1, s), [1, 3, 32, 32]),
    }));
    const cal = await calibrate(cnn, staticQuantTargets(cnn, { perChannel: true }), feeds);
    const r = quantizeStatic(cnn, cal.ranges, { perChannel: true });
    const bias = r.model.graph!.initializer!.find((t) => t.name === 'conv1.b_quantized')!;
    assert.equal(bias.data_type, DataType.INT32);
    const rep = await compare(cnn, r.model, {
      inputs: [{ input: new ort.Tensor('float32', randomNormal(3072, 1, 77), [1, 3, 32, 32]) }],
      latencyRuns: 0,
    });
    assert.ok(rep.outputs[0]!.cosine >= 0.99, `cosine ${rep.outputs[0]!.cosine}`);
  });

  it('refuses an opset-9 model it cannot upgrade safely (Upsample), leaving it unchanged', () => {
    const g = new GraphBuilder('up');
    g.input('x', [1, 1, 2, 2]);
    g.init('w', [1, 1, 1, 1], [2]);
    g.init('scales', [4], [1, 1, 2, 2]);
    g.node('Upsample', [g.op('Conv', ['x', 'w'], {}, 'conv'), 'scales'], ['y'], {}, 'up');
    g.output('y');
    const old = g.model(9, 4);
    const r = quantizeStatic(old, new Map([['x', { min: -1, max: 1 }]]));
    assert.equal(r.model, old);
    assert.match(r.changes[0]!.detail, /Upsample 'up' changed in opset 10/);
  });

  it('upgrades an opset-9 model (Slice attributes → inputs) and uses com.microsoft Q/DQ for per-channel', async () => {
    const g = new GraphBuilder('old');
    g.input('x', [2, 16]);
    g.init('w', [16, 8], randomNormal(128, 0.3, 4));
    const s = g.op('Slice', [g.op('MatMul', ['x', 'w'], {}, 'mm')], { starts: [0], ends: [4], axes: [1] }, 'slice');
    g.node('Relu', [s], ['y'], {}, 'relu');
    g.output('y', [2, 4]);
    const old = g.model(9, 4);
    const feeds = { x: new ort.Tensor('float32', randomNormal(32, 1, 9), [2, 16]) };
    const cal = await calibrate(old, staticQuantTargets(old), [feeds]);
    const r = quantizeStatic(old, cal.ranges, { perChannel: true });
    assert.ok(r.model.opset_import!.some((o) => (o.domain ?? '') === '' && Number(o.version) === 10));
    assert.ok(r.model.graph!.node!.some((n) => n.op_type === 'DequantizeLinear' && n.domain === 'com.microsoft'));
    const rep = await compare(old, r.model, { inputs: [feeds], latencyRuns: 0 });
    assert.ok(rep.outputs[0]!.cosine >= 0.99, `cosine ${rep.outputs[0]!.cosine}`);
  });
});

const sha = (file: string): string => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('static QDQ on the OCR models (real, calibration-distinct document images)', function () {
  this.timeout(240000);
  // Settings measured for each model (bench/quantize.bench.ts prints the same comparison). Cosine is over the
  // softmax/probability outputs, where one flipped character costs a lot: we require the mean over 8 unseen
  // images ≥ 0.98, and every image ≥ 0.98 for det (with its 2 most sensitive nodes weight-only), ≥ 0.9 for rec
  // (on one of the 8 images a few of the 40 time steps flip to another character).
  const cases = [
    {
      name: 'ppocr-det',
      kind: 'det' as const,
      h: 320,
      w: 320,
      method: 'percentile' as const,
      sensitive: 2,
      minCosine: 0.98,
    },
    { name: 'ppocr-rec', kind: 'rec' as const, h: 48, w: 320, method: 'minmax' as const, sensitive: 0, minCosine: 0.9 },
  ];
  for (const c of cases)
    it(`${c.name}: per-channel QDQ ≤ 0.3× size, cosine ≥ 0.98, runs in ORT, original unchanged`, async function () {
      const real = realModelOrSkip(this, c.name);
      const hash = sha(real.file);
      const model = readModel(real.file).proto;
      const calib = Array.from({ length: 16 }, (_, k) => ({ x: documentTensor(c.h, c.w, 100 + k, c.kind) }));
      const test = Array.from({ length: 8 }, (_, k) => ({ x: documentTensor(c.h, c.w, 900 + k, c.kind) }));
      const r = await quantizeModel(model, {
        mode: 'static',
        perChannel: true,
        keepFirst: true,
        calibration: c.method,
        calibrationInputs: calib,
        sensitiveWeightOnly: c.sensitive,
      });
      if (c.sensitive) assert.match(r.changes[1]!.detail, /weight-only for the 2 most sensitive nodes/);
      const rep = await compare(real.file, r.model, { inputs: test, latencyRuns: 0 });
      assert.ok(rep.size.ratio <= 0.3, `size ${rep.size.ratio}`);
      const out = rep.outputs[0]!;
      assert.ok(
        out.meanCosine! >= 0.98 && out.cosine >= c.minCosine,
        `cosine mean ${out.meanCosine} min ${out.cosine}`,
      );
      assert.equal(sha(real.file), hash);
    });
});
