/**
 * Input shapes per model: a shape configured for one model (ppocr-det's `x`) is ignored, with a reason naming
 * the setting and the model, for a model that has no such input; per-model entries (glob map, saved form)
 * override the workspace-wide ones input by input.
 */
import * as assert from 'node:assert/strict';
import {
  fitInputShapes,
  formatShape,
  hasOpenDims,
  ignoredShapeNotice,
  inputSignatures,
} from '../../src/engine/graph/fitInputShapes';
import { globMatches, resolveModelInputs } from '../../src/extension/inputs/resolveModelInputs';
import type { CompareReport } from '../../src/engine/verify/compare';
import { summarizeComparison } from '../../src/extension/jobs/engineJobs';
import { renderMarkdown } from '../../src/engine/report/layerCostsRender';
import type { ProfileReport } from '../../src/engine/report/profileReport';
import { profiledInputs, toLayerCostReport } from '../../src/extension/views/profileAdapter';
import { dynamicCnn } from '../support/familyModels';
import { tinyCnn } from '../support/models';

describe('input shapes per model', () => {
  const cnn = inputSignatures(dynamicCnn().graph!); // pixel_values ?×3×?×?
  const fixed = inputSignatures(tinyCnn().graph!); // one input with fixed dims

  it('reads the declared inputs, initializers excluded, open dims as null', () => {
    assert.deepEqual(cnn, [{ name: 'pixel_values', shape: [null, 3, null, null] }]);
    assert.equal(formatShape(cnn[0]!.shape), '?×3×?×?');
    assert.ok(hasOpenDims(cnn));
    assert.ok(!hasOpenDims(fixed), JSON.stringify(fixed));
  });

  it('keeps a shape that fits and drops one for an input the model lacks, saying which and why', () => {
    const r = fitInputShapes(cnn, [
      { input: 'pixel_values', shape: [1, 3, 320, 320], source: 'onnxTuner.inputShapes' },
      { input: 'x', shape: [1, 3, 640, 640], source: 'onnxTuner.inputShapes' },
    ]);
    assert.deepEqual(r.inputShapes, { pixel_values: [1, 3, 320, 320] });
    assert.equal(r.ignored.length, 1);
    assert.equal(
      ignoredShapeNotice('sample.onnx', r.ignored[0]!),
      "onnxTuner.inputShapes 'x' = 1×3×640×640 ignored for sample.onnx: the model has no input 'x' (its inputs: pixel_values)",
    );
  });

  it('drops a shape of the wrong rank or one that contradicts a fixed dim', () => {
    const r = fitInputShapes(cnn, [{ input: 'pixel_values', shape: [3, 320, 320], source: 's' }]);
    assert.match(r.ignored[0]!.reason, /has 4 dims \(\?×3×\?×\?\), the setting gives 3/);
    const r2 = fitInputShapes(cnn, [{ input: 'pixel_values', shape: [1, 4, 32, 32], source: 's' }]);
    assert.match(r2.ignored[0]!.reason, /dim 1 of 'pixel_values' is fixed at 3/);
    assert.deepEqual(r2.inputShapes, {});
  });

  it('matches globs as files.exclude does: a bare pattern on the file name, ** across folders', () => {
    assert.ok(globMatches('ppocr*.onnx', 'models/ppocr-det.onnx'));
    assert.ok(globMatches('**/ppocr-det.onnx', 'ppocr-det.onnx'));
    assert.ok(globMatches('**/ppocr-det.onnx', 'a/b/ppocr-det.onnx'));
    assert.ok(globMatches('models/**', 'models/x/y.onnx'));
    assert.ok(!globMatches('models/*.onnx', 'models/x/y.onnx'));
    assert.ok(!globMatches('ppocr*.onnx', 'sample.onnx'));
    assert.ok(globMatches('model?.onnx', 'model1.onnx'));
  });

  it('two models, one workspace: each gets its own shape; the global one is ignored only where it does not fit', () => {
    const sources = {
      global: { dims: { batch: 1 }, inputShapes: { x: [1, 3, 320, 320] } },
      byPattern: { 'cnn*.onnx': { inputShapes: { pixel_values: [2, 3, 64, 64] }, dims: { batch: 2 } } },
    };
    const forCnn = resolveModelInputs('models/cnn.onnx', cnn, sources);
    assert.deepEqual(forCnn.inputShapes, { pixel_values: [2, 3, 64, 64] });
    assert.deepEqual(forCnn.dims, { batch: 2 });
    assert.equal(forCnn.shapeSources.pixel_values, 'onnxTuner.modelInputs["cnn*.onnx"]');
    assert.deepEqual(
      forCnn.ignored.map((i) => [i.source, i.input]),
      [['onnxTuner.inputShapes', 'x']],
    );
    const det = [{ name: 'x', shape: [null, 3, null, null] }];
    const forDet = resolveModelInputs('ppocr-det.onnx', det, sources);
    assert.deepEqual(forDet.inputShapes, { x: [1, 3, 320, 320] });
    assert.deepEqual(forDet.ignored, []);
  });

  it('the shapes saved for a file win over the settings for the same input, and the replaced entry is not reported', () => {
    const r = resolveModelInputs('ppocr-det.onnx', [{ name: 'x', shape: [null, 3, null, null] }], {
      global: { inputShapes: { x: [1, 3, 320] } }, // would not fit, but it is replaced
      byPattern: {},
      saved: { inputShapes: { x: [1, 3, 640, 640] } },
    });
    assert.deepEqual(r.inputShapes, { x: [1, 3, 640, 640] });
    assert.equal(r.shapeSources.x, 'the shapes saved for this model');
    assert.deepEqual(r.ignored, []);
  });

  it('every report says which input shapes were profiled and where each came from', () => {
    const report = {
      file: '/w/ppocr-det.onnx',
      settings: { runs: 10, optimizationLevel: 'basic' },
      latency: { modelRun: { p50: 12.5 }, plain: null, profilerOverhead: null },
      nodes: [],
      inputs: [
        { name: 'x', type: 'float32', dims: [1, 3, 320, 320], origin: 'synthetic' },
        { name: 'scale', type: 'float32', dims: [1], origin: 'synthetic' },
        { name: 'ids', type: 'int64', dims: [1, 128], origin: 'synthetic' },
      ],
      inputPlan: {
        assumed: [{ input: 'ids', axis: 1, symbol: 'seq', value: 128, reason: 'sequence-like' }],
        ranges: [],
      },
      attribution: { nodeMs: 12, modelRunMs: 12.5, coverage: 0.96 },
    } as unknown as ProfileReport;
    const inputs = profiledInputs(report, { x: 'onnxTuner.inputShapes' });
    assert.deepEqual(
      inputs.map((i) => i.source),
      ['onnxTuner.inputShapes', 'the model', 'assumed'],
    );
    const md = renderMarkdown({ ...toLayerCostReport(report), inputs });
    assert.match(
      md,
      /Inputs: x 1×3×320×320 \(onnxTuner\.inputShapes\); scale 1 \(the model\); ids 1×128 \(assumed\)\./,
    );
  });

  it("the comparison report's notes say which input shapes both models ran at", () => {
    const summary = summarizeComparison({
      a: 'a.onnx',
      b: 'b.onnx',
      size: { a: 100, b: 27, ratio: 0.27 },
      nodes: { a: 10, b: 12, byOp: [] },
      latency: null,
      outputs: [],
      unmatchedOutputs: [],
      runtime: {},
      inputPlan: { assumed: [], ranges: [], inputShapes: { x: [1, 3, 320, 320] } },
    } as unknown as CompareReport);
    assert.equal(summary.notes[0], 'input shapes: x 1×3×320×320');
  });
});
