/**
 * Structured pruning on real trained models: it either prunes a layer into a valid model or skips it with
 * a reason; onnxruntime must create a session and run the result with unchanged output shapes.
 */
import * as assert from 'node:assert/strict';
import { costModel } from '../../src/engine/graph/costModel';
import { inferShapes } from '../../src/engine/graph/shapeInference';
import { readModel } from '../../src/engine/onnx/readModel';
import type { ModelProto } from '../../src/engine/onnx/types';
import { modelToBuffer } from '../../src/engine/onnx/writeModel';
import { pruneStructured } from '../../src/engine/transform/prune';
import { simplify } from '../../src/engine/transform/simplify';
import { createSession } from '../../src/engine/verify/modelSource';
import { feedsFor } from '../support/ortRun';
import { realModelOrSkip } from '../support/realModels';
import { regressionEntry } from '../support/regression';

async function outputDims(m: ModelProto | string, name: string): Promise<number[][]> {
  const s = await createSession(typeof m === 'string' ? m : modelToBuffer(m), { intraOpThreads: 2 });
  try {
    const out = await s.run(feedsFor(s, regressionEntry(name)));
    return Object.values(out).map((t) => [...t.dims]);
  } finally {
    await s.release();
  }
}

describe('prune on real models', function () {
  this.timeout(120_000);

  for (const name of ['ppocr-det', 'ppocr-rec', 'ppocr-cls']) {
    it(`${name}: structured 30% gives a valid, cheaper model or skips layers with reasons`, async function () {
      const m = realModelOrSkip(this, name);
      const shapes = regressionEntry(name).shapes;
      const original = readModel(m.file).proto;
      const r = pruneStructured(original, { ratio: 0.3, inputShapes: shapes });
      assert.ok(r.pruned.length > 0, 'some layers pruned');
      for (const s of r.skipped) assert.ok(s.reason.length > 0 && s.layer.length > 0);
      const macs = (p: ModelProto): number => costModel(inferShapes(p, { inputShapes: shapes })).totals.macs;
      const [before, after] = [macs(original), macs(r.model)];
      console.log(
        `      ${name}: ${r.pruned.length} groups pruned, ${r.skipped.length} skipped; MACs −${(100 * (1 - after / before)).toFixed(1)}%` +
          (r.skipped[0] ? `; e.g. '${r.skipped[0].layer}': ${r.skipped[0].reason}` : ''),
      );
      assert.ok(after < before);
      assert.deepEqual(await outputDims(r.model, name), await outputDims(m.file, name));
    });
  }

  it('ppocr-det: simplify then prune (the optimize pipeline order) stays valid, ConvTransposes pruned or skipped with why', async function () {
    const m = realModelOrSkip(this, 'ppocr-det');
    const shapes = regressionEntry('ppocr-det').shapes;
    const s = await simplify(readModel(m.file).proto, { inputShapes: shapes });
    const r = pruneStructured(s.model, { ratio: 0.3, inputShapes: shapes });
    const convT = r.model.graph!.node!.filter((n) => n.op_type === 'ConvTranspose');
    assert.equal(convT.length, 2);
    const pruned = new Set(r.model.graph!.initializer!.filter((t) => /_pruned/.test(t.name ?? '')).map((t) => t.name));
    assert.ok(
      convT.some((n) => pruned.has(n.input![1])),
      'a ConvTranspose lost channels',
    );
    const head = r.skipped.find((x) => /ConvTranspose/.test(x.layer));
    assert.match(head?.reason ?? '', /graph output/, 'the 1-channel head feeding the output is skipped, with why');
    assert.deepEqual(await outputDims(r.model, 'ppocr-det'), await outputDims(m.file, 'ppocr-det'));
  });
});
