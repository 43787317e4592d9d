/**
 * Localize's two figures (issue 18): the error a node's output has in the optimized model (accumulated: it
 * includes everything upstream) and the error the node adds itself (its optimized version run on the float
 * model's values of its inputs). On a chain whose third layer has an outlier weight, dynamic int8 makes the
 * accumulated ranking point at a later layer and the added ranking at the culprit; the culprit's added error
 * equals the error of that one layer, quantized alone and fed the float prefix's output, measured separately.
 */
import { strict as assert } from 'node:assert';
import * as ort from 'onnxruntime-node';
import type { ModelProto } from '../../src/engine/onnx/types';
import { modelToBuffer } from '../../src/engine/onnx/writeModel';
import { quantizeDynamic } from '../../src/engine/transform/quantize/dynamic';
import { convertToFp16 } from '../../src/engine/transform/quantize/fp16';
import { synthesizeFeeds, type Feeds } from '../../src/engine/verify/feeds';
import { isolateCandidate } from '../../src/engine/verify/isolateNodes';
import { localizeError, rankingOf } from '../../src/engine/verify/localize';
import { createSession } from '../../src/engine/verify/modelSource';
import { tensorMetrics, tensorValues } from '../../src/engine/verify/outputMetrics';
import { renderLocalized } from '../../src/engine/report/localizedText';
import { GraphBuilder } from '../support/onnxBuilder';
import { culpritMlp } from '../support/models';
import { randomNormal } from '../support/random';

const DIM = 32;
const LAYERS = 6;
const CULPRIT = 2;

async function run(model: ModelProto, feeds: Feeds): Promise<ort.Tensor> {
  const s = await createSession(modelToBuffer(model));
  try {
    const out = await s.run(feeds);
    return out[s.outputNames[0]!]!;
  } finally {
    await s.release();
  }
}

/** Layer CULPRIT alone (MatMul with the same weights as in culpritMlp): x → y. */
function culpritLayer(): ModelProto {
  const g = new GraphBuilder('one_layer');
  const x = g.input('x', [1, 8, DIM]);
  const w = randomNormal(DIM * DIM, Math.sqrt(2 / DIM), 1700 + CULPRIT);
  w[5] = 20 * Math.sqrt(2 / DIM);
  g.init('w', [DIM, DIM], w);
  g.output(g.op('MatMul', [x, 'w'], {}, 'fc'), [1, 8, DIM]);
  return g.model(17, 8);
}

describe('localize: the error each node adds vs the accumulated error (issue 18)', function () {
  this.timeout(60_000);
  const float = culpritMlp(LAYERS, DIM, CULPRIT, 20);
  const int8 = quantizeDynamic(float).model;
  let feeds: Feeds;
  before(async () => {
    const s = await createSession(modelToBuffer(float));
    feeds = synthesizeFeeds(s, { model: float, seed: 42 });
    await s.release();
  });

  it('ranks the culprit first by added error, a later layer first by accumulated error', async () => {
    const added = await localizeError(float, int8, feeds);
    const accumulated = await localizeError(float, int8, feeds, { rankBy: 'accumulated' });
    assert.equal(rankingOf(added), 'added');
    assert.equal(rankingOf(accumulated, 'accumulated'), 'accumulated');
    assert.equal(added[0]!.node, `fc${CULPRIT}`, added.map((e) => `${e.node} ${e.added?.snrDb}`).join(', '));
    assert.ok(
      accumulated[0]!.order > added[0]!.order,
      `accumulated points downstream: ${accumulated.map((e) => `${e.node} ${e.snrDb.toFixed(1)}`).join(', ')}`,
    );
    // The accumulated figures are the same whichever ranking sorts them; 'accumulated' skips the added ones.
    const bySnr = new Map(accumulated.map((e) => [e.tensor, e.snrDb]));
    for (const e of added) assert.equal(e.snrDb, bySnr.get(e.tensor));
    assert.ok(accumulated.every((e) => e.added === undefined));
    // Float nodes fed exact inputs add nothing: every Relu's added error is exactly zero (SNR capped).
    for (const e of added.filter((x) => x.op === 'Relu')) assert.equal(e.added?.snrDb, 200, e.node);
    // The culprit adds clearly more than the other quantized layers; a node adds no more than its output has.
    const others = added.filter((e) => e.op === 'MatMul' && e.node !== `fc${CULPRIT}`);
    assert.ok(others.every((e) => e.added!.snrDb > added[0]!.added!.snrDb + 6));
    const fc0 = added.find((e) => e.node === 'fc0')!;
    assert.ok(Math.abs(fc0.added!.snrDb - fc0.snrDb) < 1e-9, 'the first layer has exact inputs: added = accumulated');
  });

  it("the culprit's added error is that of the layer quantized alone, fed the float prefix's output", async () => {
    const prefixOut = await run(culpritMlp(CULPRIT, DIM, CULPRIT, 20), feeds);
    const layer = culpritLayer();
    const layerFeeds = { x: prefixOut };
    const ref = await run(layer, layerFeeds);
    const cand = await run(quantizeDynamic(layer).model, layerFeeds);
    const expected = tensorMetrics(tensorValues(ref)!, tensorValues(cand)!, ref.dims);
    const got = (await localizeError(float, int8, feeds)).find((e) => e.node === `fc${CULPRIT}`)!.added!;
    assert.ok(Math.abs(got.snrDb - expected.snrDb) < 1e-6, `${got.snrDb} vs ${expected.snrDb}`);
    assert.ok(Math.abs(got.cosine - expected.cosine) < 1e-9);
    assert.ok(expected.snrDb < 30, `the outlier costs this layer accuracy: ${expected.snrDb} dB`);
  });

  it('a float16 candidate is fed the reference values through Casts: float nodes add only rounding', async () => {
    const half = convertToFp16(float).model;
    const list = await localizeError(float, half, feeds);
    assert.equal(rankingOf(list), 'added');
    // float16 keeps 11 bits: each node (its input's rounding included) adds noise ~60–75 dB below its signal.
    for (const e of list) assert.ok(e.added!.snrDb > 55 && e.added!.snrDb < 100, `${e.node} adds ${e.added!.snrDb} dB`);
    const casts = isolateCandidate(float, half).model.graph!.node!.filter((n) => n.name?.includes('/cast/'));
    assert.ok(casts.length > 0, 'the reference float32 values are cast to float16 for the candidate');
  });

  it('chunked runs give the same figures as one run', async () => {
    const whole = await localizeError(float, int8, feeds);
    const chunked = await localizeError(float, int8, feeds, { chunkBytes: 1 });
    assert.deepEqual(chunked, whole);
  });

  it('keeps the original model and reads shared tensors from the reference in the combined model', () => {
    const { model, isolatedName } = isolateCandidate(float, int8);
    const nodes = model.graph?.node ?? [];
    assert.deepEqual(nodes.slice(0, float.graph!.node!.length), float.graph!.node);
    // The isolated copy of the culprit reads the float model's act1 output, not its own.
    const act1 = float.graph!.node!.find((n) => n.name === 'act1')!.output![0]!;
    const reads = nodes.filter((n) => n.input?.includes(act1)).flatMap((n) => n.output ?? []);
    assert.ok(
      reads.some((n) => n.startsWith('onnx_tuner_isolated/')),
      reads.join(', '),
    );
    assert.ok(!nodes.some((n) => n.input?.includes(isolatedName(act1))), 'no isolated node reads its own act1');
  });

  it('the CLI text says which ranking it lists', async () => {
    const text = renderLocalized(await localizeError(float, int8, feeds, { top: 2 }));
    assert.match(text, /ranked by the error each adds itself/);
    assert.match(text, new RegExp(`fc${CULPRIT} +MatMul +adds SNR`));
    const acc = renderLocalized(await localizeError(float, int8, feeds, { top: 2, rankBy: 'accumulated' }));
    assert.match(acc, /ranked by the accumulated error/);
  });
});
