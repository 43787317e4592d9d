import * as assert from 'node:assert/strict';
import { readModel } from '../../src/engine/onnx/readModel';
import { DataType, type ModelProto } from '../../src/engine/onnx/types';
import { modelToBuffer } from '../../src/engine/onnx/writeModel';
import { convertToFp16 } from '../../src/engine/transform/quantize/fp16';
import { compare } from '../../src/engine/verify/compare';
import { bertEncoder, tinyCnn } from '../support/models';
import { realModelOrSkip } from '../support/realModels';
import { documentTensor } from '../support/quantizeImages';

const elemTypes = (m: ModelProto, which: 'input' | 'output'): number[] =>
  (m.graph![which] ?? []).map((v) => v.type!.tensor_type!.elem_type!);

/** No Cast reads another Cast's output: adjacent ops of one precision never convert back and forth. */
function castChains(m: ModelProto): string[] {
  const nodes = m.graph!.node!;
  const castOut = new Set(nodes.filter((n) => n.op_type === 'Cast').map((n) => n.output![0]!));
  return nodes.filter((n) => n.op_type === 'Cast' && castOut.has(n.input![0]!)).map((n) => n.name!);
}

describe('fp16 conversion', () => {
  it('converts the encoder: float16 weights, float32 I/O, no Cast ping-pong, ORT runs it at cosine ≥ 0.999', async () => {
    const model = bertEncoder({ layers: 2, hidden: 64, heads: 4, ffn: 256 });
    const before = modelToBuffer(model);
    const r = convertToFp16(model);
    assert.deepEqual(modelToBuffer(model), before);
    assert.deepEqual(elemTypes(r.model, 'input'), [DataType.FLOAT]);
    assert.deepEqual(elemTypes(r.model, 'output'), [DataType.FLOAT]);
    const weights = r.model.graph!.initializer!.filter((t) => t.name!.endsWith('.weight'));
    assert.equal(weights.length, 12);
    assert.ok(weights.every((t) => t.data_type === DataType.FLOAT16));
    assert.deepEqual(castChains(r.model), []);
    // Softmax is block-listed: it reads a float32 Cast of its fp16 input and is followed by one Cast back.
    const softmax = r.model.graph!.node!.filter((n) => n.op_type === 'Softmax');
    assert.equal(softmax.length, 2);
    const casts = r.model.graph!.node!.filter((n) => n.op_type === 'Cast');
    assert.equal(casts.length, 2 /* I/O */ + 2 * 2 /* around each Softmax */);
    const rep = await compare(model, r.model, { dims: { batch: 1, seq: 16 }, latencyRuns: 0 });
    assert.ok(rep.outputs[0]!.cosine >= 0.999, `cosine ${rep.outputs[0]!.cosine}`);
    assert.ok(rep.size.ratio <= 0.52, `size ${rep.size.ratio}`);
  });

  it('keeps extra ops float32 on request and can make I/O float16', async () => {
    const model = tinyCnn();
    const r = convertToFp16(model, { extraFp32Ops: ['Gemm'], keepIO: false });
    assert.deepEqual(elemTypes(r.model, 'input'), [DataType.FLOAT16]);
    assert.deepEqual(elemTypes(r.model, 'output'), [DataType.FLOAT]); // produced by the float32 Gemm
    assert.equal(r.model.graph!.initializer!.find((t) => t.name === 'fc.w')!.data_type, DataType.FLOAT);
    assert.equal(r.model.graph!.initializer!.find((t) => t.name === 'conv1.w')!.data_type, DataType.FLOAT16);
    const rep = await compare(model, r.model, { latencyRuns: 0 });
    assert.ok(rep.outputs[0]!.cosine >= 0.999, `cosine ${rep.outputs[0]!.cosine}`);
  });

  it('ppocr-rec: ≤ 0.52× size, runs in ORT CPU, cosine ≥ 0.999 on document images', async function () {
    this.timeout(120000);
    const real = realModelOrSkip(this, 'ppocr-rec');
    const r = convertToFp16(readModel(real.file).proto);
    assert.deepEqual(castChains(r.model), []);
    const inputs = [0, 1, 2].map((k) => ({ x: documentTensor(48, 320, 900 + k, 'rec') }));
    const rep = await compare(real.file, r.model, { inputs, latencyRuns: 0 });
    assert.ok(rep.size.ratio <= 0.52, `size ${rep.size.ratio}`);
    assert.ok(rep.outputs[0]!.cosine >= 0.999, `cosine ${rep.outputs[0]!.cosine}`);
  });
});
