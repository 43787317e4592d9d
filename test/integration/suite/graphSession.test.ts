/**
 * The host side of the graph webview protocol, driven with recorded messages: the Ready → Init handshake,
 * lazy node details, the profile overlay, reveal requests, and forged messages dropped.
 */
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { readModel } from '../../../src/engine/onnx/readModel';
import { buildGraphView } from '../../../src/engine/graph/graphView';
import { GraphSession } from '../../../src/extension/views/graphSession';
import type { LayerCostReport } from '../../../src/engine/report/layerCosts';
import { decodeGraph } from '../../../src/protocol/graphWire';
import type { HostToWebview } from '../../../src/protocol/webviewProtocol';
import { workspaceFile } from './helpers';

function recordingWebview(): { webview: vscode.Webview; sent: HostToWebview[] } {
  const sent: HostToWebview[] = [];
  const webview = {
    postMessage: (m: HostToWebview) => {
      sent.push(m);
      return Promise.resolve(true);
    },
  } as unknown as vscode.Webview;
  return { webview, sent };
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('graph webview protocol (host side)', () => {
  const uri = workspaceFile('tiny-cnn.onnx');
  const view = buildGraphView(readModel(uri.fsPath), {});

  it('answers Ready with one Init holding the whole graph, and drops forged messages', async () => {
    const { webview, sent } = recordingWebview();
    const s = new GraphSession(webview, uri, Promise.resolve(view), 'latency', () => {});
    await tick();
    assert.strictEqual(sent.length, 0, 'nothing before the page is ready');
    s.receive({ type: 'ready', extra: 1 }); // unexpected key: dropped
    s.receive('ready');
    assert.strictEqual(sent.length, 0, 'malformed Ready dropped');
    s.receive({ type: 'ready' });
    const init = sent.find((m) => m.type === 'init');
    assert.ok(init && init.type === 'init');
    assert.ok(init.graph instanceof Uint8Array, 'the graph travels as one block of bytes (graphWire.ts)');
    const graph = decodeGraph(init.graph);
    // The tiny CNN's 9 nodes in file order, edges from producer to consumer (conv1 → bn1 first).
    assert.deepStrictEqual(
      graph.nodes.map((n) => n.name),
      ['conv1', 'bn1', 'relu1', 'pool1', 'conv2', 'relu2', 'gap', 'flatten', 'fc'],
    );
    assert.deepStrictEqual(graph.edges[0], { from: 0, to: 1, tensor: graph.nodes[0]!.outputs[0] });
    assert.strictEqual(graph.edges.length, 8, 'a chain of 9 nodes has 8 edges');
    assert.ok(!new TextDecoder().decode(init.graph).includes('raw_data'), 'no weights cross to the webview');
    assert.deepStrictEqual(init.settings, { heatMapMetric: 'latency', collapseAbove: 400 });
  });

  it('sends node details on request, with attributes, types and FLOPs', async () => {
    const { webview, sent } = recordingWebview();
    const s = new GraphSession(webview, uri, Promise.resolve(view), 'latency', () => {});
    await tick();
    s.receive({ type: 'ready' });
    s.receive({ type: 'nodeDetailsRequest', requestId: 7, nodeId: 99 }); // no such node: dropped
    s.receive({ type: 'nodeDetailsRequest', requestId: 7, nodeId: 0 });
    const reply = sent.find((m) => m.type === 'nodeDetails');
    assert.ok(reply && reply.type === 'nodeDetails');
    assert.strictEqual(reply.requestId, 7);
    const attrs = Object.fromEntries(reply.details.attributes.map((a) => [a.name, a.value]));
    assert.deepStrictEqual(attrs, { kernel_shape: '[3, 3]', pads: '[1, 1, 1, 1]' });
    assert.deepStrictEqual(reply.details.outputs[0]?.shape, [1, 8, 32, 32]);
    // conv1: 8×3×3×3 kernel over a 32×32 output, 2 FLOPs per MAC, plus the bias add per output.
    const macs = 8 * 32 * 32 * 3 * 3 * 3;
    assert.ok(
      reply.details.flops === 2 * macs || reply.details.flops === 2 * macs + 8 * 32 * 32,
      `conv1 FLOPs ${reply.details.flops}`,
    );
  });

  it('sends the profile overlay and suggestion badges, and reveal requests by node name', async () => {
    const { webview, sent } = recordingWebview();
    const s = new GraphSession(webview, uri, Promise.resolve(view), 'latency', () => {});
    await tick();
    s.receive({ type: 'ready' });
    const report: LayerCostReport = {
      file: uri.fsPath,
      runs: 1,
      totalP50Ms: 1,
      optimizationLevel: 'basic',
      nodes: [
        { name: 'conv1', op: 'Conv', p50Us: 750, share: 0.75, memoryBytes: 32768, flops: 1_769_472, paramBytes: 896 },
        // FLOPs unknown to the cost model: the overlay leaves the field out (the heat map leaves it uncoloured).
        { name: 'relu1', op: 'Relu', p50Us: 250, share: 0.25, memoryBytes: null, flops: null, paramBytes: 0 },
      ],
      suggestions: [{ id: 'x', title: 'Heavy float layer', detail: '', severity: 'info', node: 'conv1' }],
      source: {},
    };
    s.postProfile(report);
    s.reveal('conv2');
    assert.deepStrictEqual(
      sent.filter((m) => m.type !== 'init' && m.type !== 'theme'),
      [
        {
          type: 'profileOverlay',
          overlay: {
            nodes: [
              { name: 'conv1', p50Ms: 0.75, share: 0.75, activationBytes: 32768, paramBytes: 896, flops: 1_769_472 },
              { name: 'relu1', p50Ms: 0.25, share: 0.25, activationBytes: 0, paramBytes: 0 },
            ],
          },
        },
        { type: 'suggestions', badges: [{ nodeName: 'conv1', title: 'Heavy float layer' }] },
        { type: 'revealNode', nodeName: 'conv2' },
      ],
    );
  });

  it('a model that cannot be opened: the page gets loadError once it is ready (not a lost message before)', async () => {
    const { webview, sent } = recordingWebview();
    const failed = Promise.reject(new Error('broken.onnx: the model is truncated'));
    const s = new GraphSession(webview, uri, failed, 'latency', () => {});
    await tick();
    assert.deepStrictEqual(sent, [], 'nothing is posted before the page says it is ready');
    s.receive({ type: 'ready' });
    assert.deepStrictEqual(sent, [{ type: 'loadError', message: 'broken.onnx: the model is truncated' }]);
  });

  it('a reveal that arrives before the page is ready is sent after the graph', async () => {
    const { webview, sent } = recordingWebview();
    const s = new GraphSession(webview, uri, Promise.resolve(view), 'latency', () => {});
    s.reveal('conv2'); // the Problems link opened the editor: the page is still loading
    await tick();
    s.receive({ type: 'ready' });
    const types = sent.map((m) => m.type);
    assert.ok(types.indexOf('init') < types.indexOf('revealNode'), types.join(','));
    assert.deepStrictEqual(sent[types.indexOf('revealNode')], { type: 'revealNode', nodeName: 'conv2' });
  });
});
