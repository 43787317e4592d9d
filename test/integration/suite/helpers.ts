/** Shared by the integration suites: the extension under test, the workspace's models, waiting helpers. */
import * as assert from 'node:assert';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { TunerApi } from '../../../src/extension/activation';

export const EXTENSION_ID = 'onnx-tuner.onnx-tuner';

export async function activeExtension(): Promise<{ ext: vscode.Extension<TunerApi>; api: TunerApi }> {
  const ext = vscode.extensions.getExtension<TunerApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this VS Code`);
  const api = await ext.activate();
  return { ext, api };
}

export function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the integration tests need a workspace folder (the runner opens one)');
  return vscode.Uri.joinPath(folder.uri, name);
}

export function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

export async function waitFor<T>(what: string, get: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
