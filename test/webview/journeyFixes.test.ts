/**
 * The graph view as issue 19 found it and as it must be: search ranks nodes above tensor names and Enter steps
 * through the matches; the legend is drawn with the nodes' own colour scale; the properties pane follows a new
 * profile and folds into a strip when the editor is narrow; a model that cannot be opened gets a centred error
 * state with actions; a long model opens at a readable zoom on its inputs, with Fit one key away.
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { compactGraph } from '../../src/engine/graph/compactGraph';
import type { CompactGraph, HostToWebview } from '../../src/protocol/webviewProtocol';
import { heatColour } from '../../webview/view/heatMap';
import { GraphBuilder } from '../support/onnxBuilder';
import { startHarnessOrSkip, type Harness } from './support/browserHarness';
import { hook, sendHost, sentByWebview } from './support/pageHost';
import { syntheticGraph } from './support/syntheticGraph';

/** A ppocr-det-like graph: one long chain of nodes without name scopes, reading the input `x`. */
function chainGraph(n: number): CompactGraph {
  const nodes = Array.from({ length: n }, (_, i) => ({
    id: i,
    name: `p2o.Conv.${i}`,
    op: i % 3 === 2 ? 'Relu' : 'Conv',
    inputs: [i === 0 ? 'x' : `t${i - 1}`],
    outputs: [`t${i}`],
    scope: [],
  }));
  const edges = nodes.slice(1).map((node) => ({ from: node.id - 1, to: node.id, tensor: `t${node.id - 1}` }));
  return { name: 'chain', nodes, edges, inputs: [{ name: 'x' }], outputs: [{ name: `t${n - 1}` }], tensors: {} };
}

describe('graph webview: the journeys of issue 19 (headless Chromium)', function () {
  let harness: Harness;
  let pages: Page[] = [];

  before(async function () {
    harness = await startHarnessOrSkip(this);
  });
  afterEach(async () => {
    await Promise.all(pages.map((p) => p.close()));
    pages = [];
  });
  after(async () => {
    await harness?.close();
  });

  const open = async (name: string, graph: CompactGraph, viewport?: { width: number; height: number }) => {
    harness.addGraph(name, graph);
    const page = await harness.open(name, viewport);
    pages.push(page);
    return page;
  };

  it('search: "Conv" selects a Conv node before a node matched only by a tensor name; Enter cycles', async () => {
    const g = new GraphBuilder('search-rank');
    const x = g.input('x', [1, 1, 4, 4]);
    // Comes first in graph order, and only its output tensor's name contains "Conv" (a weight-holding Constant
    // would be folded into its Conv's box now, so an activation carries the tensor-name match here).
    g.node('Relu', [x], ['Conv_0.input'], {}, 'prepare');
    g.init('w', [1, 1, 1, 1], [1]);
    const [a] = g.node('Conv', ['Conv_0.input', 'w'], ['feat_a'], {}, 'backbone_a');
    const [b] = g.node('Conv', [a!, 'w'], ['feat_b'], {}, 'backbone_b');
    g.output(g.node('Relu', [b!], ['y'], {}, 'act')[0]!, [1, 1, 4, 4]);
    const page = await open('search-rank', compactGraph(g.model()));
    await page.locator('#search input').fill('Conv');
    assert.equal(await hook(page, 'selectedName()'), 'backbone_a');
    assert.equal(await page.textContent('#status'), '1 of 3 matches');
    await page.locator('#search input').press('Enter');
    assert.equal(await hook(page, 'selectedName()'), 'backbone_b');
    assert.equal(await page.textContent('#status'), '2 of 3 matches');
    await page.locator('#search input').press('Enter');
    assert.equal(await hook(page, 'selectedName()'), 'prepare', 'the tensor-name match comes last');
    await page.locator('#search input').press('Enter');
    assert.equal(await hook(page, 'selectedName()'), 'backbone_a', 'Enter wraps around');
    await page.locator('#search input').press('Shift+Enter');
    assert.equal(await hook(page, 'selectedName()'), 'prepare', 'Shift+Enter goes back');
    await page.locator('#search input').fill('nothing-like-this');
    assert.equal(await page.textContent('#status'), 'no matches');
  });

  it('the legend is drawn with the colours the nodes get, low to high', async () => {
    const graph = syntheticGraph(30);
    const page = await open('legend', graph);
    await sendHost(page, {
      type: 'profileOverlay',
      overlay: { nodes: [{ name: graph.nodes[3]!.name, p50Ms: 1, share: 1, activationBytes: 0, paramBytes: 0 }] },
    });
    await page.waitForSelector('#legend', { state: 'visible' });
    // The browser's own rendering of heatColour(t), to compare with the ramp's computed gradient.
    // (Expressions as strings: this project's type-check has no DOM lib.)
    const rgb = (css: string): Promise<string> =>
      page.evaluate<string>(
        `(() => { const d = document.createElement('div'); d.style.color = ${JSON.stringify(css)}; document.body.append(d); const v = getComputedStyle(d).color; d.remove(); return v; })()`,
      );
    const ramp = await page.evaluate<string>(
      "getComputedStyle(document.querySelector('#legend .ramp')).backgroundImage",
    );
    const stops = [...ramp.matchAll(/rgb\([^)]*\)/g)].map((m) => m[0]);
    assert.equal(stops[0], await rgb(heatColour(0)), `ramp ${ramp}`);
    assert.equal(stops[stops.length - 1], await rgb(heatColour(1)));
    assert.ok(stops.includes(await rgb(heatColour(0.5))), 'the middle of the ramp is the middle of the scale');
  });

  it('the properties pane shows the new figures after a re-profile, without reselecting', async () => {
    const graph = syntheticGraph(30);
    const page = await open('reprofile', graph);
    const target = graph.nodes[5]!;
    await sendHost(page, { type: 'revealNode', nodeName: target.name });
    const overlay = (ms: number): HostToWebview => ({
      type: 'profileOverlay',
      overlay: { nodes: [{ name: target.name, p50Ms: ms, share: 0.5, activationBytes: 2048, paramBytes: 0 }] },
    });
    await sendHost(page, overlay(2));
    await page.waitForSelector('#properties dd:text("2.00 ms")');
    await sendHost(page, overlay(0.25));
    await page.waitForSelector('#properties dd:text("250 µs")');
    assert.equal(await page.locator('#properties dd:text("2.00 ms")').count(), 0, 'the old figure is gone');
    assert.ok(await page.locator('#properties dd:text("2.00 KB")').count(), 'memory in the one unit policy');
    const asked = (await sentByWebview(page)).filter((m) => m.type === 'nodeDetailsRequest' && m.nodeId === target.id);
    assert.ok(asked.length >= 3, `details asked again after each profile (${asked.length} requests)`);
  });

  it('in a narrow editor the properties pane folds into a strip and the canvas keeps the width', async () => {
    const graph = syntheticGraph(30);
    const page = await open('narrow', graph, { width: 520, height: 600 });
    const width = (sel: string): Promise<number> =>
      page.evaluate<number>(`document.querySelector(${JSON.stringify(sel)}).getBoundingClientRect().width`);
    assert.equal(await page.isVisible('#properties'), false);
    assert.ok((await width('#properties-strip')) <= 30);
    assert.ok((await width('#graph')) >= 480, `canvas ${await width('#graph')} px of 520`);
    await sendHost(page, { type: 'revealNode', nodeName: graph.nodes[4]!.name });
    await page.click('#properties-strip');
    assert.equal(await page.isVisible('#properties'), true);
    assert.equal(await page.textContent('#properties .node-name'), graph.nodes[4]!.name);
    await page.click('#properties-strip');
    assert.equal(await page.isVisible('#properties'), false);
    await page.setViewportSize({ width: 1200, height: 600 });
    await page.waitForSelector('#properties', { state: 'visible' });
    assert.equal(await page.isVisible('#properties-strip'), false);
  });

  it('a model that cannot be opened: a centred error with Open as Text and Show Details, toolbar disabled', async () => {
    const page = await open('broken', syntheticGraph(5));
    const message = 'ppocr-det.onnx: a field that starts at byte 7 runs past the end of the file (100,000 bytes)';
    await sendHost(page, { type: 'loadError', message });
    await page.waitForSelector('#load-error', { state: 'visible' });
    assert.equal(await page.textContent('#load-error-message'), message);
    const box = await page.locator('#load-error h2').boundingBox();
    assert.ok(box && Math.abs(box.x + box.width / 2 - 600) < 40, `centred: ${JSON.stringify(box)}`);
    for (const id of ['search', 'fit', 'heat-toggle', 'heat-metric'])
      assert.equal(await page.getAttribute(`#${id}`, 'disabled'), '', `#${id} disabled`);
    assert.equal(await page.isVisible('#graph'), false);
    await page.click('#open-as-text');
    await page.click('#show-details');
    const sent = (await sentByWebview(page)).map((m) => m.type);
    assert.ok(sent.includes('openAsText') && sent.includes('showDetails'), sent.join(','));
  });

  it('a 200-node chain opens readable at its input, and F fits the whole graph', async () => {
    const page = await open('first-view', chainGraph(200), { width: 1000, height: 700 });
    assert.ok((await hook<number>(page, 'zoom()')) >= 0.8, `zoom ${await hook<number>(page, 'zoom()')}`);
    assert.equal(await hook(page, 'labelsShown()'), true);
    assert.equal(await hook(page, 'onScreen("p2o.Conv.0")'), true, 'the node reading the input is in view');
    assert.equal(await hook(page, 'onScreen("p2o.Conv.199")'), false);
    await page.focus('#graph');
    await page.keyboard.press('f');
    assert.equal(await hook(page, 'onScreen("p2o.Conv.199")'), true, 'Fit shows the whole graph');
    assert.ok((await hook<number>(page, 'zoom()')) < 0.35);
  });

  it('a small graph still opens fitted', async () => {
    const page = await open('small-first-view', chainGraph(6), { width: 1000, height: 700 });
    for (let i = 0; i < 6; i++) assert.equal(await hook(page, `onScreen("p2o.Conv.${i}")`), true);
  });
});
