/**
 * The "ONNX Tuner" commands. Each handler resolves its target model, checks workspace trust where it runs the
 * model or writes files, reports errors as one message (details in the output channel), and returns its
 * result so tests and other commands can use it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OptimizeConfig } from '../../engine/advise/adviceTypes';
import type { JobRunner } from '../jobs/jobRunner';
import { CancelledError } from '../../engine/cancel';
import { log } from '../log';
import type { ProfileStore } from '../profileStore';
import type { ProfileService } from '../profileService';
import { editInputShapes, modelSettings } from '../inputs/modelInputs';
import { showComparison } from '../views/comparisonPanel';
import { showGraphDiff } from '../views/graphDiffPanel';
import type { LayerCostElement } from '../views/layerCostTree';
import type { LayerCostReport, Suggestion } from '../../engine/report/layerCosts';
import type { ModelEditorProvider } from '../views/modelEditorProvider';
import { MODEL_VIEW_TYPE } from '../views/viewTypes';
import { exportReport } from './exportReport';
import { modelTarget, pickModel, requireTrust } from './modelTarget';
import { comparisonVerdict, optimizeModel, type OptimizeOptions } from './optimizeCommand';
import { withMeasured } from '../views/adviceSuggestions';
import { findRuntimeSettings, type SweepCommandOptions } from './sweepCommand';
import { measureNodeErrors } from './nodeErrors';
import { menuNodeName } from './menuArgs';
import type { KeptPrecision } from './exclusionList';
import { keepInFloat, keepIteration, requantize, worstNodes } from './tuningCommands';
import { findExclusions, type FindExclusionsOptions } from './findExclusionsCommand';

export interface CommandDeps {
  readonly context: vscode.ExtensionContext;
  readonly jobs: JobRunner;
  readonly store: ProfileStore;
  readonly profiles: ProfileService;
  readonly editors: ModelEditorProvider;
  readonly treeView: vscode.TreeView<LayerCostElement>;
}

/** Wraps a handler: errors become one notification naming what failed; cancellations are silent. */
function guarded<A extends unknown[], R>(
  what: string,
  fn: (...args: A) => Promise<R>,
): (...args: A) => Promise<R | undefined> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (e) {
      if (e instanceof CancelledError) return undefined;
      const message = e instanceof Error ? e.message : String(e);
      log().error(`${what} failed: ${e instanceof Error && e.stack ? e.stack : message}`);
      void vscode.window.showErrorMessage(`${what} failed: ${message}`, 'Show Log').then((c) => {
        if (c) log().show();
      });
      return undefined;
    }
  };
}

/** Models already offered the Set Input Shapes form this session (once each is enough). */
const offered = new Set<string>();

/**
 * A model profiled at assumed dims (nothing configured for an open dim): say which shape was assumed and
 * offer the form, once per model and session, rather than leave a guess unnoticed.
 */
function offerInputShapes(uri: vscode.Uri, report: LayerCostReport): void {
  const assumed = (report.inputs ?? []).filter((i) => i.source === 'assumed');
  if (!assumed.length || offered.has(uri.toString())) return;
  offered.add(uri.toString());
  const shapes = assumed.map((i) => `${i.name} ${i.dims.join('×')}`).join(', ');
  void vscode.window
    .showInformationMessage(
      `${path.basename(uri.fsPath)} has open input dims: profiled at ${shapes} (assumed).`,
      'Set Input Shapes…',
    )
    .then((choice) => {
      if (choice) void editInputShapes(uri, Object.fromEntries((report.inputs ?? []).map((i) => [i.name, i.dims])));
    });
}

export function registerCommands(d: CommandDeps): vscode.Disposable {
  const { context, jobs, store, profiles, editors } = d;
  const reg = (id: string, fn: (...args: never[]) => unknown): vscode.Disposable =>
    vscode.commands.registerCommand(id, fn as (...args: unknown[]) => unknown);

  const profile = guarded('Profile Model', async (arg?: unknown): Promise<LayerCostReport | undefined> => {
    const uri = await modelTarget(arg, 'Profile which model?', store.currentUri);
    if (!uri || !requireTrust('Profiling')) return undefined;
    const report = await profiles.profile(uri);
    void vscode.commands.executeCommand('onnxTuner.layerCosts.focus');
    offerInputShapes(uri, report);
    return report;
  });

  const optimize = guarded('Optimize Model', async (arg?: unknown, options?: OptimizeOptions) => {
    const uri = await modelTarget(arg, 'Optimize which model?', store.currentUri);
    if (!uri || !requireTrust('Optimizing')) return undefined;
    const result = await optimizeModel(uri, jobs, context.extensionUri, options);
    // The report is open; the original's graph is coloured by the per-node error once it is measured (awaited
    // so the command's caller knows the heat map is ready when it resolves).
    if (result?.outFile && result.comparison)
      await measureNodeErrors(jobs, editors, uri, vscode.Uri.file(result.outFile), (await modelSettings(uri)).runtime);
    return result;
  });

  const compareModels = guarded('Compare Two Models', async (arg?: unknown, other?: vscode.Uri) => {
    const a = await modelTarget(arg, 'Compare: the first model (A)', store.currentUri);
    if (!a || !requireTrust('Comparing')) return undefined;
    const b = other ?? (await pickModel(`Compare ${path.basename(a.fsPath)} with… (B)`));
    if (!b) return undefined;
    const s = await modelSettings(a);
    const summary = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Comparing models', cancellable: true },
      (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return jobs.run(
          'compare',
          {
            a: a.fsPath,
            b: b.fsPath,
            runtime: s.runtime,
            runs: Math.min(s.runs, 20),
          },
          { signal: abort.signal, onProgress: (message) => progress.report({ message }) },
        );
      },
    );
    showComparison(context.extensionUri, summary);
    await measureNodeErrors(jobs, editors, a, b, s.runtime);
    return summary;
  });

  // Reads the two models only (no onnxruntime, no files written): allowed in Restricted Mode. Arguments may be
  // URIs (explorer) or paths (the comparison report's link).
  const compareGraphs = guarded('Compare Graphs', async (arg?: unknown, other?: unknown) => {
    const asUri = (x: unknown): vscode.Uri | undefined =>
      x instanceof vscode.Uri ? x : typeof x === 'string' && x.endsWith('.onnx') ? vscode.Uri.file(x) : undefined;
    const a = asUri(arg) ?? (await modelTarget(arg, 'Compare graphs: the original model (A)', store.currentUri));
    if (!a) return undefined;
    const b = asUri(other) ?? (await pickModel(`Compare the graph of ${path.basename(a.fsPath)} with… (B)`));
    if (!b) return undefined;
    const view = jobs.run('graphDiff', { a: a.fsPath, b: b.fsPath, dims: (await modelSettings(a)).runtime.dims });
    return showGraphDiff(
      context.extensionUri,
      a,
      b,
      view,
      () => ({ a: store.get(a), b: store.get(b) }),
      store.onDidChange,
      () => editors.nodeErrors(a),
      editors.onDidChangeErrors,
    );
  });

  const textSummary = guarded('Open as Text Summary', async (arg?: unknown) => {
    const uri = await modelTarget(arg, 'Summarise which model?', store.currentUri);
    if (!uri) return undefined;
    const { runtime } = await modelSettings(uri);
    const { text } = await jobs.run('summary', {
      file: uri.fsPath,
      dims: runtime.dims,
      inputShapes: runtime.inputShapes,
    });
    const doc = await vscode.workspace.openTextDocument({ content: text, language: 'plaintext' });
    await vscode.window.showTextDocument(doc, { preview: false });
    return doc;
  });

  const exportCmd = guarded('Export Report', async (arg?: unknown, format?: string, target?: vscode.Uri) => {
    const uri = arg instanceof vscode.Uri ? arg : store.currentUri;
    const report = uri ? store.get(uri) : undefined;
    if (!uri || !report) {
      void vscode.window.showInformationMessage('Profile a model first: Export Report saves the latest profile.');
      return undefined;
    }
    return exportReport(report, format, target);
  });

  const openSample = guarded('Open Sample Model', async () => {
    const bundled = vscode.Uri.joinPath(context.extensionUri, 'media', 'sample', 'tiny-cnn.onnx');
    if (!fs.existsSync(bundled.fsPath))
      throw new Error(
        `the sample model is missing (${bundled.fsPath}); in a source checkout run 'npx tsx scripts/make-sample.ts'`,
      );
    // Work on a copy in the extension's storage: Optimize writes its result next to the model, and the
    // extension's install folder is no place for that.
    const copy = vscode.Uri.joinPath(context.globalStorageUri, 'sample', 'tiny-cnn.onnx');
    fs.mkdirSync(path.dirname(copy.fsPath), { recursive: true });
    if (!fs.existsSync(copy.fsPath)) fs.copyFileSync(bundled.fsPath, copy.fsPath);
    await vscode.commands.executeCommand('vscode.openWith', copy, MODEL_VIEW_TYPE);
    return copy;
  });

  // From the Layer Costs tree (a Uri) or a Problems-panel link (command: URIs carry JSON, so a string).
  const revealNode = guarded('Reveal Node', async (uri: vscode.Uri | string, node: string) => {
    if (typeof node !== 'string') return;
    await d.editors.reveal(typeof uri === 'string' ? vscode.Uri.parse(uri) : uri, node);
  });

  const applySuggestion = guarded(
    'Apply Suggestion',
    async (arg: unknown, action?: Suggestion['action'], suggestionId?: string) => {
      let uri: vscode.Uri | undefined;
      let step = action;
      let id = suggestionId;
      if (arg instanceof vscode.Uri) uri = arg;
      else if (arg && typeof arg === 'object' && (arg as LayerCostElement).kind === 'suggestion') {
        uri = store.currentUri;
        const s = (arg as Extract<LayerCostElement, { kind: 'suggestion' }>).suggestion;
        step = s.action;
        id = s.id;
      }
      if (!uri || !step || !requireTrust('Optimizing')) return undefined;
      const suggestion = id === undefined ? undefined : store.get(uri)?.suggestions.find((s) => s.id === id);
      const label = suggestion ? `Applied "${suggestion.title}"` : undefined;
      const result =
        step !== 'advice'
          ? await optimizeModel(uri, jobs, context.extensionUri, { steps: [step], ...(label ? { label } : {}) })
          : await (async () => {
              // The configuration comes from the advice engine's result held by the store, never from the caller.
              const config = suggestion?.config as OptimizeConfig | undefined;
              if (!config) throw new Error(`no current suggestion '${id ?? ''}': profile the model again`);
              return optimizeModel(uri, jobs, context.extensionUri, { steps: [], config, ...(label ? { label } : {}) });
            })();
      // Tried: the suggestion now shows the measured verdict instead of its estimate (tree, Problems panel).
      const report = store.get(uri);
      const comparison = result && 'comparison' in result ? result.comparison : null;
      if (report && suggestion && comparison) {
        const measured = comparisonVerdict(comparison).line;
        store.set(uri, {
          ...report,
          suggestions: withMeasured(report.suggestions, suggestion.of ?? suggestion.id, measured),
        });
      }
      return result;
    },
  );

  const runtimeSettings = guarded(
    'Find Best Runtime Settings',
    async (arg?: unknown, options?: SweepCommandOptions) => {
      const uri = await modelTarget(arg, 'Find runtime settings for which model?', store.currentUri);
      if (!uri || !requireTrust('Sweeping runtime settings')) return undefined;
      return findRuntimeSettings(uri, jobs, options);
    },
  );

  const setInputShapes = guarded('Set Input Shapes', async (arg?: unknown) => {
    const uri = await modelTarget(arg, 'Set the input shapes of which model?', store.currentUri);
    if (!uri) return undefined;
    const profiled = Object.fromEntries((store.get(uri)?.inputs ?? []).map((i) => [i.name, i.dims]));
    return editInputShapes(uri, profiled);
  });

  // A node from the graph page (its session passes the model's Uri) or the Layer Costs tree.
  const keepIn = (precision: KeptPrecision) =>
    guarded(`Keep in ${precision === 'float' ? 'Float' : 'fp16'}`, async (arg?: unknown, node?: unknown) => {
      const uri = arg instanceof vscode.Uri ? arg : store.currentUri;
      const name =
        (typeof node === 'string' ? node : menuNodeName(arg)) ??
        (await vscode.window.showInputBox({ prompt: `Node to keep in ${precision}`, ignoreFocusOut: true }));
      if (!uri || !name) return undefined;
      return keepInFloat(uri, name, precision);
    });

  // The first N nodes of the model's error heat map at once (issue 18: ppocr-det needs dozens).
  const keepWorst = guarded('Keep the Worst Nodes in Float', async (arg?: unknown, count?: unknown) => {
    const uri = await modelTarget(arg, 'Keep the worst nodes of which model in float?', store.currentUri);
    if (!uri) return undefined;
    const overlay = editors.nodeErrors(uri);
    if (!overlay) throw new Error(`optimize ${path.basename(uri.fsPath)} first: there is no error heat map to read`);
    const n =
      typeof count === 'number'
        ? count
        : Number(
            await vscode.window.showInputBox({
              prompt: `How many of the nodes the error heat map ranks worst (${overlay.ranking === 'added' ? 'by the error each adds' : 'by output error'}) to keep in float?`,
              value: '5',
              // As every input a command asks for: a webview taking the focus back as the palette closes (seen
              // in CI) or a job finishing must not dismiss it (modelTarget.ts).
              ignoreFocusOut: true,
              validateInput: (v) => (/^[1-9]\d*$/.test(v.trim()) ? undefined : 'a whole number ≥ 1'),
            }),
          );
    const names = n > 0 ? worstNodes(overlay, n) : [];
    return names.length ? keepInFloat(uri, names) : undefined;
  });

  const requantizeCmd = guarded('Re-quantize', async (arg?: unknown) => {
    const uri = await modelTarget(arg, 'Re-quantize which model?', store.currentUri);
    if (!uri || !requireTrust('Optimizing')) return undefined;
    const result = await requantize(uri, jobs, context.extensionUri);
    if (result?.outFile && result.comparison)
      await measureNodeErrors(jobs, editors, uri, vscode.Uri.file(result.outFile), (await modelSettings(uri)).runtime);
    return result;
  });

  // From the comparison report's "keep this one" link: command URIs carry JSON, so paths arrive as strings.
  const keepIterationCmd = guarded('Keep Iteration', async (original?: unknown, file?: unknown) => {
    if (typeof original !== 'string' || typeof file !== 'string' || !file.endsWith('.onnx')) return undefined;
    return keepIteration(original, file);
  });

  const findExclusionsCmd = guarded(
    'Find Fewest Exclusions',
    async (arg?: unknown, options?: FindExclusionsOptions) => {
      const uri = await modelTarget(arg, 'Find which nodes of which model to keep float?', store.currentUri);
      if (!uri || !requireTrust('Optimizing')) return undefined;
      const result = await findExclusions(uri, jobs, context.extensionUri, options);
      if (result?.outFile)
        await measureNodeErrors(
          jobs,
          editors,
          uri,
          vscode.Uri.file(result.outFile),
          (await modelSettings(uri)).runtime,
        );
      return result;
    },
  );

  return vscode.Disposable.from(
    reg('onnxTuner.findExclusions', findExclusionsCmd),
    reg('onnxTuner.keepInFloat', keepIn('float')),
    reg('onnxTuner.keepInFp16', keepIn('fp16')),
    reg('onnxTuner.keepWorstInFloat', keepWorst),
    reg('onnxTuner.requantize', requantizeCmd),
    reg('onnxTuner.keepIteration', keepIterationCmd),
    reg('onnxTuner.setInputShapes', setInputShapes),
    reg('onnxTuner.findRuntimeSettings', runtimeSettings),
    reg('onnxTuner.profileModel', profile),
    reg('onnxTuner.optimizeModel', optimize),
    reg('onnxTuner.compareModels', compareModels),
    reg('onnxTuner.compareGraphs', compareGraphs),
    reg('onnxTuner.openTextSummary', textSummary),
    reg('onnxTuner.exportReport', exportCmd),
    reg('onnxTuner.openSample', openSample),
    reg('onnxTuner.revealNode', revealNode),
    reg('onnxTuner.applySuggestion', applySuggestion),
  );
}
