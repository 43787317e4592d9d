/** The webview's only channel to the host: VS Code's acquireVsCodeApi, or the stub host's stand-in. */
import type { HostToWebview, WebviewToHost } from '../src/protocol/webviewProtocol';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export function connectHost(onMessage: (m: HostToWebview) => void): (m: WebviewToHost) => void {
  const api = acquireVsCodeApi();
  window.addEventListener('message', (e: MessageEvent<HostToWebview>) => onMessage(e.data));
  return (m) => api.postMessage(m);
}
