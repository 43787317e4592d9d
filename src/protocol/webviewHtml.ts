/**
 * The graph webview's HTML shell: the element ids webview/main.ts expects and the Content Security Policy
 * (DESIGN.md: scripts only with the nonce, no inline handlers, no eval, nothing remote). The extension host
 * fills it with asWebviewUri() URLs and `webview.cspSource`; the standalone test page uses the same shell,
 * so the tests run under the real policy. No model data is ever interpolated here.
 */

export interface GraphViewHtmlOptions {
  /** `webview.cspSource` (or the test server's origin). */
  readonly cspSource: string;
  /** Fresh random nonce per render (base64/hex, no quotes). */
  readonly nonce: string;
  readonly scriptUri: string;
  /** dist/webviewLayout.js: fetched and started as a blob: worker. */
  readonly layoutWorkerUri: string;
  readonly styleUri: string;
  /** Extra scripts loaded before the webview (the standalone page's stub host). */
  readonly preloadScriptUris?: readonly string[];
}

const ATTR_ESCAPES: Record<string, string> = { '&': '&amp;', '"': '&quot;', '<': '&lt;', '>': '&gt;' };
const attr = (v: string): string => v.replace(/[&"<>]/g, (c) => ATTR_ESCAPES[c]!);

export function graphViewHtml(o: GraphViewHtmlOptions): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(o.nonce)) throw new Error('graphViewHtml: nonce must be 16+ base64 chars');
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${o.nonce}'`,
    // Lit (vscode-elements) adopts constructed stylesheets; 'unsafe-inline' styles cannot run code.
    `style-src ${o.cspSource} 'unsafe-inline'`,
    `font-src ${o.cspSource}`,
    `img-src ${o.cspSource} data:`,
    `connect-src ${o.cspSource}`,
    'worker-src blob:',
  ].join('; ');
  const script = (src: string): string => `<script nonce="${o.nonce}" src="${attr(src)}"></script>`;
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta http-equiv="Content-Security-Policy" content="${attr(csp)}" />
    <link rel="stylesheet" href="${attr(o.styleUri)}" />
    <title>ONNX model graph</title>
  </head>
  <body data-layout-worker="${attr(o.layoutWorkerUri)}">
    <div id="toolbar">
      <vscode-textfield id="search" placeholder="Search name, op or tensor (/)"></vscode-textfield>
      <vscode-button id="fit" secondary>Fit</vscode-button>
      <vscode-checkbox id="heat-toggle" label="Heat map">Heat map</vscode-checkbox>
      <vscode-button id="heat-metric" secondary>Metric: latency</vscode-button>
      <span id="status" role="status"></span>
    </div>
    <div id="main">
      <canvas id="graph" tabindex="0" aria-label="Model graph"></canvas>
      <canvas id="overview" aria-label="Overview"></canvas>
      <aside id="properties" aria-label="Node properties"></aside>
    </div>
    <div id="legend" hidden><span id="legend-label"></span><span class="ramp"></span><span>low → high</span></div>
    ${(o.preloadScriptUris ?? []).map(script).join('\n    ')}
    ${script(o.scriptUri)}
  </body>
</html>
`;
}
