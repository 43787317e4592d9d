/**
 * The graph webview in headless Chromium on the standalone page (stub host): real-model rendering, search,
 * heat-map overlay, inert HTML in names, keyboard navigation and collapsed groups on big graphs.
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { compactGraph } from '../../src/engine/graph/compactGraph';
import { readModel } from '../../src/engine/onnx/readModel';
import { validateWebviewMessage, type CompactGraph } from '../../src/protocol/webviewProtocol';
import { GraphBuilder } from '../support/onnxBuilder';
import { realModelOrSkip } from '../support/realModels';
import { startHarnessOrSkip, type Harness } from './support/browserHarness';
import { hook, sendHost, sentByWebview } from './support/pageHost';
import { syntheticGraph } from './support/syntheticGraph';

describe('graph webview (headless Chromium)', function () {
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

  const open = async (name: string, graph: CompactGraph): Promise<Page> => {
    harness.addGraph(name, graph);
    const page = await harness.open(name);
    pages.push(page);
    return page;
  };

  it('renders ppocr-det with every node laid out (the first layout on the page thread)', async function () {
    const graph = compactGraph(readModel(realModelOrSkip(this, 'ppocr-det').file).proto);
    harness.addGraph('ppocr-det', graph);
    const errors: string[] = [];
    const page = await harness.open('ppocr-det', undefined, (p) => {
      p.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
      p.on('pageerror', (e) => errors.push(e.message));
    });
    pages.push(page);
    // Constants are folded into their consumers' boxes (issue 17): one box per other node.
    const boxes = graph.nodes.filter((n) => !n.folded).length;
    assert.equal(await hook(page, 'visibleUnits()'), boxes);
    assert.ok((await hook<number>(page, 'drawnUnits()')) > 0);
    // The canvas is empty until the first layout is done: it does not wait for the worker (main.ts relayout).
    assert.equal(await hook(page, 'layoutMode'), 'page');
    const status = await page.textContent('#status');
    assert.equal(status, `${graph.nodes.length} nodes, ${boxes} shown`);
    // The page runs under the extension's CSP (nonce scripts, blob: worker after the first frame): nothing may
    // be blocked or throw. Later layouts use the worker (navigation.test.ts).
    assert.deepEqual(errors, []);
  });

  it('search finds a node by name and by tensor, selects it and requests its details', async () => {
    const graph = syntheticGraph(200);
    const page = await open('search', graph);
    const target = graph.nodes[123]!;
    await page.locator('#search input').fill(target.name);
    assert.equal(await hook(page, 'selectedName()'), target.name);
    assert.equal(await page.textContent('#properties .node-name'), target.name);
    await page.locator('#search input').fill(target.outputs[0]!);
    const status = await page.textContent('#status');
    // t123 is produced by node 123 and consumed by node 124 (and residual users): at least those two match.
    assert.match(status ?? '', /^1 of \d+ matches$/);
    assert.ok(Number(status!.split(' ')[2]) >= 2);
    const sent = await sentByWebview(page);
    const req = sent.find((m) => m.type === 'nodeDetailsRequest');
    assert.ok(req && req.type === 'nodeDetailsRequest' && req.nodeId === target.id);
    for (const m of sent) assert.deepEqual(validateWebviewMessage(m, graph.nodes.length), m);
  });

  it('colours nodes by latency share when a profile overlay arrives, and by memory on toggle', async () => {
    const graph = syntheticGraph(60);
    const page = await open('heat', graph);
    const [a, b, c] = [graph.nodes[3]!.name, graph.nodes[10]!.name, graph.nodes[20]!.name];
    assert.ok(Number.isNaN(await hook<number>(page, `heat(${JSON.stringify(a)})`)));
    assert.equal(await page.isVisible('#legend'), false);
    const before = await page.locator('#graph').screenshot();
    await sendHost(page, {
      type: 'profileOverlay',
      overlay: {
        nodes: [
          { name: a, p50Ms: 2, share: 0.5, activationBytes: 100, paramBytes: 0, flops: 3000 },
          { name: b, p50Ms: 1, share: 0.25, activationBytes: 400, paramBytes: 400, flops: 12000 },
          { name: c, p50Ms: 0.2, share: 0.05, activationBytes: 0, paramBytes: 0 },
        ],
      },
    });
    await page.waitForSelector('#legend', { state: 'visible' });
    const heat = (n: string): Promise<number> => hook(page, `heat(${JSON.stringify(n)})`);
    assert.equal(await heat(a), 1);
    assert.equal(await heat(b), 0.5);
    assert.ok(Math.abs((await heat(c)) - 0.1) < 1e-12);
    const after = await page.locator('#graph').screenshot();
    assert.notDeepEqual(after, before);
    await page.click('#heat-metric');
    assert.equal(await heat(b), 1); // 800 B of 800 B max
    assert.equal(await heat(a), 100 / 800);
    assert.equal(await page.textContent('#legend-label'), 'memory (activations + params)');
    await page.click('#heat-metric');
    assert.equal(await page.textContent('#heat-metric'), 'Metric: flops');
    assert.equal(await page.textContent('#legend-label'), 'FLOPs');
    assert.equal(await heat(b), 1); // 12000 of 12000 max
    assert.equal(await heat(a), 3000 / 12000);
    assert.ok(Number.isNaN(await heat(c)), 'FLOPs unknown: uncoloured, not zero');
    await page.click('#heat-metric');
    assert.equal(await page.textContent('#heat-metric'), 'Metric: latency');
  });

  it('starts on the heat-map metric from the settings, flops included', async () => {
    const graph = syntheticGraph(20);
    harness.addGraph('flops-setting', graph, { heatMapMetric: 'flops', collapseAbove: 1500 });
    const page = await harness.open('flops-setting');
    pages.push(page);
    assert.equal(await page.textContent('#heat-metric'), 'Metric: flops');
    const [a, b] = [graph.nodes[2]!.name, graph.nodes[5]!.name];
    await sendHost(page, {
      type: 'profileOverlay',
      overlay: {
        nodes: [
          { name: a, p50Ms: 2, share: 0.9, activationBytes: 0, paramBytes: 0, flops: 50 },
          { name: b, p50Ms: 1, share: 0.1, activationBytes: 0, paramBytes: 0, flops: 200 },
        ],
      },
    });
    await page.waitForSelector('#legend', { state: 'visible' });
    assert.equal(await page.textContent('#legend-label'), 'FLOPs');
    assert.equal(await hook<number>(page, `heat(${JSON.stringify(a)})`), 0.25);
  });

  it("lists a node's suggestions in the properties pane (as text) and asks the host to apply them", async () => {
    const graph = syntheticGraph(40);
    const page = await open('suggest', graph);
    const target = graph.nodes[7]!;
    const title = 'Quantize <b>Conv</b> to int8 (static QDQ)';
    await sendHost(page, { type: 'suggestions', badges: [{ nodeName: target.name, title }] });
    await sendHost(page, { type: 'revealNode', nodeName: target.name });
    assert.equal(await page.textContent('#properties .suggestions li'), title);
    assert.equal(await page.locator('#properties b').count(), 0, 'the title is text, not markup');
    await page.click('#properties .apply-suggestion');
    const sent = await sentByWebview(page);
    const apply = sent.find((m) => m.type === 'applySuggestion');
    assert.ok(apply && apply.type === 'applySuggestion' && apply.nodeId === target.id);
    assert.deepEqual(validateWebviewMessage(apply, graph.nodes.length), apply);
    // A node without suggestions shows no such section.
    await sendHost(page, { type: 'revealNode', nodeName: graph.nodes[8]!.name });
    // The pane re-renders when the page handles the message: wait for it (a section that stays fails here).
    await page.waitForSelector('#properties .suggestions', { state: 'detached', timeout: 10_000 });
    assert.equal(await page.locator('#properties .suggestions').count(), 0);
  });

  it('shows node names containing HTML and script as inert text', async () => {
    const g = new GraphBuilder('xss');
    const evil = [
      '<img src=x onerror="window.__pwned=1">',
      '<script>window.__pwned=2</script>',
      '"><svg onload=window.__pwned=3>',
    ];
    let x = g.input('<b>in</b>', [1, 4]);
    for (const name of evil) x = g.node('Relu', [x], [`${name}:out`], {}, name)[0]!;
    g.output(x, [1, 4]);
    const graph = compactGraph(g.model());
    const page = await open('xss', graph);
    for (const name of evil) {
      await sendHost(page, { type: 'revealNode', nodeName: name });
      assert.equal(await page.textContent('#properties .node-name'), name);
      await page.locator('#search input').fill(name);
      assert.equal(await hook(page, 'selectedName()'), name);
    }
    assert.equal(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned), undefined);
    assert.equal(await page.locator('img, svg, #properties script, #properties b').count(), 0);
  });

  it('collapses name scopes on a 10k-node graph and expands a group with Enter', async () => {
    const graph = syntheticGraph(10_000);
    const page = await open('big', graph);
    const shown = await hook<number>(page, 'visibleUnits()');
    assert.ok(shown > 1 && shown <= 1500, `shown ${shown}`);
    // The last layer's nodes sit in a collapsed group: search selects the group, Enter opens it.
    const last = graph.nodes[graph.nodes.length - 1]!;
    await page.locator('#search input').fill(last.name);
    const group = await hook<string>(page, 'selectedName()');
    assert.ok(last.name.startsWith(`/${group}/`), `${group} should be a scope of ${last.name}`);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      (n) =>
        (globalThis as unknown as { __onnxTunerTest: { visibleUnits(): number } }).__onnxTunerTest.visibleUnits() > n,
      shown,
    );
  });

  it('moves to a consumer with ArrowDown and back with ArrowUp', async () => {
    const graph = syntheticGraph(40);
    const page = await open('keys', graph);
    await sendHost(page, { type: 'revealNode', nodeName: graph.nodes[0]!.name });
    await page.focus('#graph');
    await page.keyboard.press('ArrowDown');
    const next = await hook<string>(page, 'selectedName()');
    const consumer = graph.edges.filter((e) => e.from === 0).map((e) => graph.nodes[e.to]!.name);
    assert.ok(consumer.includes(next), `${next} not a consumer of node 0`);
    await page.keyboard.press('ArrowUp');
    assert.equal(await hook(page, 'selectedName()'), graph.nodes[0]!.name);
  });
});
