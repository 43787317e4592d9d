/**
 * Suggestions from a profile as Problems-panel diagnostics on the model file, and the matching code actions
 * ("Quantize with dynamic int8", ...) where a suggestion has an optimize step that acts on it. Each suggestion
 * is listed once (adviceSuggestions.ts problemEntries); a node's entry carries a link, its code, that opens
 * the graph with that node selected (a model file has no lines, so the position alone cannot say where).
 */
import * as vscode from 'vscode';
import type { ProfileStore } from './profileStore';
import type { Suggestion } from '../engine/report/layerCosts';
import { problemEntries } from './views/adviceSuggestions';

const SOURCE = 'ONNX Tuner';

const ACTION_TITLES: Record<NonNullable<Suggestion['action']>, string> = {
  'quantize-dynamic': 'Quantize weights to int8 (dynamic) into a new file',
  simplify: 'Simplify the graph into a new file',
  prune: 'Prune small weights into a new file',
  fp16: 'Convert to float16 into a new file',
  advice: 'Run the suggested optimization into a new file',
};

/** A `command:` link to onnxTuner.revealNode (the Problems panel opens a code's target with commands allowed). */
export function revealNodeLink(uri: vscode.Uri, node: string): vscode.Uri {
  return vscode.Uri.parse(`command:onnxTuner.revealNode?${encodeURIComponent(JSON.stringify([uri.toString(), node]))}`);
}

/** The code a diagnostic carries for the quick fix: `id` or `id:action`. */
export function diagnosticCode(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  if (typeof c === 'string') return c;
  return c && typeof c === 'object' && typeof c.value === 'string' ? c.value : undefined;
}

function toDiagnostic(uri: vscode.Uri, s: Suggestion): vscode.Diagnostic {
  // A model file has no text lines: the diagnostic sits on the first position and names the node instead.
  const d = new vscode.Diagnostic(
    new vscode.Range(0, 0, 0, 0),
    `${s.node ? `${s.node}: ` : ''}${s.title} — ${s.detail}`,
    s.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information,
  );
  d.source = SOURCE;
  // A node entry's code is the link a user clicks ("reveal p2o.Conv.32"); a model-wide entry's code is what
  // the quick fix reads (`id:action`). (Problems-panel quick fixes need a text model, which a .onnx file
  // shown in the graph editor does not have: the graph's Apply button and the tree's are the ways in.)
  d.code = s.node
    ? { value: `reveal ${s.node}`, target: revealNodeLink(uri, s.node) }
    : s.action
      ? `${s.id}:${s.action}`
      : s.id;
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
      collection.set(uri, report ? problemEntries(report.suggestions).map((s) => toDiagnostic(uri, s)) : []);
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
      const code = diagnosticCode(d);
      if (d.source !== SOURCE || code === undefined) continue;
      const [id, rawAction] = code.split(':');
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
