/**
 * Every simplify pass verified (issue 18): a deliberately broken pass, injected here, changes the outputs;
 * simplify notices, undoes exactly that pass, names it and the node it touched, and keeps the other passes'
 * work. Outputs are compared with onnxruntime, independently of the simplifier's own check.
 */
import { strict as assert } from 'node:assert';
import * as ort from 'onnxruntime-node';
import type { GraphProto } from '../../src/engine/onnx/types';
import { modelToBuffer } from '../../src/engine/onnx/writeModel';
import { simplify } from '../../src/engine/transform/simplify';
import { SIMPLIFY_PASSES, type SimplifyPass } from '../../src/engine/transform/simplify/passes';
import type { ModelProto } from '../../src/engine/onnx/types';
import { GraphBuilder } from '../support/onnxBuilder';
import { resnetModel } from '../support/resnetModel';

/** Turns the first Add it finds into a Sub: a plausible-looking rewrite that changes the results. */
const brokenPass: SimplifyPass = {
  name: 'broken Add rewrite',
  run(g: GraphProto, env) {
    const add = (g.node ?? []).find((n) => n.op_type === 'Add');
    if (!add) return 0;
    add.op_type = 'Sub';
    env.changes.push({ kind: 'replaced', node: add.name ?? 'Add', detail: 'Add → Sub' });
    return 1;
  },
};

async function outputs(m: ModelProto): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(modelToBuffer(m), { logSeverityLevel: 3 });
  try {
    const x = new ort.Tensor(
      'float32',
      Float32Array.from({ length: 3 * 32 * 32 }, (_, i) => Math.sin(i)),
      [1, 3, 32, 32],
    );
    return (await s.run({ [s.inputNames[0]!]: x }))[s.outputNames[0]!]!.data as Float32Array;
  } finally {
    await s.release();
  }
}

const maxDiff = (a: Float32Array, b: Float32Array): number =>
  a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
const ops = (m: ModelProto): string[] => (m.graph?.node ?? []).map((n) => n.op_type ?? '');

describe('simplify checks every pass against the original outputs', function () {
  this.timeout(60_000);
  const cnn = resnetModel({ size: 32, widths: [8, 16], blocks: 1 }).model;

  it('a broken pass is caught, undone and named with the node it touched; the other passes are kept', async () => {
    const firstAdd = (cnn.graph?.node ?? []).find((n) => n.op_type === 'Add')!.name!;
    const r = await simplify(cnn, { passes: [...SIMPLIFY_PASSES, brokenPass] });
    const undone = r.changes.filter((c) => c.kind === 'undone');
    assert.equal(undone.length, 1, JSON.stringify(undone));
    assert.match(
      undone[0]!.detail,
      /simplify pass 'broken Add rewrite' undone: it changed output '[^']+' \(max abs difference/,
    );
    assert.ok(undone[0]!.detail.includes(firstAdd), undone[0]!.detail);
    assert.ok(!r.changes.some((c) => c.detail === 'Add → Sub'), 'the undone pass leaves no change behind');
    // Independently: onnxruntime gives the original's outputs, and Conv+BN fusion (another pass) is kept.
    assert.ok(maxDiff(await outputs(cnn), await outputs(r.model)) < 1e-3);
    assert.ok(ops(cnn).includes('BatchNormalization'));
    assert.ok(!ops(r.model).includes('BatchNormalization'), ops(r.model).join(' '));
    assert.ok(!ops(r.model).includes('Sub'));
  });

  it('the same broken pass without the check does change the outputs (what the check guards against)', async () => {
    const r = await simplify(cnn, { passes: [...SIMPLIFY_PASSES, brokenPass], verify: false });
    assert.ok(ops(r.model).includes('Sub'));
    assert.ok(maxDiff(await outputs(cnn), await outputs(r.model)) > 1e-2);
  });

  it('sound passes: nothing undone, outputs equal', async () => {
    const r = await simplify(cnn);
    assert.equal(r.changes.filter((c) => c.kind === 'undone').length, 0);
    assert.ok(maxDiff(await outputs(cnn), await outputs(r.model)) < 1e-3);
  });

  it('a model onnxruntime cannot run is simplified with a note that its outputs were not checked', async () => {
    const g = new GraphBuilder();
    g.input('x', [1, 4]);
    g.node('Identity', ['x'], ['a'], {}, 'noop');
    g.node('Mystery', ['a'], ['y'], {}, 'custom', 'example.custom');
    g.output('y', [1, 4]);
    const r = await simplify(g.model(17, 8, { 'example.custom': 1 }));
    assert.ok(!ops(r.model).includes('Identity'));
    assert.ok(
      r.changes.some(
        (c) => c.kind === 'note' && /^outputs not checked: onnxruntime could not run the original/.test(c.detail),
      ),
      JSON.stringify(r.changes),
    );
  });
});
