/**
 * Compare Graphs in headless Chromium: a ResNet-style CNN against its dynamic int8 version, the union graph and
 * overlay built by the engine as the extension's job does. Checks the counts the page states, the colours of
 * added and changed nodes, and what a changed box says.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { buildGraphDiffView, type GraphDiffView } from '../../src/engine/graph/diffGraphView';
import { readModel } from '../../src/engine/onnx/readModel';
import { writeModel } from '../../src/engine/onnx/writeModel';
import { quantizeDynamic } from '../../src/engine/transform/quantize/dynamic';
import { resnetModel } from '../support/resnetModel';
import { startHarnessOrSkip, type Harness } from './support/browserHarness';
import { hook } from './support/pageHost';

describe('Compare Graphs view (headless Chromium)', function () {
  let harness: Harness;
  let page: Page | undefined;
  let view: GraphDiffView;
  let dir: string;

  before(async function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graph-diff-'));
    const { model } = resnetModel({ size: 32, widths: [8, 16], blocks: 1 });
    writeModel(model, path.join(dir, 'a.onnx'));
    writeModel(quantizeDynamic(model).model, path.join(dir, 'a.int8.onnx'));
    view = buildGraphDiffView(readModel(path.join(dir, 'a.onnx')), readModel(path.join(dir, 'a.int8.onnx')), {});
    harness = await startHarnessOrSkip(this);
  });
  afterEach(async () => {
    await page?.close();
    page = undefined;
  });
  after(async () => {
    await harness?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('states the counts, colours changed and added nodes apart, and lists what changed in the box', async () => {
    harness.addGraph('diff', view.graph, { heatMapMetric: 'latency', collapseAbove: 1500 }, view.diff);
    page = await harness.open('diff');
    const { counts } = view.diff;
    assert.ok(counts.changed >= 6 && counts.added > 0, JSON.stringify(counts));
    const status = (await page.textContent('#status')) ?? '';
    assert.ok(
      status.includes(
        `a.onnx → a.int8.onnx: ${counts.changed} changed, ${counts.added} added, ${counts.removed} removed, ${counts.same} same`,
      ),
      status,
    );
    const byStatus = (s: string) => view.graph.nodes.find((n) => view.diff.status[n.id] === s && !n.folded)!;
    const changed = byStatus('changed');
    const added = byStatus('added');
    const same = byStatus('same');
    const tints = await Promise.all(
      [changed, added, same].map((n) => hook<string>(page!, `tint(${JSON.stringify(n.name)})`)),
    );
    assert.equal(new Set(tints).size, 3, `changed/added/same tints ${tints.join(', ')}`);
    assert.ok(!tints.includes('none'));
    const conv = view.graph.nodes.find((n) => n.op === 'ConvInteger')!;
    assert.equal(view.diff.status[conv.id], 'changed');
    const rows = await hook<string[]>(page, `unitRows(${JSON.stringify(conv.name)})`);
    assert.equal(rows[0], 'op Conv → ConvInteger', rows.join(' | '));
    assert.equal(rows[1], 'W: float32 → int8');
  });
});
