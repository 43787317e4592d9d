/**
 * Property: for random graphs mixing run-time ops with foldable and no-op pieces (constant sub-graphs,
 * Identity, x+0, x·1, same-type Cast, full Slice, Reshape pairs, duplicated branches), simplify never adds
 * nodes and the simplified model computes the same outputs as the original in onnxruntime.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import * as ort from 'onnxruntime-node';
import { DataType, type ModelProto } from '../../src/engine/onnx/types';
import { modelToBuffer } from '../../src/engine/onnx/writeModel';
import { toSessionOptions } from '../../src/engine/runtime/sessionOptions';
import { simplify } from '../../src/engine/transform/simplify';
import { GraphBuilder } from '../support/onnxBuilder';
import { randomNormal } from '../support/random';

const STEPS = [
  'relu',
  'identity',
  'add0',
  'mul1',
  'cast',
  'slice',
  'reshape2',
  'constChain',
  'dupBranch',
  'tanh',
] as const;
type Step = (typeof STEPS)[number];
const WORK: Partial<Record<Step, number>> = { relu: 1, tanh: 1, constChain: 1, dupBranch: 2 };

function build(steps: readonly Step[], opset: number): ModelProto {
  const g = new GraphBuilder();
  let h = g.input('x', [2, 3, 4]);
  steps.forEach((s, i) => {
    switch (s) {
      case 'relu':
        h = g.op('Relu', [h]);
        break;
      case 'tanh':
        h = g.op('Tanh', [h]);
        break;
      case 'identity':
        h = g.op('Identity', [h]);
        break;
      case 'add0':
        h = g.op('Add', [h, g.init(`zero${i}`, [1], [0])]);
        break;
      case 'mul1':
        h = g.op('Mul', [g.init(`one${i}`, [], [1]), h]);
        break;
      case 'cast':
        h = g.op('Cast', [h], { to: DataType.FLOAT });
        break;
      case 'slice':
        h =
          opset >= 10
            ? g.op('Slice', [
                h,
                g.init(`s${i}`, [1], [0], DataType.INT64),
                g.init(`e${i}`, [1], [1e9], DataType.INT64),
                g.init(`a${i}`, [1], [1], DataType.INT64),
              ])
            : g.op('Slice', [h], { starts: [0], ends: [1e9], axes: [1] });
        break;
      case 'reshape2': {
        const flat = g.op('Reshape', [h, g.init(`r${i}`, [2], [2, 12], DataType.INT64)]);
        h = g.op('Reshape', [flat, g.init(`q${i}`, [3], [2, 3, 4], DataType.INT64)]);
        break;
      }
      case 'constChain': {
        g.constant(`c${i}`, [4], [1, 2, 3, 4]);
        const c = g.op('Sqrt', [g.op('Mul', [`c${i}`, `c${i}`])]);
        h = g.op('Add', [h, c]);
        break;
      }
      case 'dupBranch': {
        const a = g.op('Sigmoid', [h]);
        const b = g.op('Sigmoid', [h]);
        h = g.op('Mul', [a, b]);
        break;
      }
    }
  });
  g.node('Identity', [h], ['y']);
  g.output('y', [2, 3, 4]);
  return g.model(opset);
}

async function run(m: ModelProto, x: ort.Tensor): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(modelToBuffer(m), toSessionOptions({ optimizationLevel: 'disabled' }));
  try {
    return (await s.run({ x })).y!.data as Float32Array;
  } finally {
    await s.release();
  }
}

describe('simplify (property)', function () {
  this.timeout(120_000);
  it('keeps outputs and never adds nodes on random graphs (opsets 9 and 13)', async () => {
    const x = new ort.Tensor('float32', randomNormal(24, 1, 21), [2, 3, 4]);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...STEPS), { minLength: 1, maxLength: 8 }),
        fc.constantFrom(9, 13),
        async (steps, opset) => {
          const m = build(steps, opset);
          const r = await simplify(m);
          // Only the real work remains: Relu/Tanh 1 each, the Add of a folded constant 1, a duplicated
          // branch 2 (one Sigmoid and the Mul); everything else goes. With nothing left, the Identity that
          // names the graph output stays (it cannot be renamed onto a graph input).
          const work = steps.reduce((sum, k) => sum + (WORK[k] ?? 0), 0);
          assert.equal(r.model.graph!.node!.length, work === 0 ? 1 : work, steps.join(','));
          const [a, b] = [await run(m, x), await run(r.model, x)];
          assert.ok(
            a.every((v, i) => Math.abs(v - b[i]!) <= 1e-6 * Math.max(1, Math.abs(v))),
            steps.join(','),
          );
        },
      ),
      { numRuns: 40, seed: 5 },
    );
  });
});
