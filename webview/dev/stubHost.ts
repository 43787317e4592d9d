/**
 * Stand-in for the extension host on the standalone page (dist/webviewStub.js): answers the protocol from the
 * files named by `?graph=NAME.json` ({ settings?, diff? }) and NAME.bin beside it (the graph as Init carries it,
 * graphWire.ts), so Init reaches the page in the bytes the extension sends. Tests and benchmarks drive further
 * host messages with `window.__onnxTunerHost.send(message)` and read what the webview posted from
 * `window.__onnxTunerHost.sent`.
 */
import { decodeGraph } from '../../src/protocol/graphWire';
import type {
  CompactGraph,
  GraphDiffOverlay,
  GraphSettings,
  HostToWebview,
  WebviewToHost,
} from '../../src/protocol/webviewProtocol';

interface StubHost {
  sent: WebviewToHost[];
  send(message: HostToWebview): void;
}

const sent: WebviewToHost[] = [];
const send = (message: HostToWebview): void => window.postMessage(message, '*');
/** Init's bytes; decoded here only when a details request needs the graph. */
let bytes: Uint8Array | undefined;
let graph: CompactGraph | undefined;

async function answer(m: WebviewToHost): Promise<void> {
  sent.push(m);
  if (m.type === 'ready') {
    const url = new URLSearchParams(location.search).get('graph');
    if (!url) return send({ type: 'error', message: 'standalone page: pass ?graph=URL' });
    const [file, buffer] = await Promise.all([
      fetch(url).then((r) => r.json() as Promise<{ settings?: GraphSettings; diff?: GraphDiffOverlay }>),
      fetch(url.replace(/\.json$/, '.bin')).then((r) => r.arrayBuffer()),
    ]);
    bytes = new Uint8Array(buffer);
    // As the Compare Graphs panel does: the diff overlay first, then the union graph.
    if (file.diff) send({ type: 'graphDiff', diff: file.diff });
    send({ type: 'init', graph: bytes, settings: file.settings ?? { heatMapMetric: 'latency', collapseAbove: 1500 } });
  } else if (m.type === 'nodeDetailsRequest' && bytes) {
    graph ??= decodeGraph(bytes);
    const node = graph.nodes[m.nodeId];
    if (!node) return;
    const info = (name: string) => graph!.tensors[name] ?? { name };
    send({
      type: 'nodeDetails',
      requestId: m.requestId,
      details: { nodeId: m.nodeId, attributes: [], inputs: node.inputs.map(info), outputs: node.outputs.map(info) },
    });
  }
}

const host: StubHost = { sent, send };
(window as unknown as { __onnxTunerHost: StubHost }).__onnxTunerHost = host;
(window as unknown as { acquireVsCodeApi: () => { postMessage(m: WebviewToHost): void } }).acquireVsCodeApi = () => ({
  postMessage: (m) => void answer(m),
});
