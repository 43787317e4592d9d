/**
 * The graph page's issue-18 metrics beyond error on the original: the per-node error drawn on the Compare
 * Graphs union (hottest where localize ranks first), and the signed "latency delta" metric (optimized −
 * original) with its row in the properties pane.
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { compactGraph } from '../../src/engine/graph/compactGraph';
import { buildGraphDiffView, errorsOnUnion } from '../../src/engine/graph/diffGraphView';
import { readModel } from '../../src/engine/onnx/readModel';
import { localizeFiles } from '../../src/engine/verify/localizeFiles';
import type { ErrorOverlay, LatencyDeltaOverlay } from '../../src/protocol/webviewProtocol';
import { outlierMlp } from '../support/models';
import { makeTempDir, removeDir } from '../support/tmp';
import { startHarnessOrSkip, type Harness } from './support/browserHarness';
import { hook, sendHost } from './support/pageHost';
import { writeInt8Pair } from '../support/int8Pair';

/** Turns the heat map on as a click on the checkbox does. */
async function heatOn(page: Page): Promise<void> {
  await page.evaluate(
    `(() => { const t = document.getElementById('heat-toggle'); t.checked = true; t.dispatchEvent(new Event('change')); })()`,
  );
}

describe('graph webview: error on Compare Graphs and the latency delta metric (issue 18, headless Chromium)', function () {
  this.timeout(60_000);
  let harness: Harness;
  let dir: string;
  let a: string;
  let b: string;
  before(async function () {
    harness = await startHarnessOrSkip(this);
    dir = makeTempDir();
    const model = outlierMlp(5, 64, 2);
    ({ a, b } = writeInt8Pair(dir, 'mlp', model));
  });
  after(async () => {
    await harness?.close();
    if (dir) removeDir(dir);
  });

  it('Compare Graphs colours by error: the hottest union node is the one localize ranks first', async () => {
    const view = buildGraphDiffView(readModel(a), readModel(b), {});
    const errors = await localizeFiles(a, b);
    const overlay: ErrorOverlay = {
      a,
      b,
      nodes: errors.map((e) => ({ name: e.node, op: e.op, snrDb: e.snrDb, cosine: e.cosine })),
    };
    harness.addGraph('diff-error', view.graph, { heatMapMetric: 'latency', collapseAbove: 1500 }, view.diff);
    const page = await harness.open('diff-error');
    await sendHost(page, { type: 'errorOverlay', overlay: errorsOnUnion(view, overlay) });
    assert.equal(await page.textContent('#heat-metric'), 'Metric: error');
    // The diff colours stay until the heat map is turned on.
    const drawn = view.graph.nodes.filter((n) => !n.folded && !n.subgraph);
    assert.ok(Number.isNaN(await hook<number>(page, `heat(${JSON.stringify(drawn[0]!.name)})`)));
    await heatOn(page);
    await page.waitForSelector('#legend', { state: 'visible' });
    const heats = await Promise.all(drawn.map((n) => hook<number>(page, `heat(${JSON.stringify(n.name)})`)));
    const hottest = drawn[heats.indexOf(Math.max(...heats.filter((h) => !Number.isNaN(h))))]!;
    assert.equal(
      view.nameInA[hottest.id],
      errors[0]!.node,
      `hottest ${hottest.name}; localize's first ${errors[0]!.node}`,
    );
    assert.equal(Math.max(...heats.filter((h) => !Number.isNaN(h))), 1);
    await page.close();
  });

  it('colours the original by latency delta, signed, and shows both p50s in the pane', async () => {
    const graph = compactGraph(readModel(a).proto);
    harness.addGraph('delta', graph);
    const page = await harness.open('delta');
    const deltas: LatencyDeltaOverlay = {
      a,
      b,
      nodes: [
        { name: 'fc1', aMs: 2, bMs: 1, deltaMs: -1 },
        { name: 'fc2', aMs: 1, bMs: 1.5, deltaMs: 0.5 },
        { name: 'act0', aMs: 0.2, bMs: 0.3, deltaMs: 0.1 },
      ],
    };
    await sendHost(page, { type: 'latencyDeltaOverlay', overlay: deltas });
    // Offered on the metric button once there is a delta (it does not take over the current metric).
    assert.equal(await page.textContent('#heat-metric'), 'Metric: latency');
    for (let i = 0; i < 5 && (await page.textContent('#heat-metric')) !== 'Metric: latencyDelta'; i++)
      await page.locator('#heat-metric').click();
    assert.equal(await page.textContent('#heat-metric'), 'Metric: latencyDelta');
    await heatOn(page);
    await page.waitForSelector('#legend', { state: 'visible' });
    assert.match((await page.textContent('#legend-label')) ?? '', /^latency delta/);
    // Normalised by the largest magnitude: the most sped-up node is −1, the others in proportion.
    assert.equal(await hook<number>(page, 'heat("fc1")'), -1);
    assert.equal(await hook<number>(page, 'heat("fc2")'), 0.5);
    assert.ok(Math.abs((await hook<number>(page, 'heat("act0")')) - 0.1) < 1e-12);
    assert.ok(Number.isNaN(await hook<number>(page, 'heat("fc0")')), 'unmeasured: uncoloured');

    await page.locator('#search input').fill('fc2');
    assert.equal(await hook(page, 'selectedName()'), 'fc2');
    await page.waitForFunction(
      `[...document.querySelectorAll('#properties > dl > dt')].some((dt) => dt.textContent === 'latency Δ')`,
    );
    const rows = (await page.evaluate(
      `Object.fromEntries([...document.querySelectorAll('#properties > dl > dt')].map((dt) => [dt.textContent, dt.nextElementSibling.textContent]))`,
    )) as Record<string, string>;
    assert.match(rows['latency Δ'] ?? '', /^\+.*\(.* → .*\)$/);
    await page.close();
  });
});
