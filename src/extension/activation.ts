/**
 * activate(): creates the shared services (log, job runner, runtime process, profile store) and registers
 * every provider and command; each `register()` returns a Disposable that goes into context.subscriptions.
 */
import * as vscode from 'vscode';
import { registerCommands } from './commands/registerCommands';
import { SuggestionDiagnostics } from './diagnostics';
import { initModelInputs } from './inputs/modelInputs';
import { JobRunner } from './jobs/jobRunner';
import { createLog } from './log';
import { ProfileStore } from './profileStore';
import { ProfileService } from './profileService';
import { LayerCostTreeProvider, type LayerCostElement } from './views/layerCostTree';
import { ModelEditorProvider } from './views/modelEditorProvider';

/** What activate() returns: used by the integration tests to read the views' state. */
export interface TunerApi {
  readonly store: ProfileStore;
  readonly layerCosts: LayerCostTreeProvider;
  /** The top level of the Layer Costs tree and, recursively, all its elements. */
  layerCostElements(): LayerCostElement[];
}

export function activateTuner(context: vscode.ExtensionContext): TunerApi {
  const log = createLog();
  context.subscriptions.push(log);
  log.info(
    `ONNX Tuner ${String(context.extension.packageJSON.version)} activating (workspace trusted: ${vscode.workspace.isTrusted})`,
  );
  const jobs = JobRunner.forExtension(context.extensionPath);
  context.subscriptions.push(initModelInputs(context, jobs));
  const store = new ProfileStore();
  const profiles = new ProfileService(context, jobs, store);
  const tree = LayerCostTreeProvider.register(store);
  const editors = ModelEditorProvider.register(context, jobs, store);
  context.subscriptions.push(
    { dispose: () => jobs.dispose() },
    store,
    profiles,
    tree,
    editors,
    SuggestionDiagnostics.register(store),
    registerCommands({ context, jobs, store, profiles, editors: editors.provider, treeView: tree.view }),
  );
  const collect = (els: LayerCostElement[]): LayerCostElement[] =>
    els.flatMap((e) => [e, ...collect(tree.provider.getChildren(e))]);
  return {
    store,
    layerCosts: tree.provider,
    layerCostElements: () => collect(tree.provider.getChildren()),
  };
}
