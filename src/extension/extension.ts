/**
 * Entry of dist/extension.js. Heavy work never runs here: engine jobs run in job processes
 * (jobs/jobRunner.ts → dist/jobProcess.js) and onnxruntime sessions in the runtime process.
 * The activation code loads through `import()`, which esbuild keeps lazy.
 */
import type * as vscode from 'vscode';
import type { TunerApi } from './activation';

export async function activate(context: vscode.ExtensionContext): Promise<TunerApi> {
  const { activateTuner } = await import('./activation.js');
  return activateTuner(context);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
