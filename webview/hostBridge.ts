/**
 * The webview's only channel to the host: VS Code's acquireVsCodeApi, or the stub host's stand-in. Importing
 * this module says Ready at once, and keeps what the host sends until connectHost hands it the page's handler.
 * main.ts imports it first, before the UI components, so the host's reply (the whole graph) travels while the
 * rest of the page's script is still being evaluated instead of after it.
 */
import type { HostToWebview, WebviewToHost } from '../src/protocol/webviewProtocol';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();
/** Messages that arrived before the page connected its handler, in order. */
const early: HostToWebview[] = [];
let handler: ((m: HostToWebview) => void) | undefined;
window.addEventListener('message', (e: MessageEvent<HostToWebview>) => {
  if (handler) handler(e.data);
  else early.push(e.data);
});
api.postMessage({ type: 'ready' });

/**
 * Hands messages to `onMessage` from now on; those that came early follow once the calling script has run to
 * its end (a microtask), so a handler never sees page state that its module has not initialised yet.
 */
export function connectHost(onMessage: (m: HostToWebview) => void): (m: WebviewToHost) => void {
  queueMicrotask(() => {
    handler = onMessage;
    for (const m of early.splice(0)) onMessage(m);
  });
  return (m) => api.postMessage(m);
}
