/**
 * The graph page's side of issue 18: an error overlay (what the per-node error job measured) switches the heat
 * map to "error", hottest on the node localize ranks first; the properties pane shows the node's error and a
 * "Keep in float" button that asks the host to add the node to the model's exclusion list.
 */
import * as assert from 'node:assert/strict';
import { compactGraph } from '../../src/engine/graph/compactGraph';
import { localizeFiles } from '../../src/engine/verify/localizeFiles';
import { errorOverlay } from '../../src/extension/jobs/errorOverlay';
import { outlierMlp } from '../support/models';
import { makeTempDir, removeDir } from '../support/tmp';
import { startHarnessOrSkip, type Harness } from './support/browserHarness';
import { hook, sendHost, sentByWebview } from './support/pageHost';
import { writeInt8Pair } from '../support/int8Pair';

describe('graph webview: the error heat map and Keep in float (issue 18, headless Chromium)', function () {
  this.timeout(60_000);
  let harness: Harness;
  let dir: string;
  before(async function () {
    harness = await startHarnessOrSkip(this);
    dir = makeTempDir();
  });
  after(async () => {
    await harness?.close();
    if (dir) removeDir(dir);
  });

  it('colours by the measured error, worst first, and the pane keeps the selected node in float', async () => {
    const model = outlierMlp(5, 64, 2);
    const { a, b } = writeInt8Pair(dir, 'mlp', model);
    const errors = await localizeFiles(a, b);
    const overlay = errorOverlay(a, b, errors);
    const graph = compactGraph(model);
    harness.addGraph('error-heat', graph);
    const page = await harness.open('error-heat');
    await page.waitForFunction('window.__onnxTunerTest && window.__onnxTunerTest.drawnUnits() > 0');
    assert.equal(await page.textContent('#heat-metric'), 'Metric: latency');
    await sendHost(page, { type: 'errorOverlay', overlay });
    await page.waitForSelector('#legend', { state: 'visible' });
    assert.match((await page.textContent('#legend-label')) ?? '', /^error each node adds/);
    assert.equal(await page.textContent('#heat-metric'), 'Metric: error');
    const ranked = errors.map((e) => e.node);
    const heats = await Promise.all(ranked.map((n) => hook<number>(page, `heat(${JSON.stringify(n)})`)));
    assert.equal(heats[0], 1, `${ranked[0]} (ranked first by localize) is the hottest`);
    for (let i = 1; i < heats.length; i++) assert.ok(heats[i - 1]! >= heats[i]!, `${heats}`);
    assert.ok(
      Number.isNaN(await hook<number>(page, 'heat("fc0")')) || (await hook<number>(page, 'heat("fc0")')) < 0.01,
    );

    await page.locator('#search input').fill(ranked[0]!);
    assert.equal(await hook(page, 'selectedName()'), ranked[0]);
    await page.waitForSelector('#properties button.keep-float');
    const rows = (await page.evaluate(
      `Object.fromEntries([...document.querySelectorAll('#properties > dl > dt')].map((dt) => [dt.textContent, dt.nextElementSibling.textContent]))`,
    )) as Record<string, string>;
    // The figure the heat map ranks by (the error the node adds), then its output's error with upstream's.
    assert.match(rows['error added'] ?? '', /^cosine \d\.\d{4}, SNR -?\d+\.\d dB$/);
    assert.equal(
      rows['error added'],
      `cosine ${errors[0]!.added!.cosine.toFixed(4)}, SNR ${errors[0]!.added!.snrDb.toFixed(1)} dB`,
    );
    assert.equal(
      rows['error at output'],
      `cosine ${errors[0]!.cosine.toFixed(4)}, SNR ${errors[0]!.snrDb.toFixed(1)} dB`,
    );
    await page.locator('#properties button.keep-float').click();
    const id = graph.nodes.findIndex((n) => n.name === ranked[0]);
    assert.deepEqual((await sentByWebview(page)).at(-1), { type: 'keepFloat', nodeId: id });

    // The metric button offers error among the profile's metrics once it has been measured.
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) {
      await page.locator('#heat-metric').click();
      seen.add((await page.textContent('#heat-metric')) ?? '');
    }
    assert.deepEqual([...seen].sort(), ['Metric: error', 'Metric: flops', 'Metric: latency', 'Metric: memory']);
    await page.close();
  });
});
