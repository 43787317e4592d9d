/**
 * Issue 17: the graph view against the Netron figures the issue measured (Netron 9.2.1's browser build,
 * headless Chromium, 2 cores, navigation → graph drawn), kept here as constants because Netron is not installed.
 * Ours is measured the same way on the production page (graphViewHtml under its CSP, stub host):
 *   host: read the file + shape inference + compact graph + details and costs (buildGraphView: all the graph
 *         job does before the page gets its Init) + encoding the graph as Init carries it (graphWire.ts),
 *         median of 3
 *   page: navigation → first complete frame (performance.now() at that frame) in a warm browser, default
 *         collapse (400 nodes, as the extension), median of 3; the stub host hands the page Init's bytes as
 *         the extension does, so the page's share of the transfer (copy, decode) is inside this figure. Each
 *         page is a new browser window that idles 1 s before it navigates: Chromium's own work for a new
 *         window (the omnibox's WebUI renderer, ~200 ms of CPU) would otherwise run during the page's start,
 *         and a webview has no such window (HarnessOptions.settleNewPagesMs). Requests are not intercepted.
 * Both are printed in parts (host: read, build, encode; page: scripts run, Init received, units and boxes
 * built, laid out, first frame), so a slow part shows where it is.
 * Then each graph opens once more in a fresh Chromium, whose renderer's peak RSS (VmHWM of the renderer
 * processes Chromium's SystemInfo.getProcessInfo lists) is printed next to Netron's 2.6 GB at 30k. Goals: ≥ 10×
 * on every graph of ≥ 1,000 nodes, 100k in ≤ 3.6× the 30k time, RSS at 30k ≤ ½ of Netron's.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compactGraph } from '../src/engine/graph/compactGraph';
import { encodeGraph } from '../src/protocol/graphWire';
import { buildGraphView } from '../src/engine/graph/graphView';
import { readModel } from '../src/engine/onnx/readModel';
import { writeModel } from '../src/engine/onnx/writeModel';
import type { ModelProto } from '../src/engine/onnx/types';
import type { CompactGraph } from '../src/protocol/webviewProtocol';
import { bertEncoder, reluIdentityChain } from '../test/support/models';
import { listRealModels } from '../test/support/realModels';
import { swinLikeModel } from '../test/support/swinModel';
import { CHROMIUM, startHarness, type Harness } from '../test/webview/support/browserHarness';

/** Seconds, from the issue: Netron 9.2.1, navigation → graph drawn. */
const NETRON_S: Readonly<Record<string, number>> = {
  'ppocr-det': 0.69,
  'isnet-fp16': 1.3,
  'bert-style encoder': 1.28,
  'swin-like (6.3k)': 6.97,
  'chain 10k': 5.0,
  'chain 30k': 16.1,
};
const NETRON_RSS_30K_BYTES = 2.6e9;
/** The extension's default (graphSession.ts COLLAPSE_ABOVE). */
const COLLAPSE_ABOVE = 400;

interface Case {
  readonly name: string;
  readonly file: string;
}

/** Milliseconds; host parts are medians of 3, page phases are from the run with the median first frame. */
interface Measured {
  readonly nodes: number;
  readonly shown: number;
  readonly host: { readonly read: number; readonly build: number; readonly encode: number; readonly total: number };
  /** performance.now() on the page (0 = navigation start) at each phase. */
  readonly page: PagePhases;
  readonly rssBytes: number;
}

/** The page's phases: scripts run (DOMContentLoaded), Init received, units and boxes built, laid out, drawn. */
interface PagePhases {
  readonly scripts: number;
  readonly init: number;
  readonly view: number;
  readonly layout: number;
  readonly frame: number;
}

/** Peak RSS of the renderer processes of a browser (Linux /proc; 0 where unreadable). */
function peakRss(pids: number[]): number {
  let max = 0;
  for (const pid of pids) {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      max = Math.max(max, Number(m?.[1] ?? 0) * 1024);
    } catch {
      // the process ended
    }
  }
  return max;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const SETTINGS = { heatMapMetric: 'latency', collapseAbove: COLLAPSE_ABOVE } as const;

async function measure(c: Case, warm: Harness): Promise<Measured> {
  const reps: Measured['host'][] = [];
  let graph: CompactGraph | undefined;
  for (let rep = 0; rep < 3; rep++) {
    const t0 = performance.now();
    const loaded = readModel(c.file);
    const t1 = performance.now();
    graph = buildGraphView(loaded, { dims: { batch: 1 } }).graph;
    const t2 = performance.now();
    // What the editor posts as Init (graphSession.ts): the host's share of the transfer.
    encodeGraph(graph);
    const t3 = performance.now();
    reps.push({ read: t1 - t0, build: t2 - t1, encode: t3 - t2, total: t3 - t0 });
  }
  const host = {
    read: median(reps.map((r) => r.read)),
    build: median(reps.map((r) => r.build)),
    encode: median(reps.map((r) => r.encode)),
    total: median(reps.map((r) => r.total)),
  };
  const id = c.name.replace(/\W+/g, '-');
  warm.addGraph(id, graph!, SETTINGS);
  const runs: PagePhases[] = [];
  let shown = 0;
  for (let rep = 0; rep < 3; rep++) {
    const p = await warm.open(id);
    runs.push(
      await p.evaluate<PagePhases>(`(() => {
        const t = window.__onnxTunerTest;
        const nav = performance.getEntriesByType('navigation')[0];
        return { scripts: nav.domContentLoadedEventEnd, init: t.initReceivedAt, view: t.viewBuiltAt,
                 layout: t.layoutDoneAt, frame: t.frameCompleteAt };
      })()`),
    );
    shown = await p.evaluate<number>('window.__onnxTunerTest.visibleUnits()');
    await p.close();
  }
  const page = [...runs].sort((a, b) => a.frame - b.frame)[1]!;
  const fresh = await startHarness();
  let rssBytes: number;
  try {
    fresh.addGraph(id, graph!, SETTINGS);
    await fresh.open(id);
    const cdp = await fresh.browser!.newBrowserCDPSession();
    const info = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
    rssBytes = peakRss(info.processInfo.filter((p) => p.type === 'renderer').map((p) => p.id));
  } finally {
    await fresh.close();
  }
  return { nodes: graph!.nodes.length, shown, host, page, rssBytes };
}

export async function bench(): Promise<void> {
  if (!fs.existsSync(CHROMIUM) || !fs.existsSync('dist/webview.js')) {
    console.log(`skipped: needs ${CHROMIUM} (scripts/setup-chromium.sh) and dist/webview.js (node esbuild.js)`);
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graph-bench-'));
  try {
    const cases: Case[] = listRealModels()
      .filter((m) => m.name === 'ppocr-det' || m.name === 'isnet-fp16')
      .map((m) => ({ name: m.name, file: m.file }));
    const built: [string, () => ModelProto][] = [
      ['bert-style encoder', () => bertEncoder({ layers: 12, hidden: 256, heads: 4, ffn: 1024 })],
      ['swin-like (6.3k)', () => swinLikeModel()],
      ['chain 10k', () => reluIdentityChain(10_000)],
      ['chain 30k', () => reluIdentityChain(30_000)],
      ['chain 100k', () => reluIdentityChain(100_000)],
    ];
    for (const [name, make] of built) {
      const file = path.join(dir, `${name.replace(/\W+/g, '-')}.onnx`);
      writeModel(make(), file);
      cases.push({ name, file });
    }
    console.log(
      'graph                  nodes  boxes  host ms  page ms  total s  Netron s   ratio  renderer peak RSS\n' +
        '  host: read + shapes & compact graph + Init encoding; page: scripts run → Init in → units & boxes → laid out → frame',
    );
    const totals = new Map<string, number>();
    const warm = await startHarness({ settleNewPagesMs: 1000 });
    warm.addGraph('warm-up', compactGraph(reluIdentityChain(10)), SETTINGS);
    await (await warm.open('warm-up')).close();
    for (const c of cases) {
      const m = await measure(c, warm).catch(async (e: unknown) => {
        await warm.close();
        throw e;
      });
      const total = (m.host.total + m.page.frame) / 1000;
      totals.set(c.name, total);
      const netron = NETRON_S[c.name];
      const ratio = netron ? `${(netron / total).toFixed(1)}×` : '—';
      const goal = netron && m.nodes >= 1000 ? (netron / total >= 10 ? ' (≥10×: met)' : ' (goal ≥10×: not met)') : '';
      const f = (ms: number): string => ms.toFixed(0);
      const { host: h, page: p } = m;
      console.log(
        `${c.name.padEnd(20)} ${String(m.nodes).padStart(7)} ${String(m.shown).padStart(6)} ${f(h.total).padStart(8)} ${f(p.frame).padStart(8)} ${total.toFixed(2).padStart(8)} ${(netron?.toFixed(2) ?? '—').padStart(9)} ${ratio.padStart(7)}  ${(m.rssBytes / 2 ** 20).toFixed(0)} MiB${goal}\n` +
          `  host ${f(h.read)} + ${f(h.build)} + ${f(h.encode)} ms; page ${f(p.scripts)} → ${f(p.init)} → ${f(p.view)} → ${f(p.layout)} → ${f(p.frame)} ms`,
      );
      if (c.name === 'chain 30k')
        console.log(
          `  renderer peak RSS at 30k: ${(m.rssBytes / 2 ** 20).toFixed(0)} MiB vs Netron's ${(NETRON_RSS_30K_BYTES / 2 ** 30).toFixed(1)} GiB = ${(m.rssBytes / NETRON_RSS_30K_BYTES).toFixed(2)} of it (goal ≤ 0.5)`,
        );
    }
    await warm.close();
    const t30 = totals.get('chain 30k');
    const t100 = totals.get('chain 100k');
    if (t30 && t100)
      console.log(
        `100k / 30k: ${(t100 / t30).toFixed(2)}× for 3.33× the nodes (goal ≤ 3.6×; Netron's own 100k/30k was not measured, ours was 10.5 s / 1.8 s = 5.8× before issue 17)`,
      );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
