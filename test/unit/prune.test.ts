/**
 * Pruning on models built in code. FLOPs are counted here from the pruned weights' shapes with the textbook
 * formula (Conv MACs = N·Cout·Hout·Wout·(Cin/group)·kH·kW), independently of the engine's cost model, and
 * every pruned model is run in onnxruntime.
 */
import * as assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import * as ort from 'onnxruntime-node';
import { attrInt } from '../../src/engine/graph/attributes';
import { costModel } from '../../src/engine/graph/costModel';
import { inferShapes } from '../../src/engine/graph/shapeInference';
import { tensorDims, tensorNumbers } from '../../src/engine/graph/tensorData';
import { DataType, type ModelProto } from '../../src/engine/onnx/types';
import { modelToBuffer } from '../../src/engine/onnx/writeModel';
import { toSessionOptions } from '../../src/engine/runtime/sessionOptions';
import {
  compressedSize,
  parsePruneSpec,
  prune,
  pruneMagnitude,
  pruneStructured,
  sensitivityScan,
} from '../../src/engine/transform/prune';
import { mlp } from '../support/models';
import { GraphBuilder } from '../support/onnxBuilder';
import { randomNormal } from '../support/random';
import { convMacs, resnetModel, type ConvSpec } from '../support/resnetModel';

/** MACs of every Conv, from the weight dims in the model and the output sizes of the recipe. */
function convMacsOf(m: ModelProto, specs: readonly ConvSpec[]): number {
  const init = new Map((m.graph!.initializer ?? []).map((t) => [t.name, t]));
  let macs = 0;
  for (const n of m.graph!.node ?? []) {
    if (n.op_type !== 'Conv') continue;
    const spec = specs.find((s) => s.name === n.name)!;
    const [cout, cinPerGroup, kh, kw] = tensorDims(init.get(n.input![1]!)!);
    macs += 1 * cout! * spec.out * spec.out * cinPerGroup! * kh! * kw!;
  }
  return macs;
}

async function runModel(m: ModelProto, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const s = await ort.InferenceSession.create(modelToBuffer(m), toSessionOptions({ intraOpThreads: 1 }));
  try {
    return await s.run(feeds);
  } finally {
    await s.release();
  }
}

describe('prune: structured', () => {
  const net = resnetModel();
  const feeds = { input: new ort.Tensor('float32', randomNormal(3 * 64 * 64, 1, 9), [1, 3, 64, 64]) };

  it("removes 30% of a ResNet's channels: ≥25% fewer FLOPs (counted independently), same output shape", async () => {
    const before = Buffer.from(modelToBuffer(net.model));
    const r = pruneStructured(net.model, { ratio: 0.3 });
    const macs0 = convMacs(net.convs);
    assert.equal(convMacsOf(net.model, net.convs), macs0, 'the independent count agrees with the recipe');
    const macs1 = convMacsOf(r.model, net.convs);
    const cut = 1 - macs1 / macs0;
    console.log(
      `      conv MACs ${(macs0 / 1e6).toFixed(1)}M → ${(macs1 / 1e6).toFixed(1)}M (−${(100 * cut).toFixed(1)}%)`,
    );
    assert.ok(cut >= 0.25, `FLOPs cut ${cut}`);
    // The engine's own cost model agrees on the ratio (it also counts BN, Add, Gemm: within 3 points).
    const cost = (m: ModelProto): number => costModel(inferShapes(m)).totals.macs;
    assert.ok(Math.abs(1 - cost(r.model) / cost(net.model) - cut) < 0.03);
    const out = await runModel(r.model, feeds);
    assert.deepEqual(out.logits!.dims, [1, 10]);
    assert.ok(Buffer.from(modelToBuffer(net.model)).equals(before), 'the input model is not modified');
  });

  it('keeps residual groups in sync and keeps the highest-L1 filters', () => {
    const r = pruneStructured(net.model, { ratio: 0.3, channelMultiple: 1 });
    const group = r.pruned.find((p) => p.layer.includes('layer2.0.downsample.0'))!;
    assert.match(group.layer, /layer2\.0\.conv2/);
    assert.match(group.layer, /layer2\.1\.conv2/);
    assert.deepEqual([group.before, group.after], [64, 45]);
    // Independent check on an unshared layer: the kept filters are exactly the 23 largest by L1 of 32.
    const w = net.model.graph!.initializer!.find((t) => t.name === 'layer1.0.conv1.weight')!;
    const v = tensorNumbers(w, 1 << 22)!;
    const l1 = Array.from({ length: 32 }, (_, o) =>
      v.slice(o * 288, (o + 1) * 288).reduce((s, x) => s + Math.abs(x), 0),
    );
    const expected = [...l1.keys()]
      .sort((a, b) => l1[b]! - l1[a]!)
      .slice(0, 23)
      .sort((a, b) => a - b);
    const conv = r.model.graph!.node!.find((n) => n.name === 'layer1.0.conv1')!;
    const pw = r.model.graph!.initializer!.find((t) => t.name === conv.input![1])!;
    assert.deepEqual(tensorDims(pw), [23, 23, 3, 3]);
    const pv = tensorNumbers(pw, 1 << 22)!;
    // Row k of the pruned weight is filter expected[k] restricted to the kept input channels: each of its
    // 207 values is one of that original filter's 288 values.
    expected.forEach((o, k) => {
      const original = new Set(v.slice(o * 288, (o + 1) * 288));
      assert.ok(
        pv.slice(k * 207, (k + 1) * 207).every((x) => original.has(x)),
        `row ${k} is filter ${o}`,
      );
    });
    const firstKeptIn = r.model.graph!.node!.find((n) => n.name === 'conv1')!;
    assert.ok(firstKeptIn, 'stem conv still present');
    const stemOut = tensorDims(r.model.graph!.initializer!.find((t) => t.name === firstKeptIn.input![1])!)[0];
    assert.equal(stemOut, 23, 'the stem shares the layer1 residual group');
    assert.deepEqual(
      r.skipped.map((s) => s.layer),
      ['fc'],
      'only the classifier (a graph output) is skipped',
    );
  });

  it('prunes hidden units of a MatMul chain and limits to --layers', async () => {
    const m = mlp(16, 32, 4, 2);
    const r = prune(m, { method: 'structured', ratio: 0.5 });
    const dims = (r.model.graph!.initializer ?? []).map((t) => `${t.name}:${tensorDims(t).join('x')}`);
    assert.ok(dims.some((d) => /:16x16$/.test(d)) && dims.some((d) => /:16x4$/.test(d)), dims.join(' '));
    const x = new ort.Tensor('float32', randomNormal(32, 1, 1), [2, 16]);
    const [inName] = m.graph!.input!.map((i) => i.name!);
    const out = await runModel(r.model, { [inName!]: x });
    assert.deepEqual(Object.values(out)[0]!.dims, [2, 4]);
    const one = pruneStructured(net.model, { ratio: 0.3, layers: /^layer3\.1\.conv1$/ });
    assert.deepEqual(
      one.pruned.map((p) => p.layer),
      ['layer3.1.conv1'],
    );
  });

  it('rounds kept channels to multiples of 16 by default (fast NCHWc kernels), exact counts with 1', () => {
    const counts = (m: number | undefined): number[] =>
      pruneStructured(net.model, { ratio: 0.3, ...(m ? { channelMultiple: m } : {}) }).pruned.map((p) => p.after);
    assert.deepEqual(
      [...new Set(counts(undefined))].sort((a, b) => a - b),
      [16, 48, 96],
    );
    assert.deepEqual(
      [...new Set(counts(1))].sort((a, b) => a - b),
      [23, 45, 90],
    );
  });

  it('global scope removes the requested share of all channels', () => {
    const r = pruneStructured(net.model, { ratio: 0.3, scope: 'global', channelMultiple: 1 });
    const before = r.pruned.reduce((s, p) => s + p.before, 0);
    const after = r.pruned.reduce((s, p) => s + p.after, 0);
    const total = 32 * 3 + 64 * 3 + 128 * 3; // channels of the 9 prunable groups
    assert.ok(before <= total);
    assert.equal(total - after - (total - before), Math.floor(total * 0.3));
  });

  it('depthwise and grouped convolutions: depthwise follows its input, grouped is skipped with a reason', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', [1, 4, 8, 8]);
    g.init('w1', [8, 4, 1, 1], randomNormal(32, 1, 2));
    const c1 = g.op('Conv', [x, 'w1'], { kernel_shape: [1, 1] }, 'c1');
    g.init('dw', [8, 1, 3, 3], randomNormal(72, 1, 3));
    const d = g.op('Conv', [c1, 'dw'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], group: 8 }, 'dw');
    g.init('w2', [8, 8, 1, 1], randomNormal(64, 1, 4));
    const c2 = g.op('Conv', [d, 'w2'], { kernel_shape: [1, 1] }, 'c2');
    g.init('wg', [4, 4, 1, 1], randomNormal(16, 1, 5));
    g.node('Conv', [c2, 'wg'], ['y'], { kernel_shape: [1, 1], group: 2 }, 'grouped');
    g.output('y', [1, 4, 8, 8]);
    const r = pruneStructured(g.model(13), { ratio: 0.5 });
    assert.deepEqual(
      r.pruned.map((p) => [p.layer, p.after]),
      [['c1', 4]],
    );
    assert.match(r.skipped.find((s) => s.layer === 'c2')!.reason, /grouped convolution/);
    const dw = r.model.graph!.node!.find((n) => n.name === 'dw')!;
    assert.equal(attrInt(dw, 'group', 0), 4);
    const out = await runModel(r.model, { x: new ort.Tensor('float32', randomNormal(256, 1, 6), [1, 4, 8, 8]) });
    assert.deepEqual(out.y!.dims, [1, 4, 8, 8]);
  });

  it('prunes through a channel Concat: equals the original with the removed filters zeroed', async () => {
    // Without biases, a removed channel is a channel of zeros: zeroing its filter in the original model
    // must give exactly what the pruned model computes (an independent check of every rewritten tensor).
    const g = new GraphBuilder();
    const x = g.input('x', [1, 4, 6, 6]);
    g.init('wa', [8, 4, 3, 3], randomNormal(288, 1, 11));
    g.init('wb', [6, 4, 1, 1], randomNormal(24, 1, 12));
    g.init('wc', [5, 14, 1, 1], randomNormal(70, 1, 13));
    g.init('bc', [5], randomNormal(5, 1, 14));
    const a = g.op('Relu', [g.op('Conv', [x, 'wa'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, 'a')]);
    const b = g.op('Relu', [g.op('Conv', [x, 'wb'], { kernel_shape: [1, 1] }, 'b')]);
    const cat = g.op('Concat', [a, b], { axis: 1 });
    g.node('Conv', [cat, 'wc', 'bc'], ['y'], { kernel_shape: [1, 1] }, 'c');
    g.output('y', [1, 5, 6, 6]);
    const m = g.model(13);
    const r = pruneStructured(m, { ratio: 0.5, channelMultiple: 1 });
    assert.deepEqual(
      r.pruned.map((p) => [p.layer, p.after]),
      [
        ['a', 4],
        ['b', 3],
      ],
    );
    const init = (mm: ModelProto, node: string, k = 1): number[] => {
      const n = mm.graph!.node!.find((q) => q.name === node)!;
      return tensorNumbers(
        mm.graph!.initializer!.find((t) => t.name === n.input![k])!,
        1 << 20,
      )!;
    };
    assert.equal(init(r.model, 'c').length, 5 * 7);
    // Which filters survived: match each pruned row to its original row.
    const keptRows = (orig: number[], pruned: number[], per: number): Set<number> =>
      new Set(
        Array.from(
          { length: pruned.length / per },
          (_, k) => orig.findIndex((v, i) => i % per === 0 && v === pruned[k * per]) / per,
        ),
      );
    const ka = keptRows(init(m, 'a'), init(r.model, 'a'), 36);
    const kb = keptRows(init(m, 'b'), init(r.model, 'b'), 4);
    const zeroed = structuredClone(m);
    const zero = (name: string, per: number, kept: Set<number>): void => {
      const t = zeroed.graph!.initializer!.find((q) => q.name === name)!;
      const v = new Float32Array(tensorNumbers(t, 1 << 20)!);
      for (let i = 0; i < v.length; i++) if (!kept.has(Math.floor(i / per))) v[i] = 0;
      t.raw_data = new Uint8Array(v.buffer);
    };
    zero('wa', 36, ka);
    zero('wb', 4, kb);
    const feeds = { x: new ort.Tensor('float32', randomNormal(144, 1, 15), [1, 4, 6, 6]) };
    const [p, z] = [(await runModel(r.model, feeds)).y!, (await runModel(zeroed, feeds)).y!];
    const pd = p.data as Float32Array;
    const zd = z.data as Float32Array;
    assert.ok(
      pd.every((v, i) => Math.abs(v - zd[i]!) < 1e-5),
      'pruned = original with zeroed filters',
    );
  });

  it('prunes ConvTranspose output channels (weights [Cin, Cout, k, k]): equals zeroing them', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', [1, 3, 4, 4]);
    g.init('wt', [3, 8, 2, 2], randomNormal(96, 1, 41));
    const up = g.op('ConvTranspose', [x, 'wt'], { kernel_shape: [2, 2], strides: [2, 2] }, 'up');
    g.init('w2', [2, 8, 1, 1], randomNormal(16, 1, 42));
    g.node('Conv', [g.op('Relu', [up]), 'w2'], ['y'], { kernel_shape: [1, 1] }, 'head');
    g.output('y', [1, 2, 8, 8]);
    const m = g.model(13);
    const r = pruneStructured(m, { ratio: 0.5, channelMultiple: 1 });
    assert.deepEqual(
      r.pruned.map((p) => [p.layer, p.after]),
      [['up', 4]],
    );
    const wOf = (mm: ModelProto): number[] => {
      const n = mm.graph!.node!.find((q) => q.name === 'up')!;
      return tensorNumbers(
        mm.graph!.initializer!.find((t) => t.name === n.input![1])!,
        1 << 20,
      )!;
    };
    const orig = wOf(m);
    const now = wOf(r.model); // [3, 4, 2, 2]: output channel o of input row i is a block of 4 values
    const kept = new Set(
      Array.from({ length: 4 }, (_, k) => Math.floor(orig.findIndex((v) => v === now[k * 4]) / 4) % 8),
    );
    const zeroed = structuredClone(m);
    const t = zeroed.graph!.initializer!.find((q) => q.name === 'wt')!;
    const v = new Float32Array(orig);
    for (let i = 0; i < v.length; i++) if (!kept.has(Math.floor(i / 4) % 8)) v[i] = 0;
    t.raw_data = new Uint8Array(v.buffer);
    const feeds = { x: new ort.Tensor('float32', randomNormal(48, 1, 43), [1, 3, 4, 4]) };
    const [p, z] = [(await runModel(r.model, feeds)).y!, (await runModel(zeroed, feeds)).y!];
    const zd = z.data as Float32Array;
    assert.ok((p.data as Float32Array).every((a, i) => Math.abs(a - zd[i]!) < 1e-5));
  });

  it('rewrites the channel entry of a constant Resize sizes vector', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', [1, 3, 4, 4]);
    g.init('w1', [8, 3, 1, 1], randomNormal(24, 1, 31));
    const c1 = g.op('Conv', [x, 'w1'], { kernel_shape: [1, 1] }, 'c1');
    g.init('sizes', [4], [1, 8, 8, 8], DataType.INT64);
    const up = g.op('Resize', [c1, '', '', 'sizes'], { mode: 'nearest' });
    g.init('w2', [2, 8, 1, 1], randomNormal(16, 1, 32));
    g.node('Conv', [up, 'w2'], ['y'], { kernel_shape: [1, 1] }, 'c2');
    g.output('y', [1, 2, 8, 8]);
    const r = pruneStructured(g.model(13), { ratio: 0.5, channelMultiple: 1 });
    const resize = r.model.graph!.node!.find((n) => n.op_type === 'Resize')!;
    const sizes = r.model.graph!.initializer!.find((t) => t.name === resize.input![3])!;
    assert.deepEqual(tensorNumbers(sizes), [1, 4, 8, 8]);
    const out = await runModel(r.model, { x: new ort.Tensor('float32', randomNormal(48, 1, 33), [1, 3, 4, 4]) });
    assert.deepEqual(out.y!.dims, [1, 2, 8, 8]);
  });

  it('parses CLI specs and rejects bad ratios', () => {
    assert.deepEqual(parsePruneSpec('structured:0.3'), { method: 'structured', ratio: 0.3 });
    assert.deepEqual(parsePruneSpec('magnitude:.5'), { method: 'magnitude', ratio: 0.5 });
    assert.throws(() => parsePruneSpec('structured:1.5'), /0 < RATIO < 1/);
    assert.throws(() => parsePruneSpec('channels:0.3'), /structured:RATIO/);
  });
});

describe('prune: magnitude and sensitivity', () => {
  const net = resnetModel({ size: 32 });

  it('zeroes exactly the requested share per layer, keeps shapes, and shrinks only the compressed file', async () => {
    const r = pruneMagnitude(net.model, { ratio: 0.5 });
    assert.ok(Math.abs(r.sparsity - 0.5) < 1e-3, `sparsity ${r.sparsity}`);
    const conv = r.model.graph!.node!.find((n) => n.name === 'layer2.0.conv1')!;
    const w = tensorNumbers(
      r.model.graph!.initializer!.find((t) => t.name === conv.input![1])!,
      1 << 22,
    )!;
    assert.equal(w.filter((v) => v === 0).length, Math.floor(w.length / 2));
    const orig = tensorNumbers(
      net.model.graph!.initializer!.find((t) => t.name === 'layer2.0.conv1.weight')!,
      1 << 22,
    )!;
    const cutoff = Math.max(...orig.filter((_, i) => w[i] === 0).map(Math.abs));
    assert.ok(
      orig.every((v, i) => w[i] === 0 || Math.abs(v) >= cutoff),
      'only the smallest |w| are zeroed',
    );
    const a = compressedSize(net.model);
    const b = compressedSize(r.model);
    assert.ok(Math.abs(a.bytes - b.bytes) / a.bytes < 0.01, 'same raw size');
    assert.equal(b.gzipBytes, gzipSync(modelToBuffer(r.model), { level: 6 }).length);
    assert.ok(b.gzipBytes < 0.8 * a.gzipBytes, `gzip ${a.gzipBytes} → ${b.gzipBytes}`);
    const x = { input: new ort.Tensor('float32', randomNormal(3 * 32 * 32, 1, 9), [1, 3, 32, 32]) };
    assert.deepEqual((await runModel(r.model, x)).logits!.dims, [1, 10]);
    assert.ok(r.changes.some((c) => /does not speed up dense CPU kernels/.test(c.detail)));
    assert.ok(r.weightsGzip.after < 0.8 * r.weightsGzip.before, 'the zeroed weights compress better');
  });

  it('global magnitude scope uses one threshold across layers', () => {
    const r = pruneMagnitude(net.model, { ratio: 0.5, scope: 'global' });
    assert.ok(Math.abs(r.sparsity - 0.5) < 0.01, `sparsity ${r.sparsity}`);
    // Every zeroed weight is no larger than every kept weight, across all layers.
    let maxZeroed = 0;
    let minKept = Infinity;
    for (const n of net.model.graph!.node!.filter((q) => q.op_type === 'Conv' || q.op_type === 'Gemm')) {
      const orig = tensorNumbers(
        net.model.graph!.initializer!.find((t) => t.name === n.input![1])!,
        1 << 22,
      )!;
      const pn = r.model.graph!.node!.find((q) => q.name === n.name)!;
      const now = tensorNumbers(
        r.model.graph!.initializer!.find((t) => t.name === pn.input![1])!,
        1 << 22,
      )!;
      orig.forEach((v, i) => {
        if (now[i] === 0 && v !== 0) maxZeroed = Math.max(maxZeroed, Math.abs(v));
        else minKept = Math.min(minKept, Math.abs(v));
      });
    }
    assert.ok(maxZeroed <= minKept, `${maxZeroed} > ${minKept}`);
  });

  it('scans layer sensitivity: error grows with the ratio and is zero nowhere it should not be', async () => {
    const r = await sensitivityScan(net.model, { ratios: [0.25, 0.75], maxLayers: 2 });
    assert.equal(r.rows.length, 4);
    for (let i = 0; i < r.rows.length; i += 2) {
      const [lo, hi] = [r.rows[i]!, r.rows[i + 1]!];
      assert.equal(lo.layer, hi.layer);
      assert.ok(lo.relMaxError > 0 && hi.relMaxError >= lo.relMaxError, `${lo.relMaxError} then ${hi.relMaxError}`);
      assert.ok(hi.cosine <= lo.cosine + 1e-9);
    }
  });
});
