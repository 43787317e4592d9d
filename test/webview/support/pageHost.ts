/**
 * Talking to the graph page from a webview test: its test hooks (`window.__onnxTunerTest`, webview/testHooks.ts)
 * and the stub host (webview/dev/stubHost.ts) it exchanges messages with.
 */
import type { Page } from 'playwright-core';
import type { HostToWebview, WebviewToHost } from '../../../src/protocol/webviewProtocol';

/** Reads the page's test hook: `expr` is evaluated on window.__onnxTunerTest (e.g. "visibleUnits()"). */
export const hook = <T = unknown>(page: Page, expr: string): Promise<T> =>
  page.evaluate<T>(`window.__onnxTunerTest.${expr}`);

/** Delivers `message` to the page as the extension host would. */
export async function sendHost(page: Page, message: HostToWebview): Promise<void> {
  await page.evaluate((m) => {
    (globalThis as unknown as { __onnxTunerHost: { send(m: unknown): void } }).__onnxTunerHost.send(m);
  }, message);
}

/** Every message the page has sent to the host so far. */
export async function sentByWebview(page: Page): Promise<WebviewToHost[]> {
  return page.evaluate(
    () => (globalThis as unknown as { __onnxTunerHost: { sent: WebviewToHost[] } }).__onnxTunerHost.sent,
  );
}
