/**
 * One open graph editor's conversation with its webview (src/protocol/webviewProtocol.ts): the handshake
 * (the page says Ready and gets the whole graph in one Init), node details on request, the profile overlay
 * and suggestion badges when a profile arrives, reveal requests from the Layer Costs view, and the theme.
 * Messages from the page are untrusted input: every one goes through validateWebviewMessage first.
 */
import * as vscode from 'vscode';
import type { GraphView } from '../../engine/graph/graphView';
import {
  assertNever,
  validateWebviewMessage,
  type ErrorOverlay,
  type HeatMapMetric,
  type HostToWebview,
  type LatencyDeltaOverlay,
  type ProfileOverlay,
  type ThemeKind,
} from '../../protocol/webviewProtocol';
import type { LayerCostReport } from '../../engine/report/layerCosts';
import { encodeGraph } from '../../protocol/graphWire';
import { log } from '../log';

/** Above this many nodes the view starts with name-scope groups collapsed. */
const COLLAPSE_ABOVE = 400;

export function themeKind(kind: vscode.ColorThemeKind): ThemeKind {
  switch (kind) {
    case vscode.ColorThemeKind.Light:
      return 'light';
    case vscode.ColorThemeKind.HighContrast:
      return 'high-contrast';
    case vscode.ColorThemeKind.HighContrastLight:
      return 'high-contrast-light';
    default:
      return 'dark';
  }
}

export function profileOverlay(report: LayerCostReport): ProfileOverlay {
  return {
    nodes: report.nodes.map((n) => ({
      name: n.name,
      p50Ms: n.p50Us / 1000,
      share: n.share,
      activationBytes: n.memoryBytes ?? 0,
      paramBytes: n.paramBytes,
      ...(n.flops === null ? {} : { flops: n.flops }),
    })),
  };
}

export class GraphSession {
  private view: GraphView | undefined;
  /** The Init bytes of `view.graph` (graphWire.ts). */
  private encoded: Uint8Array | undefined;
  /** Why the model could not be opened; sent once the page is ready (a message before that is lost). */
  private failure: string | undefined;
  private ready = false;
  private disposed = false;
  /** A node to select once the graph is in the page (a reveal that opened the editor comes before that). */
  private pendingReveal: string | undefined;
  /** Per-node latency delta of the optimized model, once both are profiled (issue 18). */
  private deltas: LatencyDeltaOverlay | undefined;

  constructor(
    private readonly webview: vscode.Webview,
    private readonly uri: vscode.Uri,
    graph: Promise<GraphView>,
    private metric: HeatMapMetric,
    private readonly onSelect: (node: string) => void,
    private profile?: LayerCostReport,
    private errors?: ErrorOverlay,
  ) {
    graph.then(
      (v) => {
        this.view = v;
        if (this.ready) this.sendInit();
      },
      (e: unknown) => {
        this.failure = String((e as Error)?.message ?? e);
        if (this.ready) this.post({ type: 'loadError', message: this.failure });
      },
    );
  }

  private post(m: HostToWebview): void {
    if (!this.disposed) void this.webview.postMessage(m);
  }

  private sendInit(): void {
    if (!this.view) return;
    // Encoded once: a settings change sends the same graph again.
    this.encoded ??= encodeGraph(this.view.graph);
    this.post({
      type: 'init',
      graph: this.encoded,
      settings: { heatMapMetric: this.metric, collapseAbove: COLLAPSE_ABOVE },
    });
    this.post({ type: 'theme', kind: themeKind(vscode.window.activeColorTheme.kind) });
    if (this.profile) this.sendProfile(this.profile);
    if (this.errors) this.post({ type: 'errorOverlay', overlay: this.errors });
    if (this.deltas) this.post({ type: 'latencyDeltaOverlay', overlay: this.deltas });
    if (this.pendingReveal !== undefined) this.post({ type: 'revealNode', nodeName: this.pendingReveal });
    this.pendingReveal = undefined;
  }

  private sendProfile(report: LayerCostReport): void {
    this.post({ type: 'profileOverlay', overlay: profileOverlay(report) });
    this.post({
      type: 'suggestions',
      badges: report.suggestions.filter((s) => s.node).map((s) => ({ nodeName: s.node!, title: s.title })),
    });
  }

  receive(raw: unknown): void {
    const m = validateWebviewMessage(raw, this.view?.graph.nodes.length);
    if (!m) return;
    switch (m.type) {
      case 'ready':
        this.ready = true;
        if (this.failure !== undefined) this.post({ type: 'loadError', message: this.failure });
        else this.sendInit();
        return;
      case 'nodeDetailsRequest': {
        const d = this.view?.details[m.nodeId];
        const name = this.view?.graph.nodes[m.nodeId]?.name;
        if (!d || name === undefined) {
          this.post({ type: 'error', message: `no node ${m.nodeId}`, requestId: m.requestId });
          return;
        }
        // The profile's rows are main-graph nodes: a body node of the same name was not what it measured.
        const inBody = this.view?.graph.nodes[m.nodeId]?.subgraph !== undefined;
        const measured = inBody ? undefined : this.profile?.nodes.find((n) => n.name === name);
        this.post({
          type: 'nodeDetails',
          requestId: m.requestId,
          details: {
            ...d,
            ...(measured ? { latencyMs: measured.p50Us / 1000 } : {}),
            ...(measured?.memoryBytes != null ? { memoryBytes: measured.memoryBytes } : {}),
          },
        });
        return;
      }
      case 'selectNode': {
        const name = this.view?.graph.nodes[m.nodeId]?.name;
        if (name !== undefined) this.onSelect(name);
        return;
      }
      case 'openAsText':
        // The default (text) editor: a truncated or foreign file is then visible as what it is.
        void vscode.commands.executeCommand('vscode.openWith', this.uri, 'default');
        return;
      case 'showDetails':
        log().show(true);
        return;
      case 'keepFloat':
      case 'keepFp16': {
        const node = this.view?.graph.nodes[m.nodeId];
        // Body nodes are not what the quantizers' exclusion names match (main-graph node names).
        const command = m.type === 'keepFloat' ? 'onnxTuner.keepInFloat' : 'onnxTuner.keepInFp16';
        if (node && node.subgraph === undefined) void vscode.commands.executeCommand(command, this.uri, node.name);
        return;
      }
      case 'applySuggestion': {
        const name = this.view?.graph.nodes[m.nodeId]?.name;
        const s = this.profile?.suggestions.find((x) => x.node === name && x.action);
        if (s?.action) void vscode.commands.executeCommand('onnxTuner.applySuggestion', this.uri, s.action, s.id);
        return;
      }
      default:
        assertNever(m);
    }
  }

  postProfile(report: LayerCostReport | undefined): void {
    this.profile = report;
    if (report && this.ready && this.view) this.sendProfile(report);
  }

  postErrors(overlay: ErrorOverlay): void {
    this.errors = overlay;
    if (this.ready && this.view) this.post({ type: 'errorOverlay', overlay });
  }

  postLatencyDeltas(overlay: LatencyDeltaOverlay): void {
    this.deltas = overlay;
    if (this.ready && this.view) this.post({ type: 'latencyDeltaOverlay', overlay });
  }

  /** The heat-map metric setting changed: send the graph again with the new setting. */
  setMetric(metric: HeatMapMetric): void {
    if (metric === this.metric) return;
    this.metric = metric;
    if (this.ready) this.sendInit();
  }

  postTheme(kind: vscode.ColorThemeKind): void {
    if (this.ready) this.post({ type: 'theme', kind: themeKind(kind) });
  }

  reveal(node: string): void {
    if (this.ready && this.view) this.post({ type: 'revealNode', nodeName: node });
    else this.pendingReveal = node;
  }

  dispose(): void {
    this.disposed = true;
  }
}
