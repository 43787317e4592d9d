/**
 * simplify() on models built in code: each rewrite is checked against an independent computation (values
 * recomputed by hand, or the unsimplified model run in onnxruntime on the same inputs).
 */
import * as assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { tensorNumbers } from '../../src/engine/graph/tensorData';
import { DataType, type ModelProto } from '../../src/engine/onnx/types';
import { forEachGraph } from '../../src/engine/onnx/walk';
import { modelToBuffer } from '../../src/engine/onnx/writeModel';
import { toSessionOptions } from '../../src/engine/runtime/sessionOptions';
import { simplify } from '../../src/engine/transform/simplify';
import { GraphBuilder } from '../support/onnxBuilder';
import { ifModel, tinyCnn } from '../support/models';
import { randomNormal } from '../support/random';
import { resnetModel } from '../support/resnetModel';

function ops(m: ModelProto): string[] {
  const out: string[] = [];
  forEachGraph(m.graph!, (g) => {
    for (const n of g.node ?? []) out.push(n.op_type ?? '');
  });
  return out;
}

async function run(m: ModelProto, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const s = await ort.InferenceSession.create(modelToBuffer(m), toSessionOptions({ optimizationLevel: 'disabled' }));
  try {
    return await s.run(feeds);
  } finally {
    await s.release();
  }
}

function maxAbsDiff(a: ort.Tensor, b: ort.Tensor): number {
  assert.deepEqual(b.dims, a.dims);
  const x = a.data as Float32Array;
  const y = b.data as Float32Array;
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i]! - y[i]!));
  return d;
}

const floatInput = (dims: number[], seed = 3): ort.Tensor =>
  new ort.Tensor(
    'float32',
    randomNormal(
      dims.reduce((a, b) => a * b, 1),
      1,
      seed,
    ),
    dims,
  );

describe('simplify', () => {
  it('folds every BatchNormalization of a ResNet into its Conv, with outputs equal to the unfolded model', async () => {
    const { model } = resnetModel({ size: 32, widths: [16, 32], constantNodes: true });
    const before = Buffer.from(modelToBuffer(model));
    const bnCount = ops(model).filter((o) => o === 'BatchNormalization').length;
    const r = await simplify(model);
    assert.equal(ops(r.model).filter((o) => o === 'BatchNormalization').length, 0);
    assert.equal(r.changes.filter((c) => /BatchNormalization folded/.test(c.detail)).length, bnCount);
    assert.ok(!ops(r.model).includes('Constant'), 'BN weights in Constant nodes became initializers');
    const feeds = { input: floatInput([1, 3, 32, 32]) };
    const [a, b] = [await run(model, feeds), await run(r.model, feeds)];
    const scale = Math.max(...Array.from(a.logits!.data as Float32Array, Math.abs));
    assert.ok(maxAbsDiff(a.logits!, b.logits!) <= 1e-5 * Math.max(1, scale), 'folded = unfolded within 1e-5');
    assert.ok(Buffer.from(modelToBuffer(model)).equals(before), 'the input model is not modified');
  });

  it('folds Conv→BN weights to the textbook formula W·γ/√(σ²+ε), (b−μ)·γ/√(σ²+ε)+β', async () => {
    const r = await simplify(tinyCnn());
    const init = new Map((r.model.graph!.initializer ?? []).map((t) => [t.name, t]));
    const conv = r.model.graph!.node!.find((n) => n.name === 'conv1')!;
    const w = tensorNumbers(init.get(conv.input![1]!)!)!;
    const b = tensorNumbers(init.get(conv.input![2]!)!)!;
    const src = new Map((tinyCnn().graph!.initializer ?? []).map((t) => [t.name, tensorNumbers(t)!]));
    for (const o of [0, 5]) {
      const k = src.get('bn1.scale')![o]! / Math.sqrt(src.get('bn1.var')![o]! + 1e-5);
      assert.ok(Math.abs(w[o * 27 + 4]! - src.get('conv1.w')![o * 27 + 4]! * k) < 1e-6);
      const expectB = (src.get('conv1.b')![o]! - src.get('bn1.mean')![o]!) * k + src.get('bn1.bias')![o]!;
      assert.ok(Math.abs(b[o]! - expectB) < 1e-6);
    }
  });

  it('removes Identity, Dropout, same-type Cast and Reshape chains, keeping outputs', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', [2, 3, 4]);
    const i1 = g.op('Identity', [x]);
    const d = g.node('Dropout', [i1], 2)[0]!;
    const c = g.op('Cast', [d], { to: DataType.FLOAT });
    g.init('s1', [2], [6, 4], DataType.INT64);
    g.init('s2', [3], [4, 3, 2], DataType.INT64);
    const r1 = g.op('Reshape', [c, 's1']);
    const r2 = g.op('Reshape', [r1, 's2']);
    g.node('Relu', [r2], ['y']);
    g.output('y', [4, 3, 2]);
    const m = g.model(13);
    const r = await simplify(m);
    assert.deepEqual(ops(r.model), ['Reshape', 'Relu']);
    const feeds = { x: floatInput([2, 3, 4]) };
    assert.equal(maxAbsDiff((await run(m, feeds)).y!, (await run(r.model, feeds)).y!), 0);
  });

  it('folds a constant sub-graph to the values computed by hand, and leaves run-time nodes', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', [1, 3]);
    g.constant('a', [3], [1, 2, 3]);
    g.init('b', [3], [10, 20, 30]);
    const ab = g.op('Mul', ['a', 'b']);
    const sq = g.op('Sqrt', [ab]);
    g.node('Add', [x, sq], ['y']);
    g.output('y', [1, 3]);
    const r = await simplify(g.model(13));
    assert.deepEqual(ops(r.model), ['Add']);
    const add = r.model.graph!.node![0]!;
    const folded = r.model.graph!.initializer!.find((t) => t.name === add.input![1])!;
    const v = tensorNumbers(folded)!;
    [10, 40, 90].forEach((p, i) => assert.ok(Math.abs(v[i]! - Math.sqrt(p)) < 1e-6));
  });

  it('does not fold a constant that would grow the model past the size guard', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', [4096, 2048]);
    g.init('shape', [2], [4096, 2048], DataType.INT64);
    const big = g.op('ConstantOfShape', ['shape'], {
      value: { name: 'v', dims: [1], data_type: 1, raw_data: new Uint8Array(new Float32Array([1]).buffer) },
    });
    g.node('Add', [x, big], ['y']);
    g.output('y', [4096, 2048]);
    const r = await simplify(g.model(13));
    assert.ok(ops(r.model).includes('ConstantOfShape'), '32 MiB result stays computed at run time');
    const r2 = await simplify(g.model(13), { maxFoldGrowthBytes: 64 * 2 ** 20 });
    assert.ok(!ops(r2.model).includes('ConstantOfShape'), 'with a larger guard it folds');
  });

  it('leaves a constant node onnxruntime cannot evaluate, folds the rest, and says why', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', [3]);
    g.init('data', [3], [1, 2, 3]);
    g.init('bad', [1], [7], DataType.INT64); // out of range: fails when run
    const broken = g.op('Gather', ['data', 'bad'], { axis: 0 }, 'broken_gather');
    g.init('k', [3], [4, 9, 16]);
    const good = g.op('Sqrt', ['k'], {}, 'good_sqrt');
    const y = g.op('Add', [x, good]);
    g.node('Add', [y, broken], ['z']);
    g.output('z', [3]);
    const r = await simplify(g.model(13));
    assert.deepEqual(ops(r.model).sort(), ['Add', 'Add', 'Gather']);
    const skipped = r.changes.filter((c) => c.kind === 'skipped');
    assert.deepEqual(
      skipped.map((c) => c.node),
      ['broken_gather'],
    );
    assert.match(skipped[0]!.detail, /onnxruntime could not evaluate it/);
  });

  it('keeps values that only an If branch reads, and folds inside branches', async () => {
    const m = ifModel();
    const r = await simplify(m);
    const names = new Set((r.model.graph!.initializer ?? []).map((t) => t.name));
    assert.ok(names.has('two') && (names.has('one') || names.has('one_shared')), 'outer values read by subgraphs stay');
    for (const cond of [true, false]) {
      const feeds = { cond: new ort.Tensor('bool', [cond], []), x: floatInput([2, 4]) };
      assert.equal(maxAbsDiff((await run(m, feeds)).y!, (await run(r.model, feeds)).y!), 0);
    }
  });

  it('renames outer values inside branches and keeps the Identity a branch needs to return one', async () => {
    // ORT refuses a subgraph output that names an outer value directly, so the inner Identity must stay.
    const thenB = new GraphBuilder('then_branch');
    thenB.node('Identity', ['shared'], ['passed']);
    thenB.output('passed', [2]);
    const elseB = new GraphBuilder('else_branch');
    elseB.node('Neg', ['shared'], ['neg']);
    elseB.output('neg', [2]);
    const g = new GraphBuilder();
    g.input('cond', [], DataType.BOOL);
    const x = g.input('x', [2]);
    const r0 = g.op('Relu', [x]);
    g.node('Identity', [r0], ['shared']);
    g.node('If', ['cond'], ['y'], { then_branch: thenB.graph(), else_branch: elseB.graph() });
    g.output('y', [2]);
    const m = g.model(13);
    const r = await simplify(m);
    assert.equal(ops(r.model).filter((o) => o === 'Identity').length, 1, 'outer Identity gone, inner kept');
    for (const cond of [true, false]) {
      const feeds = { cond: new ort.Tensor('bool', [cond], []), x: floatInput([2]) };
      assert.equal(maxAbsDiff((await run(m, feeds)).y!, (await run(r.model, feeds)).y!), 0);
    }
  });

  it('merges duplicate initializers and common subexpressions', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', [2, 3]);
    g.init('w1', [3], [1, 2, 3]);
    g.init('w2', [3], [1, 2, 3]);
    const a = g.op('Mul', [x, 'w1']);
    const b = g.op('Mul', [x, 'w2']);
    g.node('Add', [a, b], ['y']);
    g.output('y', [2, 3]);
    const m = g.model(13);
    const r = await simplify(m);
    assert.deepEqual(ops(r.model), ['Mul', 'Add']);
    assert.equal(r.model.graph!.initializer!.length, 1);
    const feeds = { x: floatInput([2, 3]) };
    assert.equal(maxAbsDiff((await run(m, feeds)).y!, (await run(r.model, feeds)).y!), 0);
  });

  it('folds Shape-derived Reshape targets, and Shape ops once the user fixes the dims', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', ['batch', 8, 4, 4]);
    const shp = g.op('Shape', [x]);
    g.init('idx', [], [0], DataType.INT64);
    g.init('axes0', [1], [0], DataType.INT64);
    g.init('rest', [1], [128], DataType.INT64);
    const n = g.op('Gather', [shp, 'idx'], { axis: 0 });
    const n1 = g.op('Unsqueeze', [n, 'axes0']);
    const target = g.op('Concat', [n1, 'rest'], { axis: 0 });
    const flat = g.op('Reshape', [x, target]);
    const sz = g.op('Size', [x]);
    const szf = g.op('Cast', [sz], { to: DataType.FLOAT });
    g.node('Div', [flat, szf], ['y']);
    g.output('y', ['batch', 128]);
    const m = g.model(13);
    const loose = await simplify(m);
    assert.ok(!ops(loose.model).includes('Concat'), 'Reshape target became [0, 128]');
    assert.ok(ops(loose.model).includes('Size'), 'Size of a symbolic shape stays');
    const fixed = await simplify(m, { dims: { batch: 2 } });
    assert.deepEqual(ops(fixed.model), ['Reshape', 'Div']);
    const feeds = { x: floatInput([2, 8, 4, 4]) };
    const ref = (await run(m, feeds)).y!;
    assert.ok(maxAbsDiff(ref, (await run(loose.model, feeds)).y!) < 1e-7);
    assert.ok(maxAbsDiff(ref, (await run(fixed.model, feeds)).y!) < 1e-7);
  });
});
