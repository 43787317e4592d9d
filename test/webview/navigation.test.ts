/**
 * Keyboard and minimap navigation in headless Chromium (issue 17): arrows follow edges, Enter on a node opens
 * its properties (focus moves into the pane), Backspace folds it back into its scope group, and a click on the
 * minimap brings that part of the graph to the middle of the view.
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { compactGraph } from '../../src/engine/graph/compactGraph';
import { ifModel } from '../support/models';
import { startHarnessOrSkip, type Harness } from './support/browserHarness';
import { hook } from './support/pageHost';
import { syntheticGraph } from './support/syntheticGraph';

describe('keyboard and minimap navigation (headless Chromium)', function () {
  let harness: Harness;
  let page: Page | undefined;

  before(async function () {
    harness = await startHarnessOrSkip(this);
  });
  afterEach(async () => {
    await page?.close();
    page = undefined;
  });
  after(async () => {
    await harness?.close();
  });

  it('follows edges with the arrows, opens the properties with Enter and folds the scope with Backspace', async () => {
    const graph = syntheticGraph(60);
    harness.addGraph('keys-enter', graph);
    page = await harness.open('keys-enter');
    const start = graph.nodes[0]!;
    await page.focus('#graph');
    await page.keyboard.press('ArrowDown'); // nothing selected: the first unit
    assert.equal(await hook(page, 'selectedName()'), start.name);
    await page.keyboard.press('ArrowDown');
    const next = await hook<string>(page, 'selectedName()');
    const consumers = graph.edges.filter((e) => e.from === 0).map((e) => graph.nodes[e.to]!.name);
    assert.ok(consumers.includes(next), `${next} is not a consumer of ${start.name}`);
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate<string>('document.activeElement && document.activeElement.id'), 'properties');
    assert.equal(await page.textContent('#properties .node-name'), next);
    const shown = await hook<number>(page, 'visibleUnits()');
    await page.focus('#graph');
    assert.equal(await hook(page, 'layoutMode'), 'page', 'the first layout runs on the page thread');
    await page.keyboard.press('Backspace');
    await page.waitForFunction(
      (n) =>
        (globalThis as unknown as { __onnxTunerTest: { visibleUnits(): number } }).__onnxTunerTest.visibleUnits() < n,
      shown,
    );
    // A relayout goes to the layout worker, which the extension's CSP lets the page start (from a blob: URL);
    // the mode is set once that layout is back.
    await page.waitForFunction(
      () =>
        (globalThis as unknown as { __onnxTunerTest: { layoutMode: string } }).__onnxTunerTest.layoutMode !== 'page',
    );
    assert.equal(await hook(page, 'layoutMode'), 'worker');
  });

  it('moves the view to where the minimap is clicked', async () => {
    const graph = syntheticGraph(3000);
    harness.addGraph('minimap', graph, { heatMapMetric: 'latency', collapseAbove: 100_000 });
    page = await harness.open('minimap');
    const last = graph.nodes[graph.nodes.length - 1]!.name;
    const before = await hook<{ x: number; y: number }>(page, `unitOnScreen(${JSON.stringify(last)})`);
    const box = (await page.locator('#overview').boundingBox())!;
    const main = (await page.locator('#graph').boundingBox())!;
    // The graph is a tall column: its end is at the bottom of the minimap's drawing, wherever its x is.
    await page.mouse.click(box.x + 4, box.y + box.height - 2);
    await page.waitForTimeout(100);
    const after = await hook<{ x: number; y: number }>(page, `unitOnScreen(${JSON.stringify(last)})`);
    assert.ok(before.y > main.height, `the last node starts below the view (${before.y})`);
    assert.ok(
      Math.abs(after.y - main.height / 2) < main.height / 2,
      `the last node is in view after the click (${after.y})`,
    );
  });

  it('shows an If body as a closed group that opens in place with Enter', async () => {
    const graph = compactGraph(ifModel());
    harness.addGraph('if-body', graph);
    page = await harness.open('if-body');
    // two_const, share_one, branch and the closed 'branch' group (one_const is folded into share_one).
    assert.equal(await hook(page, 'visibleUnits()'), 4);
    await page.locator('#search input').fill('then_mul');
    assert.equal(await hook(page, 'selectedName()'), 'branch', 'the body node is found inside its closed group');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      () =>
        (globalThis as unknown as { __onnxTunerTest: { visibleUnits(): number } }).__onnxTunerTest.visibleUnits() === 5,
    );
    assert.equal(await hook(page, 'selectedName()'), 'then_mul');
  });
});
