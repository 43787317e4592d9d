/**
 * Which model a command acts on: the explorer item it was invoked on, else the model open in the active graph
 * editor, else the one the Layer Costs view shows, else one the user picks.
 */
import * as vscode from 'vscode';
import { MODEL_VIEW_TYPE } from '../views/viewTypes';

export function activeModelUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputCustom && input.viewType === MODEL_VIEW_TYPE) return input.uri;
  const doc = vscode.window.activeTextEditor?.document.uri;
  return doc && /\.onnx$/i.test(doc.path) ? doc : undefined;
}

export async function pickModel(title: string, fallback?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const found = await vscode.workspace.findFiles('**/*.onnx', '**/node_modules/**', 200);
  if (found.length === 0) {
    const picked = await vscode.window.showOpenDialog({
      title,
      filters: { 'ONNX models': ['onnx'] },
      canSelectMany: false,
    });
    return picked?.[0];
  }
  const items = found
    .sort((a, b) =>
      a.toString() === fallback?.toString()
        ? -1
        : b.toString() === fallback?.toString()
          ? 1
          : a.path.localeCompare(b.path),
    )
    .map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri }));
  // ignoreFocusOut: the second pick of a two-model command must not vanish when a restoring editor or a
  // finished background job takes the focus for a moment (seen in the Compare Graphs e2e spec).
  return (await vscode.window.showQuickPick(items, { title, placeHolder: 'Pick an ONNX model', ignoreFocusOut: true }))
    ?.uri;
}

/** Resolves the command's target model; `undefined` when the user cancelled the pick. */
export async function modelTarget(arg: unknown, title: string, fallback?: vscode.Uri): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  return activeModelUri() ?? fallback ?? (await pickModel(title));
}

/**
 * Profiling and optimizing hand the model to onnxruntime (native code that follows paths written in the model
 * and runs its graph) and write files: in an untrusted workspace, say so instead of running.
 */
export function requireTrust(what: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window
    .showWarningMessage(
      `${what} needs a trusted workspace: it runs the model in onnxruntime (native code) and writes new files. Viewing the graph works without trust.`,
      'Manage Workspace Trust',
    )
    .then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  return false;
}
