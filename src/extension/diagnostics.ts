/**
 * Suggestions from a profile as Problems-panel diagnostics on the model file, and the matching code actions
 * ("Quantize with dynamic int8", ...) where a suggestion has an optimize step that acts on it.
 */
import * as vscode from 'vscode';
import type { ProfileStore } from './profileStore';
import type { Suggestion } from '../engine/report/layerCosts';

const SOURCE = 'ONNX Tuner';

const ACTION_TITLES: Record<NonNullable<Suggestion['action']>, string> = {
  'quantize-dynamic': 'Quantize weights to int8 (dynamic) into a new file',
  simplify: 'Simplify the graph into a new file',
  prune: 'Prune small weights into a new file',
  fp16: 'Convert to float16 into a new file',
  advice: 'Run the suggested optimization into a new file',
};

function toDiagnostic(s: Suggestion): vscode.Diagnostic {
  // A model file has no text lines: the diagnostic sits on the first position and names the node instead.
  const d = new vscode.Diagnostic(
    new vscode.Range(0, 0, 0, 0),
    `${s.node ? `${s.node}: ` : ''}${s.title} — ${s.detail}`,
    s.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information,
  );
  d.source = SOURCE;
  d.code = s.action ? `${s.id}:${s.action}` : s.id;
  return d;
}

export class SuggestionDiagnostics implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
  };

  static register(store: ProfileStore): vscode.Disposable {
    const collection = vscode.languages.createDiagnosticCollection('onnxTuner');
    const update = (uri: vscode.Uri): void => {
      const report = store.get(uri);
      collection.set(uri, report ? report.suggestions.map(toDiagnostic) : []);
    };
    return vscode.Disposable.from(
      collection,
      store.onDidChange(update),
      vscode.languages.registerCodeActionsProvider(
        { pattern: '**/*.onnx' },
        new SuggestionDiagnostics(),
        SuggestionDiagnostics.metadata,
      ),
    );
  }

  provideCodeActions(
    document: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    const seen = new Set<string>();
    for (const d of context.diagnostics) {
      if (d.source !== SOURCE || typeof d.code !== 'string') continue;
      const [id, rawAction] = d.code.split(':');
      const action = rawAction as Suggestion['action'];
      // Advice suggestions each carry their own configuration: one action per suggestion, found by its id.
      const key = action === 'advice' ? `advice:${id}` : action;
      if (!action || !(action in ACTION_TITLES) || !key || seen.has(key)) continue;
      seen.add(key);
      const a = new vscode.CodeAction(
        action === 'advice' ? `${ACTION_TITLES[action]} (${d.message.split(' — ')[0]})` : ACTION_TITLES[action],
        vscode.CodeActionKind.QuickFix,
      );
      a.diagnostics = [d];
      a.command = {
        command: 'onnxTuner.applySuggestion',
        title: a.title,
        arguments: action === 'advice' ? [document.uri, action, id] : [document.uri, action],
      };
      actions.push(a);
    }
    return actions;
  }
}
