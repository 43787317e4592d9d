/**
 * Issue 17 in headless Chromium: node boxes that read like Netron's (folded weight rows with shapes, key
 * attributes) and the level of detail when zoomed out (solid category-coloured shapes, no faint text).
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { compactGraph } from '../../src/engine/graph/compactGraph';
import { inferShapes } from '../../src/engine/graph/shapeInference';
import { readModel } from '../../src/engine/onnx/readModel';
import type { CompactGraph } from '../../src/protocol/webviewProtocol';
import { realModelOrSkip } from '../support/realModels';
import { startHarnessOrSkip, type Harness } from './support/browserHarness';
import { hook } from './support/pageHost';

/** The canvas pixel at CSS point (x, y) as [r, g, b]. */
function pixel(page: Page, x: number, y: number): Promise<number[]> {
  // A string, so the host-side type check (no DOM lib) does not see browser globals.
  return page.evaluate<number[]>(`(() => {
    const c = document.getElementById('graph');
    const d = devicePixelRatio || 1;
    return Array.from(c.getContext('2d').getImageData(Math.round(${x} * d), Math.round(${y} * d), 1, 1).data).slice(0, 3);
  })()`);
}

describe('folded boxes and level of detail (headless Chromium)', function () {
  let harness: Harness;
  let page: Page | undefined;
  let graph: CompactGraph;

  before(async function () {
    graph = compactGraph(readModel(realModelOrSkip(this, 'ppocr-det').file).proto);
    harness = await startHarnessOrSkip(this);
    harness.addGraph('ppocr-det-folded', graph);
  });
  afterEach(async () => {
    await page?.close();
    page = undefined;
  });
  after(async () => {
    await harness?.close();
  });

  it('draws ppocr-det in at most 340 boxes, a Conv box showing its folded weight with its shape', async () => {
    page = await harness.open('ppocr-det-folded');
    const boxes = await hook<number>(page, 'visibleUnits()');
    assert.ok(boxes <= 340, `${boxes} boxes`);
    const conv = graph.nodes.find((n) => n.op === 'Conv')!;
    const w = graph.tensors[conv.weights!.find((r) => r.slot === 'W')!.tensor]!;
    const rows = await hook<string[]>(page, `unitRows(${JSON.stringify(conv.name)})`);
    assert.ok(rows.includes(`W ⟨${w.shape!.join('×')}⟩`), rows.join(' | '));
    assert.ok(rows.includes('kernel 3×3'), rows.join(' | '));
    // The Constant that holds the weight is no box of its own: revealing it selects the Conv that shows it.
    const constant = graph.nodes.find((n) => n.folded && n.outputs[0] === w.name)!;
    await page.evaluate(
      (name) =>
        (globalThis as unknown as { __onnxTunerHost: { send(m: unknown): void } }).__onnxTunerHost.send({
          type: 'revealNode',
          nodeName: name,
        }),
      constant.name,
    );
    await page.waitForFunction(
      (name) =>
        (globalThis as unknown as { __onnxTunerTest: { selectedName(): string } }).__onnxTunerTest.selectedName() ===
        name,
      conv.name,
    );
  });

  it('draws boxes as solid shapes at fit zoom and with their rows when zoomed in', async () => {
    page = await harness.open('ppocr-det-folded');
    await page.click('#fit');
    await page.waitForTimeout(100);
    assert.equal(await hook(page, 'detail()'), 'shape');
    const conv = graph.nodes.find((n) => n.op === 'Conv')!;
    const at = await hook<{ x: number; y: number; w: number; h: number }>(
      page,
      `unitOnScreen(${JSON.stringify(conv.name)})`,
    );
    const background = await pixel(page, 2, 2);
    const centre = await pixel(page, at.x, at.y);
    // A solid fill in the category colour: far from the background (not a faint outline on it).
    const distance = Math.hypot(...centre.map((c, i) => c - background[i]!));
    assert.ok(distance > 100, `box centre ${centre} vs background ${background}`);
    // Zoomed to 1:1 on the node, the rows are part of the drawing again.
    await page.evaluate(
      (name) =>
        (globalThis as unknown as { __onnxTunerHost: { send(m: unknown): void } }).__onnxTunerHost.send({
          type: 'revealNode',
          nodeName: name,
        }),
      conv.name,
    );
    await page.waitForFunction(
      () => (globalThis as unknown as { __onnxTunerTest: { detail(): string } }).__onnxTunerTest.detail() === 'full',
    );
  });

  it('labels edges with their tensor shapes when `s` is pressed, and drops them when pressed again', async function () {
    const proto = readModel(realModelOrSkip(this, 'ppocr-det').file).proto;
    const withShapes = compactGraph(proto, inferShapes(proto, { inputShapes: { x: [1, 3, 320, 320] } }).main.types);
    harness.addGraph('ppocr-det-shapes', withShapes);
    page = await harness.open('ppocr-det-shapes');
    assert.deepEqual(await hook(page, 'edgeLabels()'), []);
    await page.focus('#graph');
    await page.keyboard.press('s');
    const labels = await hook<string[]>(page, 'edgeLabels()');
    const conv = withShapes.nodes.find((n) => n.op === 'Conv')!;
    const out = withShapes.tensors[conv.outputs[0]!]!.shape!.join('×');
    assert.equal(out, '1×16×160×160');
    assert.ok(labels.includes(out), labels.slice(0, 5).join(' | '));
    await page.keyboard.press('s');
    assert.deepEqual(await hook(page, 'edgeLabels()'), []);
  });

  it("colours an op's category from the theme's chart variable (as high-contrast themes set it)", async () => {
    page = await harness.open('ppocr-det-folded');
    // What VS Code does on a theme change: new variables, a new body class (the page re-reads its colours).
    await page.evaluate(`(() => {
      document.documentElement.style.setProperty('--vscode-charts-blue', '#ff00ff');
      document.body.className = 'vscode-high-contrast';
    })()`);
    await page.click('#fit');
    await page.waitForTimeout(150);
    const conv = graph.nodes.find((n) => n.op === 'Conv')!;
    const at = await hook<{ x: number; y: number }>(page, `unitOnScreen(${JSON.stringify(conv.name)})`);
    assert.deepEqual(await pixel(page, at.x, at.y), [255, 0, 255]);
  });
});
