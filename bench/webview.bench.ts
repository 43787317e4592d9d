/**
 * Graph webview: time from the page receiving Init to its first complete frame (layout in the worker + first
 * draw), in headless Chromium on the standalone page, for ppocr-det, ppocr-rec and synthetic 10k/30k-node
 * graphs; big graphs both as opened (name scopes collapsed above 1500 nodes) and fully expanded. Then the
 * mean draw time per frame while panning at 50% zoom and at fit zoom (as much of the graph on screen as the
 * 2% minimum zoom allows: the worst case). Goals: 10k interactive < 2 s, 30k < 5 s.
 */
import * as fs from 'node:fs';
import { compactGraph } from '../src/engine/graph/compactGraph';
import { readModel } from '../src/engine/onnx/readModel';
import type { CompactGraph, GraphSettings } from '../src/protocol/webviewProtocol';
import { listRealModels } from '../test/support/realModels';
import { CHROMIUM, startHarness } from '../test/webview/support/browserHarness';
import { syntheticGraph } from '../test/webview/support/syntheticGraph';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const COLLAPSED: GraphSettings = { heatMapMetric: 'latency', collapseAbove: 1500 };
const EXPANDED: GraphSettings = { heatMapMetric: 'latency', collapseAbove: Number.MAX_SAFE_INTEGER };

export async function bench(): Promise<void> {
  if (!fs.existsSync(CHROMIUM) || !fs.existsSync('dist/webview.js')) {
    console.log(`skipped: needs ${CHROMIUM} (scripts/setup-chromium.sh) and dist/webview.js (node esbuild.js)`);
    return;
  }
  const cases: { name: string; graph: CompactGraph; settings: GraphSettings }[] = [];
  for (const m of listRealModels().filter((r) => r.name === 'ppocr-det' || r.name === 'ppocr-rec'))
    cases.push({ name: m.name, graph: compactGraph(readModel(m.file).proto), settings: COLLAPSED });
  for (const n of [10_000, 30_000]) {
    const graph = syntheticGraph(n);
    cases.push({ name: `synthetic-${n / 1000}k (collapsed)`, graph, settings: COLLAPSED });
    cases.push({ name: `synthetic-${n / 1000}k (expanded)`, graph, settings: EXPANDED });
  }
  const harness = await startHarness();
  try {
    console.log(
      'graph                          nodes  shown  init→frame ms (median of 3)  goal      draw ms/frame: 50% zoom, fit (units drawn)',
    );
    for (const c of cases) {
      const id = c.name.replace(/\W+/g, '-');
      harness.addGraph(id, c.graph, c.settings);
      const times: number[] = [];
      let shown = 0;
      let panMs = 0;
      let panAllMs = 0;
      let drawnAtFit = 0;
      for (let rep = 0; rep < 3; rep++) {
        const page = await harness.open(id);
        times.push(
          await page.evaluate<number>('window.__onnxTunerTest.frameCompleteAt - window.__onnxTunerTest.initReceivedAt'),
        );
        shown = await page.evaluate<number>('window.__onnxTunerTest.visibleUnits()');
        if (rep === 0) {
          panMs = await page.evaluate<number>('window.__onnxTunerTest.panFrames(30, 0.5)');
          panAllMs = await page.evaluate<number>('window.__onnxTunerTest.panFrames(30, 0)');
          drawnAtFit = await page.evaluate<number>('window.__onnxTunerTest.drawnUnits()');
        }
        await page.close();
      }
      const t = median(times);
      const goal = c.graph.nodes.length >= 30_000 ? 5000 : c.graph.nodes.length >= 10_000 ? 2000 : undefined;
      const verdict = goal ? `${(t / goal).toFixed(2)}× of ${goal / 1000}s` : '';
      console.log(
        `${c.name.padEnd(30)} ${String(c.graph.nodes.length).padStart(6)} ${String(shown).padStart(6)}  ${t.toFixed(0).padStart(8)}                   ${verdict.padEnd(10)} ${panMs.toFixed(1)}, ${panAllMs.toFixed(1)} (${drawnAtFit})`,
      );
    }
  } finally {
    await harness.close();
  }
}
