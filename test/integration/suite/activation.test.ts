/** The extension activates in a real VS Code and registers every command package.json contributes. */
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { activeExtension } from './helpers';

interface Contributes {
  commands: { command: string }[];
  customEditors: { viewType: string }[];
}

describe('activation', () => {
  it('activates and returns its API', async () => {
    const { ext, api } = await activeExtension();
    assert.strictEqual(ext.isActive, true);
    assert.ok(api.store, 'API exposes the profile store');
    assert.deepStrictEqual(api.layerCostElements(), [], 'no profile yet: the Layer Costs tree is empty');
  });

  it('registers every contributed command', async () => {
    const { ext } = await activeExtension();
    const contributed = (ext.packageJSON.contributes as Contributes).commands.map((c) => c.command);
    assert.ok(contributed.length >= 8, `package.json contributes ${contributed.length} commands`);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepStrictEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('contributes the .onnx custom editor and the Layer Costs view', async () => {
    const { ext } = await activeExtension();
    const editors = (ext.packageJSON.contributes as Contributes).customEditors.map((e) => e.viewType);
    assert.deepStrictEqual(editors, ['onnxTuner.modelEditor']);
    // The view's focus command exists only when VS Code registered the view from the contribution.
    assert.ok((await vscode.commands.getCommands(true)).includes('onnxTuner.layerCosts.focus'));
  });
});
