/**
 * The page the webview tests and the benchmark serve: the extension's own graph page (graphViewHtml, the one
 * graphHtml.ts renders in the custom editor) with the harness origin as CSP source, resources under /dist/ and
 * /media/, a fresh nonce, and the stub host loaded before the webview. Kept apart from the browser harness so
 * the integration suite can compare it with the editor's page without loading playwright.
 */
import { randomBytes } from 'node:crypto';
import { graphViewHtml } from '../../../src/protocol/webviewHtml';

/** The one script the standalone page adds to the editor's page. */
export const STUB_HOST_URI = '/dist/webviewStub.js';

export function standalonePage(origin: string): string {
  return graphViewHtml({
    cspSource: origin,
    nonce: randomBytes(18).toString('base64'),
    scriptUri: '/dist/webview.js',
    layoutWorkerUri: '/dist/webviewLayout.js',
    styleUri: '/media/graph.css',
    preloadScriptUris: [STUB_HOST_URI],
  });
}
