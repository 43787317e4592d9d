/**
 * Simplify's onnxruntime-CPU rewrites (issue 14, BERT-style int8 at 2×): attention written out in plain ops
 * becomes one com.microsoft.MultiHeadAttention, and Add → LayerNormalization is written so that ORT keeps
 * its fast LayerNormalization kernel instead of fusing SkipLayerNormalization. Checked against what ORT's
 * own optimized graph contains and against the original's outputs, computed by ORT independently.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { main } from '../../src/cli/main';
import { opCost } from '../../src/engine/graph/opCost';
import { inferShapes } from '../../src/engine/graph/shapeInference';
import { AttributeType, type ModelProto } from '../../src/engine/onnx/types';
import { readModel } from '../../src/engine/onnx/readModel';
import { modelToBuffer, writeModel } from '../../src/engine/onnx/writeModel';
import { simplify } from '../../src/engine/transform/simplify';
import { quantizeDynamic } from '../../src/engine/transform/quantize/dynamic';
import { optimizedOpCounts } from '../../src/engine/verify/optimizedGraph';
import { bertStyleEncoder, gptStyleDecoder } from '../support/familyModels';
import { bertEncoder } from '../support/models';
import { captureIO } from '../support/capture';
import { feedsFor } from '../support/ortRun';
import { makeTempDir, removeDir } from '../support/tmp';

const LAYERS = 2;
const HIDDEN = 64;
const HEADS = 4;
const encoder = (): ModelProto => bertEncoder({ layers: LAYERS, hidden: HIDDEN, heads: HEADS, ffn: 128 });

const ops = (m: ModelProto, op: string): number => (m.graph?.node ?? []).filter((n) => n.op_type === op).length;

/** The outputs of `a` and `b` on the same seeded feeds (batch 2, sequence 9: no dim is 1): max |a − b| and the worst cosine. */
async function difference(a: ModelProto, b: ModelProto): Promise<{ maxAbs: number; cosine: number }> {
  const sa = await ort.InferenceSession.create(modelToBuffer(a), { logSeverityLevel: 3 });
  const sb = await ort.InferenceSession.create(modelToBuffer(b), { logSeverityLevel: 3 });
  try {
    const feeds = feedsFor(sa, { shapes: { hidden_states: [2, 9, HIDDEN] }, values: {} }, 11);
    const [ra, rb] = [await sa.run(feeds), await sb.run(feeds)];
    let maxAbs = 0;
    let cosine = 1;
    for (const name of sa.outputNames) {
      const x = ra[name]!.data as Float32Array;
      const y = rb[name]!.data as Float32Array;
      assert.deepEqual(rb[name]!.dims, ra[name]!.dims, name);
      let [dot, xx, yy] = [0, 0, 0];
      for (let i = 0; i < x.length; i++) {
        maxAbs = Math.max(maxAbs, Math.abs(x[i]! - y[i]!));
        [dot, xx, yy] = [dot + x[i]! * y[i]!, xx + x[i]! ** 2, yy + y[i]! ** 2];
      }
      cosine = Math.min(cosine, dot / Math.sqrt(xx * yy));
    }
    return { maxAbs, cosine };
  } finally {
    await Promise.all([sa.release(), sb.release()]);
  }
}

describe('simplify for onnxruntime CPU: attention fusion and unfused LayerNormalization', function () {
  this.timeout(60_000);

  it('fuses each attention block into one MultiHeadAttention with the same outputs', async () => {
    const m = encoder();
    const r = await simplify(m, { verify: false }); // the outputs are compared here, independently
    assert.equal(ops(r.model, 'MultiHeadAttention'), LAYERS);
    assert.equal(ops(r.model, 'Softmax'), 0);
    assert.equal(ops(r.model, 'Transpose'), 0, 'the heads split and merge Transposes went into the fused node');
    assert.ok(
      r.model.opset_import?.some((o) => o.domain === 'com.microsoft'),
      'the contrib domain is imported',
    );
    const mha = r.model.graph!.node!.find((n) => n.op_type === 'MultiHeadAttention')!;
    assert.equal(mha.attribute?.find((a) => a.name === 'num_heads')?.i, HEADS);
    assert.ok(Math.abs(mha.attribute!.find((a) => a.name === 'scale')!.f! - 1 / Math.sqrt(HIDDEN / HEADS)) < 1e-7);
    assert.ok((await difference(m, r.model)).maxAbs < 1e-4);
    assert.equal(r.changes.filter((c) => /MultiHeadAttention/.test(c.detail)).length, LAYERS);
  });

  it('also fuses Kᵀ written as two Transposes (permute, then transpose(-1, -2))', async () => {
    const m = structuredClone(encoder());
    const g = m.graph!;
    for (const k of g.node!.filter((n) => n.op_type === 'Transpose' && n.name?.endsWith('/k/Transpose'))) {
      const mid = `${k.output![0]}_heads`;
      k.attribute = [{ name: 'perm', type: AttributeType.INTS, ints: [0, 2, 1, 3] }];
      const swap = {
        name: `${k.name}_swap`,
        op_type: 'Transpose',
        input: [mid],
        output: [k.output![0]!],
        attribute: [{ name: 'perm', type: AttributeType.INTS, ints: [0, 1, 3, 2] }],
      };
      k.output = [mid];
      g.node!.splice(g.node!.indexOf(k) + 1, 0, swap);
    }
    const r = await simplify(m, { verify: false });
    assert.equal(ops(r.model, 'MultiHeadAttention'), LAYERS);
    assert.equal(ops(r.model, 'Transpose'), 0);
    assert.ok((await difference(m, r.model)).maxAbs < 1e-4);
  });

  it('keeps Add + LayerNormalization out of ORT’s SkipLayerNormalization fusion, outputs unchanged', async () => {
    const m = encoder();
    const r = await simplify(m, { verify: false });
    assert.equal(ops(r.model, 'Sum'), 2 * LAYERS);
    const before = await optimizedOpCounts(modelToBuffer(m));
    const after = await optimizedOpCounts(modelToBuffer(r.model));
    assert.equal(before.get('SkipLayerNormalization'), 2 * LAYERS, 'ORT fuses the original (else this proves nothing)');
    assert.equal(after.get('SkipLayerNormalization') ?? 0, 0);
    assert.equal(after.get('LayerNormalization'), 2 * LAYERS);
    assert.equal(after.get('MultiHeadAttention'), LAYERS, 'ORT keeps the fused attention');
    assert.ok((await difference(m, r.model)).maxAbs < 1e-4);
  });

  it('shape inference and the cost model know MultiHeadAttention', async () => {
    const r = await simplify(encoder(), { verify: false });
    const shapes = inferShapes(r.model, { dims: { batch: 2, seq: 9 } }).main;
    const mha = r.model.graph!.node!.find((n) => n.op_type === 'MultiHeadAttention')!;
    assert.deepEqual(shapes.types.get(mha.output![0]!)?.shape, [2, 9, HIDDEN]);
    const ins = mha.input!.map((i) => shapes.types.get(i)?.shape ?? null);
    // Q·Kᵀ and P·V: 2 × batch × S × S × hidden multiply-adds.
    assert.equal(opCost(mha, ins, [shapes.types.get(mha.output![0]!)!.shape]).macs, 2 * 2 * 9 * 9 * HIDDEN);
  });

  it('stays standard ONNX with contribOps: false, and does neither rewrite for another provider', async () => {
    const portable = await simplify(encoder(), { verify: false, contribOps: false });
    assert.equal(ops(portable.model, 'MultiHeadAttention'), 0);
    assert.ok(portable.model.graph!.node!.every((n) => (n.domain ?? '') === ''));
    assert.equal(ops(portable.model, 'Sum'), 2 * LAYERS, 'Sum is standard ONNX');
    const cuda = await simplify(encoder(), { verify: false, executionProvider: 'cuda' });
    assert.equal(ops(cuda.model, 'MultiHeadAttention') + ops(cuda.model, 'Sum'), 0);
  });

  it('fuses BERT’s padding mask into key_padding_mask: same outputs with padded positions', async () => {
    const m = bertStyleEncoder();
    const r = await simplify(m, { verify: false });
    const mha = r.model.graph!.node!.filter((n) => n.op_type === 'MultiHeadAttention');
    assert.equal(mha.length, 2);
    assert.ok(mha.every((n) => n.attribute?.find((a) => a.name === 'mask_filter_value')?.f === -10000));
    assert.equal(ops(r.model, 'Cast'), 1, 'one int32 copy of the mask, shared by both layers');
    // Two sequences of 7, the second padded after 4 tokens: the masked positions must not leak in.
    const ids = BigInt64Array.from({ length: 14 }, (_, i) => BigInt((i * 37) % 1000));
    const mask = BigInt64Array.from({ length: 14 }, (_, i) => (i >= 7 + 4 ? 0n : 1n));
    const feeds = {
      input_ids: new ort.Tensor('int64', ids, [2, 7]),
      attention_mask: new ort.Tensor('int64', mask, [2, 7]),
      token_type_ids: new ort.Tensor('int64', new BigInt64Array(14), [2, 7]),
    };
    const run = async (x: ModelProto, f: Record<string, ort.Tensor> = feeds): Promise<Float32Array> => {
      const s = await ort.InferenceSession.create(modelToBuffer(x), { logSeverityLevel: 3 });
      try {
        return (await s.run(f))['last_hidden_state']!.data as Float32Array;
      } finally {
        await s.release();
      }
    };
    const [a, b] = [await run(m), await run(r.model)];
    // The mask matters here (else equal outputs would prove nothing): unpadded, the second sequence changes.
    const ones = { ...feeds, attention_mask: new ort.Tensor('int64', new BigInt64Array(14).fill(1n), [2, 7]) };
    const unpadded = await run(m, ones);
    assert.ok(Math.abs(unpadded[7 * 64]! - a[7 * 64]!) > 1e-3);
    let max = 0;
    for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
    assert.ok(max < 1e-4, `max |difference| ${max}`);
  });

  it('leaves attention over a KV cache (GPT-style) alone, outputs unchanged', async () => {
    const m = gptStyleDecoder();
    const r = await simplify(m, {});
    assert.equal(ops(r.model, 'MultiHeadAttention'), 0);
    assert.equal(ops(r.model, 'Softmax'), 1);
    assert.ok(!r.changes.some((c) => c.kind === 'undone'), 'nothing had to be undone');
  });

  it('dynamic int8 quantizes the projections around the fused attention; ORT runs it close to float', async () => {
    const m = encoder();
    const s = await simplify(m, {});
    const q = quantizeDynamic(s.model, { ops: ['MatMul', 'Gemm'] }).model;
    assert.equal(ops(q, 'MatMulInteger'), 6 * LAYERS, 'Q, K, V, output and both FFN projections');
    assert.equal(ops(q, 'MultiHeadAttention'), LAYERS);
    const d = await difference(m, q);
    assert.ok(d.cosine > 0.99 && d.cosine < 1, `cosine ${d.cosine}`);
  });
});

describe('CLI: optimize --simplify, and --portable for other runtimes', function () {
  this.timeout(60_000);
  let dir: string;
  let model: string;
  beforeEach(() => {
    dir = makeTempDir();
    model = path.join(dir, 'enc.onnx');
    writeModel(encoder(), model);
  });
  afterEach(() => removeDir(dir));

  it('fuses attention by default and keeps standard ONNX with --portable', async () => {
    const io = captureIO();
    assert.equal(await main(['optimize', model, '--simplify', '--no-compare'], io), 0, io.stderr.join('\n'));
    const fused = readModel(path.join(dir, 'enc.simplified.onnx')).proto;
    assert.equal(ops(fused, 'MultiHeadAttention'), LAYERS);
    const io2 = captureIO();
    const out = path.join(dir, 'portable.onnx');
    assert.equal(await main(['optimize', model, '--simplify', '--portable', '--no-compare', '-o', out], io2), 0);
    const portable = readModel(out).proto;
    assert.equal(ops(portable, 'MultiHeadAttention'), 0);
    assert.ok(portable.graph!.node!.every((n) => (n.domain ?? '') === ''));
    assert.ok(!portable.opset_import?.some((o) => o.domain === 'com.microsoft'));
  });
});
