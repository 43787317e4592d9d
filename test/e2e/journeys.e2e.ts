/**
 * The editor journeys of issue 19, end to end as a user takes them in code-server with the packaged .vsix:
 * each spec asserts what the user sees (tree rows, notifications, the graph's DOM) and saves a screenshot
 * named `journey-*.png` in the run's screenshots folder. The workspace holds ppocr-det (input x ?×3×?×?,
 * `onnxTuner.inputShapes` sets x for it) and, written here, small models built by code.
 */
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeModel } from '../../src/engine/onnx/writeModel';
import { tinyCnn } from '../support/models';
import { e2e } from './support/context';
import {
  clearToasts,
  editWorkspaceSettings,
  journeyShot,
  openModelNamed,
  profileActiveModel,
  waitForLayerCostsRow,
  waitForToast,
} from './support/journeys';
import { waitForExtension, waitForWorkbench } from './support/workbench';

const SAMPLE = 'sample-cnn.onnx';

describe('Journeys (issue 19)', function () {
  this.timeout(240_000);

  before(async () => {
    const { page, url, workspace } = e2e();
    // A second model with other inputs than ppocr-det: `input` 1×3×32×32, all dims fixed.
    writeModel(tinyCnn(1), path.join(workspace, SAMPLE), { overwrite: true });
    await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
    await waitForWorkbench(page);
    await waitForExtension(page);
  });

  after(() => {
    fs.rmSync(path.join(e2e().workspace, SAMPLE), { force: true });
  });

  it('per-model input shapes: two models in one workspace each profile with their own shapes', async () => {
    const det = path.basename(e2e().model);
    // The workspace-wide `x` is for ppocr-det; the sample has no input x: it is ignored there, said once.
    await openModelNamed(SAMPLE);
    await profileActiveModel();
    const notice = await waitForToast(/ignored for sample-cnn\.onnx/);
    assert.match(
      notice,
      /onnxTuner\.inputShapes 'x' = 1×3×320×320 ignored for sample-cnn\.onnx: the model has no input 'x'/,
    );
    const sampleInputs = await waitForLayerCostsRow('Inputs', /^input 1×3×32×32 \(the model\)$/);
    e2e().log(`sample profiled with ${sampleInputs.description}; ${await journeyShot('shapes-1-sample')}`);
    await clearToasts();

    await openModelNamed(det);
    await profileActiveModel();
    const detInputs = await waitForLayerCostsRow('Inputs', /^x 1×3×320×320 \(onnxTuner\.inputShapes\)$/);
    e2e().log(`ppocr-det profiled with ${detInputs.description}`);

    // A per-model entry overrides the workspace-wide one for the model it matches, and only for it.
    editWorkspaceSettings((s) => ({
      ...s,
      'onnxTuner.modelInputs': { 'ppocr-det*.onnx': { inputShapes: { x: [1, 3, 256, 256] } } },
    }));
    await e2e().page.waitForTimeout(1500); // the configuration file watcher
    await openModelNamed(det);
    await profileActiveModel();
    const perModel = await waitForLayerCostsRow(
      'Inputs',
      /^x 1×3×256×256 \(onnxTuner\.modelInputs\["ppocr-det\*\.onnx"\]\)$/,
    );
    e2e().log(`ppocr-det profiled with ${perModel.description}; ${await journeyShot('shapes-2-per-model')}`);
    editWorkspaceSettings((s) => {
      const { ['onnxTuner.modelInputs']: _dropped, ...rest } = s;
      return rest;
    });
    await e2e().page.waitForTimeout(1500);
  });
});
