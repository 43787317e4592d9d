/** Opening a model shows it in the ONNX Tuner graph editor (a custom editor, not a text editor). */
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { activeExtension, waitFor, workspaceFile } from './helpers';

describe('custom editor', () => {
  before(async () => {
    await activeExtension();
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens a .onnx file with the graph editor by default', async () => {
    const uri = workspaceFile('tiny-cnn.onnx');
    await vscode.commands.executeCommand('vscode.open', uri);
    const input = await waitFor('the active tab', () => vscode.window.tabGroups.activeTabGroup.activeTab?.input);
    assert.ok(input instanceof vscode.TabInputCustom, `expected a custom editor tab, got ${input?.constructor?.name}`);
    assert.strictEqual(input.viewType, 'onnxTuner.modelEditor');
    assert.strictEqual(input.uri.toString(), uri.toString());
  });

  it('Open as Text Summary shows the model inputs, outputs and ops', async () => {
    const doc = (await vscode.commands.executeCommand('onnxTuner.openTextSummary', workspaceFile('tiny-cnn.onnx'))) as
      vscode.TextDocument | undefined;
    assert.ok(doc, 'the command returns the summary document');
    const text = doc.getText();
    // The tiny CNN (test/support/models.ts): input [1,3,32,32], logits [1,10], two Conv nodes and a Gemm.
    assert.match(text, /input: float32 \[1, 3, 32, 32\]/);
    assert.match(text, /logits: float32 \[1, 10\]/);
    assert.match(text, /Conv\s+2\b/);
    assert.match(text, /Gemm\s+1\b/);
  });

  it('survives a hostile model (Slice with step 0): the host still answers afterwards', async () => {
    // The model is parsed in a job process: whatever the model does to it, the extension host is not touched.
    await vscode.commands.executeCommand('vscode.open', workspaceFile('slice-step-zero.onnx'));
    await waitFor('the hostile model tab', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputCustom && input.uri.fsPath.endsWith('slice-step-zero.onnx')
        ? input
        : undefined;
    });
    await new Promise((r) => setTimeout(r, 2000));
    const doc = (await vscode.commands.executeCommand('onnxTuner.openTextSummary', workspaceFile('tiny-cnn.onnx'))) as
      vscode.TextDocument | undefined;
    assert.match(doc?.getText() ?? '', /logits: float32 \[1, 10\]/);
    const { ext } = await activeExtension();
    assert.ok(ext.isActive);
  });
});
