/**
 * Compare Graphs in the extension host (issue 17): the command builds the two models' diff in a job process and
 * opens it in a graph webview panel; the comparison report links to it with a command URI.
 */
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readModel } from '../../../src/engine/onnx/readModel';
import { writeModel } from '../../../src/engine/onnx/writeModel';
import { quantizeDynamic } from '../../../src/engine/transform/quantize/dynamic';
import { comparisonBody, compareGraphsLink } from '../../../src/extension/views/comparisonPanel';
import { GRAPH_DIFF_VIEW_TYPE } from '../../../src/extension/views/graphDiffPanel';
import { activeExtension, workspaceFile } from './helpers';

describe('Compare Graphs', () => {
  it('opens a graph panel on the diff of a model and its int8 version, without needing a trusted run', async () => {
    await activeExtension();
    const a = workspaceFile('tiny-cnn.onnx');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compare-graphs-'));
    try {
      const b = path.join(dir, 'tiny-cnn.int8.onnx');
      writeModel(quantizeDynamic(readModel(a.fsPath).proto).model, b);
      const panel = (await vscode.commands.executeCommand('onnxTuner.compareGraphs', a, b)) as vscode.WebviewPanel;
      assert.ok(panel, 'the command returns its panel');
      assert.strictEqual(panel.viewType, GRAPH_DIFF_VIEW_TYPE);
      assert.strictEqual(panel.title, 'Graphs: tiny-cnn.onnx ↔ tiny-cnn.int8.onnx');
      assert.ok(panel.webview.options.enableScripts);
      panel.dispose();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('links the comparison report to the two models’ graph diff', () => {
    const link = compareGraphsLink('/w/a.onnx', '/w/a.int8.onnx');
    assert.strictEqual(decodeURIComponent(link), 'command:onnxTuner.compareGraphs?["/w/a.onnx","/w/a.int8.onnx"]');
    const html = comparisonBody({
      a: '/w/a.onnx',
      b: '/w/a.int8.onnx',
      sizeA: 4000,
      sizeB: 1000,
      nodesA: 10,
      nodesB: 12,
      latency: null,
      outputs: [],
      notes: [],
    });
    assert.ok(html.includes(`id="compare-graphs" href="${link}"`), html);
  });
});
