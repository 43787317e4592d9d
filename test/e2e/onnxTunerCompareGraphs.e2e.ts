/**
 * Compare Graphs end to end, in code-server with the packaged .vsix: ppocr-det against its dynamic int8 version
 * (written here by the engine, as `optimize --quantize dynamic` would), opened from the command palette. The
 * page's changed / added / removed counts must be the engine's own matching of the two files. Named to sort after
 * onnxTuner.e2e.ts: it reloads the workbench, and the specs there expect the explorer of a first load.
 */
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { diffCounts, matchNodes } from '../../src/engine/graph/graphDiff';
import { readModel } from '../../src/engine/onnx/readModel';
import { writeModel } from '../../src/engine/onnx/writeModel';
import { quantizeDynamic } from '../../src/engine/transform/quantize/dynamic';
import { e2e } from './support/context';
import { pickQuickItem, runFromPalette, waitForExtension, waitForWorkbench, waitInFrame } from './support/workbench';

/** The webview frame whose status line names a diff (the model's own graph editor may be open beside it). */
async function diffFrame(timeoutMs: number): Promise<Frame> {
  const { page } = e2e();
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const f of page.frames())
      try {
        const status = await f.locator('#status').innerText({ timeout: 200 });
        if (/ changed, /.test(status)) return f;
      } catch {
        // not a graph page, or navigating
      }
    await page.waitForTimeout(250);
  }
  throw new Error(`no Compare Graphs page after ${timeoutMs} ms`);
}

describe('Compare Graphs in VS Code (code-server)', function () {
  this.timeout(180_000);
  let int8 = '';

  before(async () => {
    const { page, url, workspace, model } = e2e();
    int8 = path.join(workspace, path.basename(model).replace(/\.onnx$/, '.int8.onnx'));
    fs.rmSync(int8, { force: true });
    writeModel(quantizeDynamic(readModel(model).proto).model, int8);
    await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
    await waitForWorkbench(page);
    await waitForExtension(page);
  });
  after(() => fs.rmSync(int8, { force: true }));

  it('opens the diff of the model and its int8 version with the engine’s changed-node count', async () => {
    const { page, model } = e2e();
    const expected = diffCounts(matchNodes(readModel(model).proto.graph!, readModel(int8).proto.graph!));
    assert.ok(expected.changed > 0, 'the int8 version changes some nodes');
    // A is the current model when one is open or profiled, else the command asks for it; B is always asked for.
    // (No explorer clicks: the workbench may still be restoring its side bar after the page load.)
    await runFromPalette(page, 'ONNX Tuner: Compare Graphs');
    const title = page.locator('.quick-input-widget .quick-input-title');
    await title.filter({ hasText: /\((A|B)\)/ }).waitFor({ timeout: 30_000 });
    if (/\(A\)/.test(await title.innerText())) {
      await pickQuickItem(page, path.basename(model));
      await title.filter({ hasText: /\(B\)/ }).waitFor({ timeout: 30_000 });
    }
    await pickQuickItem(page, path.basename(int8));
    const frame = await diffFrame(90_000);
    await waitInFrame(frame, 'window.__onnxTunerTest && window.__onnxTunerTest.drawnUnits() > 0', 60_000);
    const status = await frame.locator('#status').innerText();
    const m = /(\d+) changed, (\d+) added, (\d+) removed, (\d+) same/.exec(status);
    assert.ok(m, `status line: ${status}`);
    const shown = { changed: Number(m[1]), added: Number(m[2]), removed: Number(m[3]), same: Number(m[4]) };
    assert.deepStrictEqual(shown, { ...expected }, status);
    await page.waitForTimeout(700);
    const file = path.join(e2e().run.shots, 'graph-diff.png');
    await page.screenshot({ path: file });
    e2e().log(`compare graphs: ${status}; ${file}`);
    // Leave the workbench as found: editors restored on the next page load would slow the specs after this one.
    await runFromPalette(page, 'View: Close All Editors');
  });
});
