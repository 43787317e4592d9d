/**
 * Per-kind static int8 variants: on a model whose weights are split between Conv and MatMul, the automatic
 * choice also measures each kind quantized alone, so a kind whose int8 kernels are slower on this CPU can stay
 * float. Which variant wins is a measurement (bench); what each variant quantizes is checked here.
 */
import * as assert from 'node:assert/strict';
import { candidateSteps } from '../../src/engine/optimize/autoOptimize';
import { MIXED_MIN_SHARE, planCandidates, weightProfile } from '../../src/engine/optimize/candidates';
import type { ModelProto } from '../../src/engine/onnx/types';
import { runPipeline } from '../../src/engine/transform/common/pipeline';
import { GraphBuilder } from '../support/onnxBuilder';
import { resnetModel } from '../support/resnetModel';

const wave = (n: number, k: number): number[] => Array.from({ length: n }, (_, i) => Math.sin(i * k) * 0.1);

/** Two Convs (13,824 weights) then a MatMul head (8,192): a CNN backbone with a dense head, as ppocr-rec. */
function convWithDenseHead(): ModelProto {
  const g = new GraphBuilder();
  g.input('x', [1, 16, 4, 4]);
  g.init('w1', [32, 16, 3, 3], wave(32 * 16 * 9, 1));
  g.node('Conv', ['x', 'w1'], ['c1'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, 'conv1');
  g.node('Relu', ['c1'], ['r1'], {}, 'relu1');
  g.init('w2', [32, 32, 3, 3], wave(32 * 32 * 9, 2));
  g.node('Conv', ['r1', 'w2'], ['c2'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, 'conv2');
  g.node('Flatten', ['c2'], ['f'], { axis: 1 }, 'flatten');
  g.init('w3', [512, 16], wave(512 * 16, 3));
  g.node('MatMul', ['f', 'w3'], ['y'], {}, 'head');
  g.output('y');
  return g.model(17);
}

/** The op types whose weight input (1) is read through a DequantizeLinear, i.e. quantized. */
function quantizedKinds(m: ModelProto): string[] {
  const producers = new Map((m.graph?.node ?? []).flatMap((n) => (n.output ?? []).map((o) => [o, n.op_type] as const)));
  return (m.graph?.node ?? [])
    .filter(
      (n) => ['Conv', 'MatMul'].includes(n.op_type ?? '') && producers.get(n.input?.[1] ?? '') === 'DequantizeLinear',
    )
    .map((n) => n.name ?? '')
    .sort();
}

describe('per-kind static int8 variants', function () {
  this.timeout(120_000);

  it('are planned only where Conv and MatMul both hold a real share of the weights', () => {
    const mixed = convWithDenseHead();
    const p = weightProfile(mixed);
    assert.ok(p.conv / (p.conv + p.matmul) >= MIXED_MIN_SHARE && p.matmul / (p.conv + p.matmul) >= MIXED_MIN_SHARE);
    assert.deepEqual(
      planCandidates(mixed).map((c) => [c.name, c.includeOps?.join('/') ?? '']),
      [
        ['simplify', ''],
        ['static int8 (QDQ)', ''],
        ['static int8 (Conv only)', 'Conv/ConvTranspose'],
        ['static int8 (MatMul only)', 'MatMul/Gemm'],
      ],
    );
    // A CNN whose classifier holds 3% of the weights gets no variants.
    const cnn = planCandidates(resnetModel({ size: 32, widths: [8, 16], blocks: 1 }).model);
    assert.ok(!cnn.some((c) => c.includeOps), cnn.map((c) => c.name).join(', '));
  });

  it('each variant quantizes its kind only; the plain one quantizes both', async () => {
    const m = convWithDenseHead();
    const run = async (name: string): Promise<string[]> => {
      const c = planCandidates(m).find((x) => x.name === name)!;
      return quantizedKinds((await runPipeline(m, candidateSteps(c, { calibrationSamples: 4 }))).model);
    };
    assert.deepEqual(await run('static int8 (QDQ)'), ['conv1', 'conv2', 'head']);
    assert.deepEqual(await run('static int8 (Conv only)'), ['conv1', 'conv2']);
    assert.deepEqual(await run('static int8 (MatMul only)'), ['head']);
  });
});
