/**
 * Shapes and costs through subgraphs and the small constant tensors exporters compute shapes from (issue 20:
 * Silero VAD left 38 nodes, 99.8% of its parameters, without a cost): pads built by Concat / ConstantOfShape
 * / Slice with step −1 / Transpose / Reshape / Cast, If conditions computed from ranks, and an If on an input
 * value the model compares with a constant. Shapes are checked against onnxruntime's, costs against hand counts.
 */
import { strict as assert } from 'node:assert';
import * as ort from 'onnxruntime-node';
import { costModel } from '../../src/engine/graph/costModel';
import { constantInputValues, planInputs } from '../../src/engine/graph/inputPlan';
import { inferShapes } from '../../src/engine/graph/shapeInference';
import { sliceValues, transposeValues } from '../../src/engine/graph/smallTensorValues';
import { DataType, type ModelProto } from '../../src/engine/onnx/types';
import { GraphBuilder } from '../support/onnxBuilder';
import { ortShapes, zeroFloats } from '../support/ortRun';

const int64 = (v: number): ort.Tensor => new ort.Tensor('int64', BigInt64Array.from([BigInt(v)]), []);

/** Silero's STFT front end: the Pad amounts are computed from constants the way torch.onnx writes F.pad. */
function stftFrontEnd(): ModelProto {
  const g = new GraphBuilder();
  g.input('audio', [1, 512]);
  const first = g.constant('pad_tail', [2], [0, 64], DataType.INT64);
  const zeros2 = g.op('ConstantOfShape', [g.constant('two', [1], [2], DataType.INT64)], {
    value: { dims: [1], data_type: DataType.INT64, int64_data: [0] },
  });
  const flat = g.op('Concat', [first, zeros2], { axis: 0 });
  const pairs = g.op('Reshape', [flat, g.constant('pairs', [2], [-1, 2], DataType.INT64)]);
  const reversed = g.op('Slice', [
    pairs,
    g.constant('st', [1], [-1], DataType.INT64),
    g.constant('en', [1], [-(2 ** 62)], DataType.INT64),
    g.constant('ax', [1], [0], DataType.INT64),
    g.constant('sp', [1], [-1], DataType.INT64),
  ]);
  const t = g.op('Transpose', [reversed], { perm: [1, 0] });
  const pads = g.op('Cast', [g.op('Reshape', [t, g.constant('flat', [1], [-1], DataType.INT64)])], {
    to: DataType.INT64,
  });
  const padded = g.op('Pad', ['audio', pads], { mode: 'constant' }, 'pad');
  const x = g.op('Unsqueeze', [padded, g.constant('axis1', [1], [1], DataType.INT64)]);
  g.init('basis', [130, 1, 128], new Float32Array(130 * 128));
  g.node('Conv', [x, 'basis'], ['spec'], { strides: [64] }, 'stft');
  g.output('spec');
  return g.model(17);
}

describe('shapes through computed constants and If branches', function () {
  this.timeout(60_000);

  it('Slice and Transpose values by hand: reversed rows, a 2×3 transpose', () => {
    // [[1,2],[3,4]] with rows reversed → [[3,4],[1,2]]; the second axis stepping −1 → [[2,1],[4,3]]
    assert.deepEqual(sliceValues([2, 2], [1, 2, 3, 4], [[1, 0], undefined]), [3, 4, 1, 2]);
    assert.deepEqual(sliceValues([2, 2], [1, 2, 3, 4], [undefined, [1, 0]]), [2, 1, 4, 3]);
    assert.deepEqual(transposeValues([2, 3], [1, 2, 3, 4, 5, 6], [1, 0]), [1, 4, 2, 5, 3, 6]);
    // Values that do not fill the shape are not indexed.
    assert.equal(transposeValues([2, 3], [1, 2, 3], [1, 0]), undefined);
    assert.equal(sliceValues([null, 2], [1, 2], [undefined, [0]]), undefined);
  });

  it("Silero's computed pads: the Pad, and the Conv after it, get onnxruntime's shapes and a cost", async () => {
    const m = stftFrontEnd();
    const s = inferShapes(m);
    const ref = await ortShapes(m, { audio: zeroFloats([1, 512]) });
    assert.deepEqual(s.main.types.get('spec')?.shape, [...ref.spec!]);
    // torch's F.pad order reversed into ONNX pads: [0, 0, 0, 64] → the tail of the last axis grows by 64.
    const padOut = m.graph!.node!.find((n) => n.name === 'pad')!.output![0]!;
    assert.deepEqual(s.main.types.get(padOut)?.shape, [1, 576]);
    const conv = costModel(s).nodes.find((n) => n.name === 'stft')!;
    // (576 − 128) / 64 + 1 = 8 frames × 130 filters × 128 taps
    assert.equal(conv.macs, 8 * 130 * 128);
  });

  it('an If on the rank of its input takes the branch the rank selects', async () => {
    const then = new GraphBuilder('then');
    then.node('Unsqueeze', ['x', 'zero'], ['y_then'], {}, 'add_batch');
    then.output('y_then');
    const otherwise = new GraphBuilder('else');
    otherwise.node('Identity', ['x'], ['y_else']);
    otherwise.output('y_else');
    const g = new GraphBuilder();
    g.input('x', [4, 16]);
    g.init('zero', [1], [0], DataType.INT64);
    g.init('two', [], [2], DataType.INT64);
    const rank = g.op('Size', [g.op('Shape', ['x'])]);
    const cond = g.op('Equal', [rank, 'two']);
    g.node('If', [cond], ['y'], { then_branch: then.graph(), else_branch: otherwise.graph() }, 'maybe_unsqueeze');
    g.init('w', [16, 8], new Float32Array(128));
    g.node('MatMul', ['y', 'w'], ['z'], {}, 'proj');
    g.output('z');
    const m = g.model(17);
    const ref = await ortShapes(m, { x: zeroFloats([4, 16]) });
    const s = inferShapes(m);
    assert.deepEqual(s.main.types.get('z')?.shape, [...ref.z!]);
    assert.equal(costModel(s).nodes.find((n) => n.name === 'proj')!.macs, 4 * 16 * 8);
  });

  it('an If on a sample rate compared with 16000: the plan value picks the branch, and its cost counts', async () => {
    const branch = (name: string, out: number): GraphBuilder => {
      const b = new GraphBuilder(name);
      b.init(`${name}_w`, [16, out], new Float32Array(16 * out));
      b.node('MatMul', ['x', `${name}_w`], [`${name}_y`], {}, `${name}_mm`);
      b.output(`${name}_y`);
      return b;
    };
    const g = new GraphBuilder();
    g.input('x', [1, 16]);
    g.input('sr', [], DataType.INT64);
    g.init('rate', [], [16000], DataType.INT64);
    const cond = g.op('Equal', ['sr', 'rate']);
    g.node('If', [cond], ['y'], { then_branch: branch('wide', 64).graph(), else_branch: branch('narrow', 8).graph() });
    g.output('y');
    const m = g.model(17);
    const plan = planInputs(m);
    const values = constantInputValues(m, plan);
    assert.deepEqual(values, { sr: [16000] }, 'the plan feeds the constant the model compares sr with');
    const s = inferShapes(m, { inputValues: values });
    const ref = await ortShapes(m, { x: zeroFloats([1, 16]), sr: int64(16000) });
    assert.deepEqual(s.main.types.get('y')?.shape, [...ref.y!]);
    assert.equal(costModel(s).totals.macs, 16 * 64);
    // Another rate takes the other branch; no value: the costlier branch, and the merged shape is open.
    const other = inferShapes(m, { inputValues: constantInputValues(m, planInputs(m, { values: { sr: 8000 } })) });
    assert.deepEqual(other.main.types.get('y')?.shape, [1, 8]);
    assert.equal(costModel(other).totals.macs, 16 * 8);
    const open = inferShapes(m);
    assert.deepEqual(open.main.types.get('y')?.shape, [1, null]);
    assert.equal(costModel(open).totals.macs, 16 * 64);
  });

  it('a Scan costs its body once per slice of its scan input (onnxruntime runs it)', async () => {
    const body = new GraphBuilder('scan_body');
    body.input('row', [16]);
    body.init('w', [16, 16], new Float32Array(256).fill(0.1));
    body.node('MatMul', ['row', 'w'], ['out_row'], {}, 'step');
    body.output('out_row', [16]);
    const g = new GraphBuilder();
    g.input('x', [5, 16]);
    g.node('Scan', ['x'], ['y'], { body: body.graph(), num_scan_inputs: 1 }, 'scan');
    g.output('y', [5, 16]);
    const m = g.model(17);
    const ref = await ortShapes(m, { x: zeroFloats([5, 16]) });
    assert.deepEqual(ref.y, [5, 16]);
    assert.equal(costModel(inferShapes(m)).totals.macs, 5 * 16 * 16);
  });
});
