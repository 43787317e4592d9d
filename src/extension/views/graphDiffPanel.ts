/**
 * "Compare Graphs": two models' graphs overlaid in the graph webview (the same page as the .onnx editor), nodes
 * coloured added / removed / changed with what changed in each box, and each node's latency delta once both
 * models have a profile in the ProfileStore. The union graph is built in a job process (diffGraphView.ts);
 * messages from the page are validated like the editor's.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorsOnUnion, latencyDeltas, withLatencyDeltas, type GraphDiffView } from '../../engine/graph/diffGraphView';
import type { LayerCostReport } from '../../engine/report/layerCosts';
import { encodeGraph } from '../../protocol/graphWire';
import {
  assertNever,
  validateWebviewMessage,
  type ErrorOverlay,
  type HostToWebview,
} from '../../protocol/webviewProtocol';
import { graphHtml } from './graphHtml';
import { themeKind } from './graphSession';
import { webviewOptions } from './webviewHtml';

export const GRAPH_DIFF_VIEW_TYPE = 'onnxTuner.graphDiff';

export function showGraphDiff(
  extensionUri: vscode.Uri,
  a: vscode.Uri,
  b: vscode.Uri,
  view: Promise<GraphDiffView>,
  profiles: () => { a?: LayerCostReport; b?: LayerCostReport },
  profilesChanged: vscode.Event<vscode.Uri>,
  /** The per-node error measured for A (issue 18); used when it is of this B. */
  errors: () => ErrorOverlay | undefined = () => undefined,
  errorsChanged?: vscode.Event<vscode.Uri>,
): vscode.WebviewPanel {
  const panel = vscode.window.createWebviewPanel(
    GRAPH_DIFF_VIEW_TYPE,
    `Graphs: ${path.basename(a.fsPath)} ↔ ${path.basename(b.fsPath)}`,
    { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
    { ...webviewOptions(extensionUri), retainContextWhenHidden: true },
  );
  panel.webview.html = graphHtml(panel.webview, extensionUri);
  let loaded: GraphDiffView | undefined;
  let ready = false;
  const post = (m: HostToWebview): void => void panel.webview.postMessage(m);
  /** The error heat map and the latency delta metric, where measured for this pair (issue 18). */
  const sendMeasured = (): void => {
    if (!loaded || !ready) return;
    const e = errors();
    if (e && path.resolve(e.a) === a.fsPath && path.resolve(e.b) === b.fsPath)
      post({ type: 'errorOverlay', overlay: errorsOnUnion(loaded, e) });
    const p = profiles();
    if (p.a && p.b)
      post({
        type: 'latencyDeltaOverlay',
        overlay: { a: a.fsPath, b: b.fsPath, nodes: latencyDeltas(loaded, p.a, p.b, 'union') },
      });
  };
  const sendInit = (): void => {
    if (!loaded || !ready) return;
    const p = profiles();
    post({ type: 'graphDiff', diff: withLatencyDeltas(loaded, p.a, p.b) });
    // Every node of the union is drawn: a diff is read node by node, so groups start open up to 1500 nodes.
    post({
      type: 'init',
      graph: encodeGraph(loaded.graph),
      settings: { heatMapMetric: 'latency', collapseAbove: 1500 },
    });
    post({ type: 'theme', kind: themeKind(vscode.window.activeColorTheme.kind) });
    sendMeasured();
  };
  view.then(
    (v) => {
      loaded = v;
      sendInit();
    },
    (e: unknown) => post({ type: 'error', message: String((e as Error)?.message ?? e) }),
  );
  const subs = [
    panel.webview.onDidReceiveMessage((raw: unknown) => {
      const m = validateWebviewMessage(raw, loaded?.graph.nodes.length);
      if (!m) return;
      switch (m.type) {
        case 'ready':
          ready = true;
          sendInit();
          return;
        case 'nodeDetailsRequest': {
          const d = loaded?.details[m.nodeId];
          post(
            d
              ? { type: 'nodeDetails', requestId: m.requestId, details: d }
              : { type: 'error', message: `no node ${m.nodeId}`, requestId: m.requestId },
          );
          return;
        }
        case 'selectNode':
        case 'applySuggestion':
        case 'keepFloat':
        case 'keepFp16':
        case 'openAsText':
        case 'showDetails':
          return; // a diff has no single model to act on (and a load error shows in its own page)
        default:
          assertNever(m);
      }
    }),
    vscode.window.onDidChangeActiveColorTheme((t) => ready && post({ type: 'theme', kind: themeKind(t.kind) })),
    // A profile of either model arriving later adds the latency deltas (the page lays out again with them).
    profilesChanged((uri) => {
      const p = profiles();
      if (loaded && ready && p.a && p.b && [a.toString(), b.toString()].includes(uri.toString())) {
        post({ type: 'graphDiff', diff: withLatencyDeltas(loaded, p.a, p.b) });
        sendMeasured();
      }
    }),
    ...(errorsChanged ? [errorsChanged((uri) => uri.toString() === a.toString() && sendMeasured())] : []),
  ];
  panel.onDidDispose(() => subs.forEach((s) => s.dispose()));
  return panel;
}
