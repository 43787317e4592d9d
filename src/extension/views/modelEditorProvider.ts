/**
 * The `.onnx` editor: a CustomReadonlyEditorProvider (results of any change are new files; the model is never
 * edited in place). The model is parsed in a job process, the webview gets the compact graph (no weights) after
 * it says it is ready, node details are pulled on demand, and the profile heat map follows the ProfileStore.
 * Every message from the webview is validated before use.
 */
import * as vscode from 'vscode';
import type { JobRunner } from '../jobs/jobRunner';
import type { GraphView } from '../../engine/graph/graphView';
import { log } from '../log';
import type { ProfileStore } from '../profileStore';
import { readSettings } from '../settings';
import { modelSettings } from '../inputs/modelInputs';
import { GraphSession } from './graphSession';
import { MODEL_VIEW_TYPE } from './viewTypes';
import { graphHtml } from './graphHtml';
import { webviewOptions } from './webviewHtml';
import { LatencyDeltaTracker } from './latencyDeltas';
import type { ErrorOverlay } from '../../protocol/webviewProtocol';

class ModelDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void {}
}

export class ModelEditorProvider implements vscode.CustomReadonlyEditorProvider<ModelDocument> {
  private readonly sessions = new Map<string, Set<GraphSession>>();
  /**
   * The latest per-node error measured against each original (by URI), kept with the comparison it explains
   * so an editor opened later is coloured too. In memory: it is as stale as the optimized file after a restart.
   */
  private readonly errors = new Map<string, ErrorOverlay>();
  private readonly errorsChanged = new vscode.EventEmitter<vscode.Uri>();
  /** Fires with the original's URI when a per-node error is measured for it (Compare Graphs listens). */
  readonly onDidChangeErrors = this.errorsChanged.event;
  /** The "latency delta" metric: the pair the error explains, once both models are profiled (issue 18). */
  private readonly deltas: LatencyDeltaTracker;

  private constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly jobs: JobRunner,
    private readonly store: ProfileStore,
  ) {
    this.deltas = new LatencyDeltaTracker(jobs, store, (original, overlay) => {
      for (const s of this.sessions.get(original.toString()) ?? []) s.postLatencyDeltas(overlay);
    });
  }

  /** Registers the editor; the Disposable also carries the provider (for reveal requests). */
  static register(
    context: vscode.ExtensionContext,
    jobs: JobRunner,
    store: ProfileStore,
  ): vscode.Disposable & { readonly provider: ModelEditorProvider } {
    const provider = new ModelEditorProvider(context, jobs, store);
    const disposable = vscode.Disposable.from(
      vscode.window.registerCustomEditorProvider(MODEL_VIEW_TYPE, provider, {
        webviewOptions: { retainContextWhenHidden: true },
        supportsMultipleEditorsPerDocument: true,
      }),
      provider.errorsChanged,
      store.onDidChange((uri) => {
        for (const s of provider.sessions.get(uri.toString()) ?? []) s.postProfile(store.get(uri));
        provider.deltas.onProfile(uri);
      }),
      vscode.window.onDidChangeActiveColorTheme((t) => {
        for (const set of provider.sessions.values()) for (const s of set) s.postTheme(t.kind);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('onnxTuner.heatMap.metric')) return;
        for (const [key, set] of provider.sessions)
          for (const s of set) s.setMetric(readSettings(vscode.Uri.parse(key)).heatMapMetric);
      }),
    );
    return Object.assign(disposable, { provider });
  }

  openCustomDocument(uri: vscode.Uri): ModelDocument {
    return new ModelDocument(uri);
  }

  async resolveCustomEditor(document: ModelDocument, panel: vscode.WebviewPanel): Promise<void> {
    const webview = panel.webview;
    webview.options = webviewOptions(this.context.extensionUri);
    webview.html = graphHtml(webview, this.context.extensionUri);
    const key = document.uri.toString();
    const settings = readSettings(document.uri);
    // Parsing starts now, in a job process, while the webview loads; the graph goes out when the page is ready.
    // With the shapes that apply to this model, so the costs shown are those a profile would measure.
    const graph: Promise<GraphView> = modelSettings(document.uri, { quiet: true }).then((s) =>
      this.jobs.run('graph', { file: document.uri.fsPath, dims: s.runtime.dims, inputShapes: s.runtime.inputShapes }),
    );
    const session = new GraphSession(
      webview,
      document.uri,
      graph,
      settings.heatMapMetric,
      (node) => this.onNodeSelected(document.uri, node),
      this.store.get(document.uri),
      this.errors.get(key),
    );
    const deltas = this.deltas.overlay(document.uri);
    if (deltas) session.postLatencyDeltas(deltas);
    let set = this.sessions.get(key);
    if (!set) this.sessions.set(key, (set = new Set()));
    set.add(session);
    const subs = [
      webview.onDidReceiveMessage((m: unknown) => session.receive(m)),
      panel.onDidChangeViewState(() => {
        if (panel.active) this.store.focus(document.uri);
      }),
    ];
    panel.onDidDispose(() => {
      set.delete(session);
      subs.forEach((s) => s.dispose());
      session.dispose();
    });
    this.store.focus(document.uri);
    graph.then(
      (g) => log().info(`opened ${g.fileName}: ${g.graph.nodes.length} nodes`),
      (e: unknown) => log().error(`opening ${document.uri.fsPath}: ${String((e as Error)?.message ?? e)}`),
    );
  }

  /** Opens (or focuses) the model's graph editor and selects `node` in it. */
  async reveal(uri: vscode.Uri, node: string): Promise<void> {
    await vscode.commands.executeCommand('vscode.openWith', uri, MODEL_VIEW_TYPE, { preserveFocus: true });
    for (const s of this.sessions.get(uri.toString()) ?? []) s.reveal(node);
  }

  /** Colours the original's graph (open now or later) by the optimized model's per-node error (issue 18). */
  showNodeErrors(original: vscode.Uri, overlay: ErrorOverlay): void {
    this.errors.set(original.toString(), overlay);
    for (const s of this.sessions.get(original.toString()) ?? []) s.postErrors(overlay);
    this.deltas.setPair(original, vscode.Uri.file(overlay.b));
    this.errorsChanged.fire(original);
  }

  /** The error overlay cached for `original`, if an optimize or a comparison measured one. */
  nodeErrors(original: vscode.Uri): ErrorOverlay | undefined {
    return this.errors.get(original.toString());
  }

  private onNodeSelected(uri: vscode.Uri, node: string): void {
    log().debug(`selected ${node} in ${uri.fsPath}`);
  }
}
