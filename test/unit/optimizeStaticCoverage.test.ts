/**
 * Static int8 that ORT can run in int8: with output pairs placed past Relu/Clip (one pair covers Conv+Relu),
 * ORT's level-`all` graph runs every Conv of the ResNet- and MobileNet-style CNNs as QLinearConv (counted in
 * the optimized graph ORT saves), at cosine ≥ 0.99 against float, calibrated on 32 samples. Structure and
 * accuracy only: speed is for bench/optimize.bench.ts.
 */
import * as assert from 'node:assert/strict';
import { candidateSteps } from '../../src/engine/optimize/autoOptimize';
import { planCandidates } from '../../src/engine/optimize/candidates';
import { runPipeline } from '../../src/engine/transform/common/pipeline';
import { compare } from '../../src/engine/verify/compare';
import { modelToBuffer } from '../../src/engine/onnx/writeModel';
import { int8Coverage, optimizedOpCounts } from '../../src/engine/verify/optimizedGraph';
import type { ModelProto } from '../../src/engine/onnx/types';
import { mobilenetModel } from '../support/mobilenetModel';
import { resnetModel } from '../support/resnetModel';

async function staticCandidate(model: ModelProto): Promise<ModelProto> {
  const c = planCandidates(model).find((x) => x.quantize === 'static')!;
  return (await runPipeline(model, candidateSteps(c, {}))).model;
}

describe('static int8 (automatic candidate): every Conv runs in int8 in ORT', function () {
  this.timeout(120_000);
  const cases: [string, () => ModelProto, number][] = [
    ['ResNet-style', () => resnetModel({ size: 32, widths: [16, 32], blocks: 2 }).model, 10],
    ['MobileNet-style', () => mobilenetModel({ size: 64 }).model, 25],
  ];
  for (const [name, build, convs] of cases)
    it(`${name}: ${convs} of ${convs} Conv as QLinearConv, BN folded, cosine ≥ 0.99`, async () => {
      const model = build();
      const q = await staticCandidate(model);
      const ops = q.graph!.node!.map((n) => n.op_type);
      assert.ok(!ops.includes('BatchNormalization'), 'BN folded into the Conv before quantizing');
      assert.equal(ops.filter((o) => o === 'Conv').length, convs);
      const counts = await optimizedOpCounts(modelToBuffer(q), { intraOpThreads: 1 });
      assert.equal(counts.get('QLinearConv'), convs, JSON.stringify([...counts]));
      const conv = int8Coverage(counts).find((c) => c.op === 'Conv')!;
      assert.deepEqual([conv.int8, conv.total], [convs, convs]);
      // The float model's own optimized graph has no int8 kernel: the count is not a fixed answer.
      const float = int8Coverage(await optimizedOpCounts(modelToBuffer(model), { intraOpThreads: 1 }));
      assert.equal(float.find((c) => c.op === 'Conv')!.int8, 0);
      const r = await compare(model, q, { latencyRuns: 0, inputSets: 3, seed: 7 });
      assert.ok(r.outputs[0]!.cosine >= 0.99, `cosine ${r.outputs[0]!.cosine}`);
      assert.ok(r.size.ratio < 0.4, `size ${r.size.ratio}`);
    });
});
