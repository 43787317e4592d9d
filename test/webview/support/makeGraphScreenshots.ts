/**
 * Writes the issue-17 README screenshots from the standalone page (after `node esbuild.js`):
 *   media/screenshots/graph-folded-dark.png   ppocr-det around a Conv: folded weight rows, key attributes (dark)
 *   media/screenshots/graph-folded-light.png  the same in VS Code's light theme colours
 *   media/screenshots/graph-diff.png          Compare Graphs: ppocr-det against its dynamic int8 version
 * Usage: `npx tsx test/webview/support/makeGraphScreenshots.ts` (needs the real models: npm run models).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { buildGraphDiffView } from '../../../src/engine/graph/diffGraphView';
import { compactGraph } from '../../../src/engine/graph/compactGraph';
import { inferShapes } from '../../../src/engine/graph/shapeInference';
import { readModel } from '../../../src/engine/onnx/readModel';
import { writeModel } from '../../../src/engine/onnx/writeModel';
import { quantizeDynamic } from '../../../src/engine/transform/quantize/dynamic';
import { listRealModels } from '../../support/realModels';
import { startHarness } from './browserHarness';

/** VS Code's Light Modern colours for the variables the graph page reads. */
const LIGHT: Record<string, string> = {
  '--vscode-editor-background': '#ffffff',
  '--vscode-editor-foreground': '#3b3b3b',
  '--vscode-foreground': '#3b3b3b',
  '--vscode-editorWidget-background': '#f8f8f8',
  '--vscode-sideBar-background': '#f8f8f8',
  '--vscode-editorWidget-border': '#c8c8c8',
  '--vscode-panel-border': '#e5e5e5',
  '--vscode-focusBorder': '#005fb8',
  '--vscode-editorLineNumber-foreground': '#6e7681',
  '--vscode-charts-foreground': '#616161',
  '--vscode-charts-lines': '#9a9a9a',
  '--vscode-charts-blue': '#1a85ff',
  '--vscode-charts-red': '#e51400',
  '--vscode-charts-green': '#388a34',
  '--vscode-charts-purple': '#652d90',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-yellow': '#bf8803',
  '--vscode-input-background': '#ffffff',
  '--vscode-input-foreground': '#3b3b3b',
  '--vscode-button-secondaryBackground': '#e5e5e5',
  '--vscode-button-secondaryForeground': '#3b3b3b',
  '--vscode-button-secondaryHoverBackground': '#cccccc',
  '--vscode-settings-textInputBackground': '#ffffff',
  '--vscode-settings-textInputForeground': '#3b3b3b',
  '--vscode-settings-textInputBorder': '#cecece',
  '--vscode-settings-checkboxBackground': '#f8f8f8',
  '--vscode-settings-checkboxBorder': '#cecece',
  '--vscode-settings-checkboxForeground': '#3b3b3b',
  '--vscode-checkbox-background': '#f8f8f8',
  '--vscode-checkbox-border': '#cecece',
  '--vscode-checkbox-foreground': '#3b3b3b',
  '--vscode-descriptionForeground': '#3b3b3b',
};

const send = (page: Page, message: unknown): Promise<void> =>
  page.evaluate(
    (m) => (globalThis as unknown as { __onnxTunerHost: { send(m: unknown): void } }).__onnxTunerHost.send(m),
    message,
  );

async function shoot(page: Page, nodeName: string, out: string): Promise<void> {
  await send(page, { type: 'revealNode', nodeName });
  await page.waitForTimeout(300);
  await page.screenshot({ path: out });
  console.log(`wrote ${out} (${(fs.statSync(out).size / 1024).toFixed(0)} KB)`);
}

async function main(): Promise<void> {
  const model = listRealModels().find((m) => m.name === 'ppocr-det');
  if (!model) throw new Error('ppocr-det not fetched: npm run models');
  const proto = readModel(model.file).proto;
  const shapes = inferShapes(proto, { inputShapes: { x: [1, 3, 320, 320] } });
  const graph = compactGraph(proto, shapes.main.types);
  const conv = graph.nodes.filter((n) => n.op === 'Conv')[4]!.name;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shots-'));
  const harness = await startHarness();
  try {
    fs.mkdirSync('media/screenshots', { recursive: true });
    harness.addGraph('folded', graph);
    const page = await harness.open('folded', { width: 1100, height: 640 });
    await page.focus('#graph');
    await page.keyboard.press('s'); // shape labels on edges
    await shoot(page, conv, 'media/screenshots/graph-folded-dark.png');
    await page.evaluate((vars) => {
      const body = (
        globalThis as unknown as {
          document: { body: { style: { setProperty(k: string, v: string): void }; className: string } };
        }
      ).document.body;
      for (const [k, v] of Object.entries(vars)) body.style.setProperty(k, v);
      body.className = 'vscode-light'; // the page re-reads its theme when the body's class changes
    }, LIGHT);
    await shoot(page, conv, 'media/screenshots/graph-folded-light.png');
    await page.close();

    writeModel(proto, path.join(dir, 'ppocr-det.onnx'));
    writeModel(quantizeDynamic(proto).model, path.join(dir, 'ppocr-det.int8.onnx'));
    const view = buildGraphDiffView(
      readModel(path.join(dir, 'ppocr-det.onnx')),
      readModel(path.join(dir, 'ppocr-det.int8.onnx')),
      {},
    );
    harness.addGraph('diff', view.graph, { heatMapMetric: 'latency', collapseAbove: 1500 }, view.diff);
    const diffPage = await harness.open('diff', { width: 1100, height: 640 });
    const changed = view.graph.nodes.filter((n) => n.op === 'ConvInteger')[4]!.name;
    await shoot(diffPage, changed, 'media/screenshots/graph-diff.png');
  } finally {
    await harness.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
