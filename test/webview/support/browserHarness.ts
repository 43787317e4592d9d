/**
 * Serves the standalone graph page (the extension's HTML shell with the stub host, dist/, media/, graph JSON) on
 * 127.0.0.1 and drives it in headless Chromium with playwright-core. Every non-loopback request fails (LOOPBACK_ONLY),
 * so tests and benchmarks never touch the network. `close()` kills the browser and the server.
 */
import { CHROMIUM, CHROMIUM_ARGS } from '../../support/chromium';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { encodeGraph } from '../../../src/protocol/graphWire';
import type { CompactGraph, GraphDiffOverlay, GraphSettings } from '../../../src/protocol/webviewProtocol';
import { standalonePage } from './standalonePage';

export { CHROMIUM };
const ROOT = path.resolve(__dirname, '../../..');
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.map': 'application/json',
  '.bin': 'application/octet-stream',
};

/**
 * Every request that is not to 127.0.0.1 goes to a proxy at a closed port and fails, so tests and benchmarks
 * never touch the network. Refused by the browser, not intercepted per request (page.route): interception sends
 * each request through the playwright driver: ~25 ms of a quiet page's start in the benchmark, ~100 ms under load.
 */
// '<-loopback>' (first: it resets the rules before it) drops Chromium's implicit bypass of all of 127.0.0.0/8 and
// localhost, so only 127.0.0.1 goes direct.
const LOOPBACK_ONLY = ['--proxy-server=http://127.0.0.1:9', '--proxy-bypass-list=<-loopback>;127.0.0.1'];

export interface Harness {
  /** Absent when started with launchBrowser: false (serving only). */
  readonly browser: Browser | undefined;
  readonly baseUrl: string;
  /**
   * Registers a graph for the stub host: settings (and a Compare Graphs overlay when `diff` is given) at
   * /graphs/NAME.json, the graph's Init bytes at /graphs/NAME.bin.
   */
  addGraph(name: string, graph: CompactGraph, settings?: GraphSettings, diff?: GraphDiffOverlay): string;
  /** Opens the standalone page on a graph and waits for its first complete frame. */
  open(
    graphName: string,
    viewport?: { width: number; height: number },
    beforeLoad?: (page: Page) => void,
  ): Promise<Page>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** false: serve only (no browser). */
  readonly launchBrowser?: boolean;
  /**
   * Milliseconds a new page idles before it navigates (benchmarks). A new page is a new browser window, and
   * Chromium spends its first ~200 ms of CPU on that window's own parts (the omnibox's WebUI renderer), which on
   * 2 cores slows whatever page loads meanwhile; a webview opens inside a running VS Code, without that.
   */
  readonly settleNewPagesMs?: number;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const graphs = new Map<string, string | Uint8Array>();
  let baseUrl = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let body: string | Uint8Array | undefined;
    if (url.pathname.startsWith('/graphs/')) body = graphs.get(url.pathname.slice(8));
    else if (url.pathname === '/standalone.html') body = standalonePage(baseUrl);
    else {
      const allowed = ['/dist/', '/media/'];
      const file = path.join(ROOT, path.normalize(url.pathname));
      if (allowed.some((p) => url.pathname.startsWith(p)) && file.startsWith(ROOT) && fs.existsSync(file))
        body = fs.readFileSync(file);
    }
    if (url.pathname === '/favicon.ico') {
      // Chromium asks every page for one (a webview does not): no content, rather than a 404 in the console.
      res.writeHead(204).end();
      return;
    }
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(url.pathname)] ?? 'application/octet-stream' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const launch = opts.launchBrowser ?? true;
  const browser = launch
    ? await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', ...CHROMIUM_ARGS, ...LOOPBACK_ONLY],
      })
    : undefined;
  return {
    browser,
    baseUrl,
    addGraph(name, graph, settings, diff) {
      // What the stub host reads: the settings and overlay, and beside them Init's bytes (graphWire.ts).
      graphs.set(`${name}.json`, JSON.stringify({ settings, diff }));
      graphs.set(`${name}.bin`, encodeGraph(graph));
      return `/graphs/${name}.json`;
    },
    async open(graphName, viewport = { width: 1200, height: 800 }, beforeLoad) {
      if (!browser) throw new Error('harness started without a browser');
      const page = await browser.newPage({ viewport });
      if (opts.settleNewPagesMs) await page.waitForTimeout(opts.settleNewPagesMs);
      beforeLoad?.(page);
      await page.goto(`${baseUrl}/standalone.html?graph=/graphs/${graphName}.json`);
      await page.waitForFunction(() => {
        const t = (globalThis as unknown as { __onnxTunerTest?: { frameCompleteAt: number } }).__onnxTunerTest;
        return !!t && t.frameCompleteAt > 0;
      });
      return page;
    },
    async close() {
      await browser?.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A harness for a suite's `before`: skips the suite (with the one line that says how to enable it) where
 * Chromium is missing, and fails where the page bundle was not built.
 */
export async function startHarnessOrSkip(ctx: Mocha.Context): Promise<Harness> {
  if (!fs.existsSync(CHROMIUM)) {
    console.log(`      (skipped: ${CHROMIUM} missing; run scripts/setup-chromium.sh)`);
    ctx.skip();
  }
  if (!fs.existsSync('dist/webview.js')) throw new Error('dist/webview.js missing: run `node esbuild.js` first');
  return startHarness();
}
