import * as assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { tensorDims, tensorNumbers } from '../../src/engine/graph/tensorData';
import { DataType, type ModelProto, type TensorProto } from '../../src/engine/onnx/types';
import { modelToBuffer } from '../../src/engine/onnx/writeModel';
import { quantizeDynamic } from '../../src/engine/transform/quantize/dynamic';
import { compare } from '../../src/engine/verify/compare';
import { GraphBuilder } from '../support/onnxBuilder';
import { bertEncoder, mlp, tinyCnn } from '../support/models';
import { randomNormal } from '../support/random';

function init(m: ModelProto, name: string): TensorProto {
  const t = m.graph?.initializer?.find((x) => x.name === name);
  assert.ok(t, `initializer ${name}`);
  return t;
}
const ops = (m: ModelProto): string[] => (m.graph?.node ?? []).map((n) => n.op_type ?? '');

/** Two MatMuls share one weight through Identity; a third reads a Constant node; a Gather reads an embedding. */
function tiedModel(): ModelProto {
  const g = new GraphBuilder('tied');
  g.input('ids', [1, 4], DataType.INT64);
  g.init('emb', [50, 16], randomNormal(800, 1, 1));
  g.init('w', [16, 16], randomNormal(256, 0.3, 2));
  g.node('Identity', ['w'], ['w_tied'], {}, 'tie');
  g.constant('wc', [16, 8], randomNormal(128, 0.3, 3));
  const e = g.op('Gather', ['emb', 'ids'], { axis: 0 }, 'embed');
  const a = g.op('MatMul', [e, 'w'], {}, 'mm1');
  const b = g.op('MatMul', [a, 'w_tied'], {}, 'mm2');
  g.node('MatMul', [b, 'wc'], ['y'], {}, 'mm3');
  g.output('y', [1, 4, 8]);
  return g.model(13, 8);
}

describe('dynamic int8 quantization', () => {
  it('quantizes the small encoder: ORT runs it, cosine ≥ 0.99, file ≤ 0.32×, input untouched', async () => {
    const model = bertEncoder({ layers: 2, hidden: 64, heads: 4, ffn: 256 });
    const before = modelToBuffer(model);
    const r = quantizeDynamic(model);
    assert.deepEqual(modelToBuffer(model), before, 'the input model object must not change');
    assert.equal(ops(r.model).filter((o) => o === 'MatMulInteger').length, 12);
    assert.equal(ops(r.model).filter((o) => o === 'MatMul').length, 4, 'QKᵀ and PV (no constant weight) stay float');
    // One DynamicQuantizeLinear per activation: Q, K and V share theirs.
    assert.equal(ops(r.model).filter((o) => o === 'DynamicQuantizeLinear').length, 8);
    const rep = await compare(model, r.model, { dims: { batch: 1, seq: 16 }, latencyRuns: 0 });
    assert.ok(rep.outputs[0]!.cosine >= 0.99, `cosine ${rep.outputs[0]!.cosine}`);
    assert.ok(rep.size.ratio <= 0.32, `size ${rep.size.ratio}`);
  });

  it('stores weights that round-trip to the float originals within scale/2 (recomputed independently)', () => {
    const model = mlp(64, 128, 10);
    for (const perChannel of [false, true]) {
      const r = quantizeDynamic(model, { perChannel });
      const w = tensorNumbers(init(model, 'w1'))!;
      const q = init(r.model, 'w1_quantized');
      assert.equal(q.data_type, DataType.INT8);
      const qv = tensorNumbers(q)!;
      const scales = tensorNumbers(init(r.model, 'w1_scale'))!;
      assert.equal(scales.length, perChannel ? 128 : 1);
      const colMax = Array.from({ length: 128 }, (_, c) =>
        Math.max(...w.filter((_, i) => i % 128 === c).map(Math.abs)),
      );
      const absMax = (col?: number): number => (col === undefined ? Math.max(...colMax) : colMax[col]!);
      for (let i = 0; i < w.length; i++) {
        const col = i % 128;
        const s = scales[perChannel ? col : 0]!;
        // Independent scale: symmetric int8 over [−127, 127].
        assert.ok(Math.abs(s - absMax(perChannel ? col : undefined) / 127) < 1e-7);
        assert.ok(Math.abs(qv[i]! * s - w[i]!) <= s / 2 + 1e-9);
      }
    }
  });

  it('handles Gemm with transB and Conv (tiny CNN) and ORT agrees with the float model', async () => {
    const model = tinyCnn();
    const r = quantizeDynamic(model);
    assert.deepEqual(
      ops(r.model).filter((o) => /Integer/.test(o)),
      ['ConvInteger', 'ConvInteger', 'MatMulInteger'],
    );
    // transB: the stored int8 weight is the transpose [16, 10] of fc.w [10, 16].
    assert.deepEqual(tensorDims(init(r.model, 'fc.w_quantized')), [16, 10]);
    const rep = await compare(model, r.model, { latencyRuns: 0, inputSets: 3 });
    assert.ok(rep.outputs[0]!.cosine >= 0.999, `cosine ${rep.outputs[0]!.cosine}`);
    assert.equal(rep.outputs[0]!.argmaxAgreement, 1);
  });

  it('quantizes a weight shared through Identity once, Constant-node weights, and Gather embeddings', async () => {
    const model = tiedModel();
    const r = quantizeDynamic(model);
    const weights = r.changes.filter((c) => c.kind === 'weight').map((c) => c.tensor);
    assert.deepEqual(weights.sort(), ['emb', 'w', 'wc']);
    const integerNodes = (r.model.graph?.node ?? []).filter((n) => n.op_type === 'MatMulInteger');
    assert.equal(integerNodes.length, 3);
    assert.equal(integerNodes[0]!.input![1], integerNodes[1]!.input![1], 'mm1 and mm2 read one int8 tensor');
    assert.ok(!(r.model.graph?.node ?? []).some((n) => n.op_type === 'Constant' || n.op_type === 'Identity'));
    assert.ok(
      !(r.model.graph?.initializer ?? []).some((t) => t.name === 'w' || t.name === 'emb'),
      'float originals dropped',
    );
    const feeds = { ids: new ort.Tensor('int64', BigInt64Array.from([1n, 7n, 49n, 0n]), [1, 4]) };
    const rep = await compare(model, r.model, { inputs: [feeds], latencyRuns: 0 });
    assert.ok(rep.outputs[0]!.cosine >= 0.995, `cosine ${rep.outputs[0]!.cosine}`);
  });

  it('respects exclusions and reports an already-quantized model instead of quantizing it again', () => {
    const model = bertEncoder({ layers: 1, hidden: 32, heads: 2, ffn: 64 });
    const r = quantizeDynamic(model, { excludeNodes: [/ffn/], excludeOps: ['Gather'] });
    const replaced = r.changes.filter((c) => c.kind === 'replaced').map((c) => c.node!);
    assert.equal(replaced.length, 4);
    assert.ok(replaced.every((n) => !/ffn/.test(n)));
    assert.equal(r.changes.filter((c) => c.kind === 'skipped').length, 2);
    const first = quantizeDynamic(model, { keepFirstLast: true }).changes.filter((c) => c.kind === 'skipped');
    assert.deepEqual(
      first.map((c) => c.node),
      ['/encoder/layer.0/attention/query/MatMul', '/encoder/layer.0/ffn/down/MatMul'],
    );
    const again = quantizeDynamic(r.model);
    assert.equal(again.model, r.model);
    assert.equal(again.changes[0]!.kind, 'note');
    assert.match(again.changes[0]!.detail, /already quantized/);
  });
});
