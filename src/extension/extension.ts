/**
 * Entry of dist/extension.js. The same bundle also serves as the job worker (jobs/jobRunner.ts starts it in a
 * worker thread with a marker in `workerData`), so heavy engine work runs off the extension host thread
 * without a second bundle. Both paths load their code through `import()`, which esbuild keeps lazy: the
 * worker never loads `vscode` (which exists only in the extension host), the host never loads job code.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type * as vscode from 'vscode';
import type { TunerApi } from './activation';
import { JOB_WORKER_MARKER } from './jobs/jobProtocol';

if (parentPort && workerData && typeof workerData === 'object' && JOB_WORKER_MARKER in workerData)
  void import('./jobs/jobWorker.js').then((m) => m.runJobWorker());

export async function activate(context: vscode.ExtensionContext): Promise<TunerApi> {
  const { activateTuner } = await import('./activation.js');
  return activateTuner(context);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
