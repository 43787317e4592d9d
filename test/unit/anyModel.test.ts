/**
 * Any model a user brings, with NO input flags: each family built in code profiles, optimizes (dynamic int8),
 * compares and advises through the CLI, prints the dims it assumed and the values it fed, and its numbers are
 * real (a full-size input, outputs that agree after quantization, not the degenerate 1×1 or zero cosine).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { writeModel } from '../../src/engine/onnx/writeModel';
import type { ModelProto } from '../../src/engine/onnx/types';
import { DataType } from '../../src/engine/onnx/types';
import { captureIO } from '../support/capture';
import { GraphBuilder } from '../support/onnxBuilder';
import * as jpeg from 'jpeg-js';
import { encodePng } from '../support/pngWriter';
import { resolveFeeds } from '../../src/engine/runtime/feedSource';
import {
  bertStyleEncoder,
  dynamicCnn,
  gptStyleDecoder,
  oneHotClassifier,
  statefulAudio,
} from '../support/familyModels';
import { makeTempDir, removeDir } from '../support/tmp';

interface Family {
  readonly build: () => ModelProto;
  /** The shape each input must be fed at, with no flags. */
  readonly fed: Record<string, number[]>;
  /** A line the printed values table must hold. */
  readonly valueLine: RegExp;
}

const FAMILIES: Record<string, Family> = {
  'bert-style encoder': {
    build: bertStyleEncoder,
    fed: { input_ids: [1, 128], attention_mask: [1, 128], token_type_ids: [1, 128] },
    valueLine: /token_type_ids\s+ints in \[0, 2\)/,
  },
  'gpt-style decoder with past key/values': {
    build: gptStyleDecoder,
    fed: { input_ids: [1, 128], attention_mask: [1, 256], 'past_key_values.0.key': [1, 4, 128, 16] },
    valueLine: /input_ids\s+ints in \[0, 500\)/,
  },
  'cnn with fully dynamic [N,3,H,W]': {
    build: dynamicCnn,
    fed: { pixel_values: [1, 3, 224, 224] },
    valueLine: /pixel_values\s+N\(0, 1\)/,
  },
  'audio model with state and a sample rate': {
    build: statefulAudio,
    fed: { input: [1, 512], state: [2, 1, 64], sr: [] },
    valueLine: /sr\s+all 16000/,
  },
  'int input feeding OneHot': {
    build: oneHotClassifier,
    fed: { labels: [1] },
    valueLine: /labels\s+ints in \[0, 10\)/,
  },
};

describe('any model, no input flags', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => (dir = makeTempDir()));
  after(() => removeDir(dir));

  for (const [name, family] of Object.entries(FAMILIES)) {
    it(`${name}: profile, optimize (dynamic int8), compare, sweep and advise`, async () => {
      const file = path.join(dir, `${name.replace(/\W+/g, '_')}.onnx`);
      writeModel(family.build(), file);

      const prof = captureIO();
      assert.equal(
        await main(['profile', file, '--runs', '2', '--warmup', '1', '--json'], prof),
        0,
        prof.stderr.join('\n'),
      );
      const report = JSON.parse(prof.stdout.join('')) as {
        inputs: { name: string; dims: number[] }[];
        assumedDims: string[];
        inputPlan: { assumed: { input: string; value: number }[]; ranges: { input: string }[] };
      };
      for (const [input, dims] of Object.entries(family.fed))
        assert.deepEqual(report.inputs.find((i) => i.name === input)?.dims, dims, `${input} fed shape`);
      assert.deepEqual(report.assumedDims, [], 'no dim silently set to 1');
      assert.ok(report.inputPlan.assumed.length > 0, 'the assumed dims are reported');
      assert.equal(report.inputPlan.ranges.length, report.inputs.length, 'every input has a value range');

      const text = captureIO();
      assert.equal(await main(['profile', file, '--runs', '1', '--warmup', '0'], text), 0, text.stderr.join('\n'));
      assert.match(text.stdout.join('\n'), /assumed input dims/);
      assert.match(text.stdout.join('\n'), family.valueLine);

      const out = path.join(dir, `${path.basename(file, '.onnx')}.int8.onnx`);
      const opt = captureIO();
      assert.equal(
        await main(['optimize', file, '--quantize', 'dynamic', '-o', out, '--runs', '2', '--json'], opt),
        0,
        opt.stderr.join('\n'),
      );
      const optimized = JSON.parse(opt.stdout.join('')) as { comparison: { outputs: unknown[] } };
      assert.ok(fs.existsSync(out));
      assert.ok(optimized.comparison.outputs.length > 0);

      const cmp = captureIO();
      assert.equal(await main(['compare', file, out, '--runs', '0', '--json'], cmp), 0, cmp.stderr.join('\n'));
      const comparison = JSON.parse(cmp.stdout.join('')) as {
        outputs: { name: string; cosine: number }[];
        inputPlan: { ranges: unknown[] };
      };
      for (const o of comparison.outputs)
        assert.ok(o.cosine > 0.9, `${o.name}: int8 output agrees with fp32 (worst cosine ${o.cosine})`);
      assert.ok(comparison.inputPlan.ranges.length > 0);

      const sw = captureIO();
      assert.equal(
        await main(['sweep', file, '--threads', '1', '--batch', '1,2', '--runs', '1', '--warmup', '0'], sw),
        0,
        sw.stderr.join('\n'),
      );
      assert.match(sw.stdout.join('\n'), family.valueLine);

      const adv = captureIO();
      assert.equal(await main(['advise', file, '--no-checks'], adv), 0, adv.stderr.join('\n'));
      assert.match(adv.stdout.join('\n'), /assumed input dims|input values/);
      assert.match(adv.stdout.join('\n'), family.valueLine);
    });
  }
});

describe('onnxruntime errors reach the user translated', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => (dir = makeTempDir()));
  after(() => removeDir(dir));

  it('a reflect Pad on a too-small input names the node, its op, the fed shapes and the flag that fixes it', async () => {
    const g = new GraphBuilder('reflect');
    g.input('x', ['', 1, '', '']);
    g.init('pads', [8], [0, 0, 2, 2, 0, 0, 2, 2], DataType.INT64);
    g.node('Pad', ['x', 'pads'], ['y'], { mode: 'reflect' }, 'reflect_pad');
    g.output('y', ['', 1, '', '']);
    const file = path.join(dir, 'reflect.onnx');
    writeModel(g.model(17, 8), file);
    // The comma form of --shape is accepted by profile like every other command.
    const io = captureIO();
    assert.equal(await main(['profile', file, '--runs', '1', '--warmup', '0', '--shape', 'x=1,1,1,1'], io), 2);
    const err = io.stderr.join('\n');
    assert.match(err, /node 'reflect_pad' \(Pad\)/);
    assert.match(err, /x\[1x1x1x1\]/);
    assert.match(err, /--shape x=1x1x320x320/);
    // Without flags the planned 224×224 input runs.
    const ok = captureIO();
    assert.equal(await main(['profile', file, '--runs', '1', '--warmup', '0'], ok), 0, ok.stderr.join('\n'));
  });
});

describe('--inputs accepts a folder: a comparison and calibration set', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => (dir = makeTempDir()));
  after(() => removeDir(dir));

  it('compare runs one input set per file; optimize calibrates on them; profile reads the first', async () => {
    const file = path.join(dir, 'onehot.onnx');
    writeModel(oneHotClassifier(), file);
    const set = path.join(dir, 'set');
    fs.mkdirSync(set);
    [3, 7, 9].forEach((label, i) =>
      fs.writeFileSync(path.join(set, `s${i}.json`), JSON.stringify({ labels: [label] })),
    );
    fs.writeFileSync(path.join(set, 'notes.txt'), 'not an input file');
    const cmp = captureIO();
    assert.equal(
      await main(['compare', file, file, '--runs', '0', '--inputs', set, '--json'], cmp),
      0,
      cmp.stderr.join('\n'),
    );
    assert.equal((JSON.parse(cmp.stdout.join('')) as { inputSets: number }).inputSets, 3);

    const out = path.join(dir, 'onehot.static.onnx');
    const opt = captureIO();
    assert.equal(
      await main(['optimize', file, '--quantize', 'static', '-o', out, '--inputs', set, '--runs', '0', '--json'], opt),
      0,
      opt.stderr.join('\n'),
    );
    const result = JSON.parse(opt.stdout.join('')) as {
      comparison: { inputSets: number };
      steps: { changes: { detail: string }[] }[];
    };
    assert.equal(result.comparison.inputSets, 3);
    assert.ok(
      result.steps[0]!.changes.some((c) => /on 3 real \(--inputs /.test(c.detail)),
      'calibrated on the 3 files',
    );

    const prof = captureIO();
    assert.equal(await main(['profile', file, '--runs', '1', '--warmup', '0', '--inputs', set, '--json'], prof), 0);
    const report = JSON.parse(prof.stdout.join('')) as { inputs: { name: string; origin: string }[] };
    assert.equal(report.inputs[0]!.origin, 'file');

    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    const bad = captureIO();
    assert.equal(await main(['compare', file, file, '--runs', '0', '--inputs', empty], bad), 2);
    assert.match(bad.stderr.join('\n'), /empty.*holds no \.npy, \.npz or \.json input files/);
  });
});

describe('--inputs accepts a PNG image for an image model', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => (dir = makeTempDir()));
  after(() => removeDir(dir));

  const specs = [{ name: 'pixel_values', type: 'float32', shape: ['', 3, '', ''] as (string | number)[] }];

  it('decodes every row filter, resizes to the planned shape and lays out NCHW in [0, 1]', () => {
    for (const filter of [0, 1, 2]) {
      const png = path.join(dir, `left-red-right-blue-${filter}.png`);
      // Left half red, right half blue, 8×4 pixels.
      fs.writeFileSync(
        png,
        encodePng(8, 4, (x) => (x < 4 ? [255, 0, 0] : [0, 0, 255]), filter),
      );
      const { feeds, origin } = resolveFeeds(specs, { inputsFile: png, shapes: { pixel_values: [1, 3, 2, 4] } });
      const t = feeds.pixel_values!;
      assert.equal(origin.pixel_values, 'file');
      assert.deepEqual([...t.dims], [1, 3, 2, 4]);
      const d = t.data as Float32Array;
      const plane = (k: number): number[] =>
        Array.from(d.subarray(k * 8, k * 8 + 8), (v) => Math.round(v * 1000) / 1000);
      // Resized 8→4 wide: output pixels 0,1 sample the red half, 2,3 the blue half (pixel centres fall inside).
      assert.deepEqual(plane(0), [1, 1, 0, 0, 1, 1, 0, 0]);
      assert.deepEqual(plane(1), [0, 0, 0, 0, 0, 0, 0, 0]);
      assert.deepEqual(plane(2), [0, 0, 1, 1, 0, 0, 1, 1]);
    }
  });

  it('decodes a JPEG too (jpeg-js), and refuses a broken one with a clear error', () => {
    // Left half red, right half blue, 32×16: the halves meet on an 8×8 block boundary, so JPEG keeps them clean.
    const w = 32;
    const h = 16;
    const rgba = Buffer.alloc(w * h * 4);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) rgba.set(x < w / 2 ? [255, 0, 0, 255] : [0, 0, 255, 255], (y * w + x) * 4);
    const file = path.join(dir, 'halves.jpg');
    fs.writeFileSync(file, jpeg.encode({ data: rgba, width: w, height: h }, 95).data);
    const { feeds } = resolveFeeds(specs, { inputsFile: file, shapes: { pixel_values: [1, 3, 2, 4] } });
    const d = feeds.pixel_values!.data as Float32Array;
    // Output pixels sample x = 4, 12 (red half) and 20, 28 (blue half); JPEG is lossy: within 0.1.
    const expected = [
      [1, 1, 0, 0, 1, 1, 0, 0],
      [0, 0, 0, 0, 0, 0, 0, 0],
      [0, 0, 1, 1, 0, 0, 1, 1],
    ];
    for (let k = 0; k < 3; k++)
      for (let i = 0; i < 8; i++)
        assert.ok(Math.abs(d[k * 8 + i]! - expected[k]![i]!) < 0.1, `plane ${k} px ${i}: ${d[k * 8 + i]}`);
    const broken = path.join(dir, 'broken.jpg');
    fs.writeFileSync(broken, Buffer.from([0xff, 0xd8, 0xff, 0x00, 1, 2, 3]));
    assert.throws(
      () => resolveFeeds(specs, { inputsFile: broken }),
      /broken\.jpg.*not a JPEG image this tool can decode/,
    );
  });

  it('profile and compare a fully dynamic CNN on a PNG with no other flag', async () => {
    const file = path.join(dir, 'cnn.onnx');
    writeModel(dynamicCnn(), file);
    const png = path.join(dir, 'gradient.png');
    fs.writeFileSync(
      png,
      encodePng(50, 40, (x, y) => [x * 5, y * 6, 128]),
    );
    const io = captureIO();
    assert.equal(
      await main(['profile', file, '--runs', '1', '--warmup', '0', '--inputs', png, '--json'], io),
      0,
      io.stderr.join('\n'),
    );
    const r = JSON.parse(io.stdout.join('')) as { inputs: { dims: number[]; origin: string }[] };
    assert.deepEqual(r.inputs[0], { name: 'pixel_values', type: 'float32', dims: [1, 3, 224, 224], origin: 'file' });
    const jpg = path.join(dir, 'photo.jpg');
    fs.writeFileSync(jpg, Buffer.from([0xff, 0xd8, 0xff]));
    const bad = captureIO();
    assert.equal(await main(['compare', file, file, '--runs', '0', '--inputs', jpg], bad), 2);
    assert.match(bad.stderr.join('\n'), /photo\.jpg.*JPEG/);
  });
});
