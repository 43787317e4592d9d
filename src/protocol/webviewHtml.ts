/**
 * The one HTML shell of every webview (graph editor, comparison, sweep report) and the graph page built on it.
 * Security (DESIGN.md): one Content-Security-Policy — scripts only with the nonce, no inline handlers, no eval,
 * nothing remote — and no model data interpolated (pages get their data by message; panel bodies are static
 * markup whose model-derived strings the caller escaped). The extension host fills it with asWebviewUri() URLs
 * and `webview.cspSource`; the standalone test page and the benchmark use the same functions, so the tests run
 * the page users get, under the real policy.
 */
import { escapeHtml } from './escapeHtml';

export interface WebviewShellOptions {
  /** `webview.cspSource` (or the test server's origin). */
  readonly cspSource: string;
  /** Fresh random nonce per render (base64/hex, no quotes). */
  readonly nonce: string;
  readonly title: string;
  readonly styleUris?: readonly string[];
  /** Scripts loaded in order, each with the nonce. */
  readonly scriptUris?: readonly string[];
  /** Extension-authored script text (never data), run with the nonce after `scriptUris`. */
  readonly inlineScript?: string;
  /** Extension-authored CSS; the policy allows inline styles (Lit needs them), never inline scripts. */
  readonly inlineStyle?: string;
  /** Static, extension-authored markup (escape anything derived from user files). */
  readonly body?: string;
  /** Attributes of <body>; values are escaped here. */
  readonly bodyAttributes?: Readonly<Record<string, string>>;
}

/** The policy every webview runs under; `nonce` must already be checked. */
function webviewCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    // Lit (vscode-elements) adopts constructed stylesheets; 'unsafe-inline' styles cannot run code.
    `style-src ${cspSource} 'unsafe-inline'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    // The graph page fetches its layout worker's script and starts it from a blob: URL.
    `connect-src ${cspSource}`,
    'worker-src blob:',
  ].join('; ');
}

export function webviewShellHtml(o: WebviewShellOptions): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(o.nonce)) throw new Error('webviewShellHtml: nonce must be 16+ base64 chars');
  // Checked rather than escaped, so the policy reads as written and cannot gain a directive. Quoted keywords
  // stay allowed: VS Code's cspSource can be `'self' https://*.vscode-cdn.net`.
  if (/["<>&;\n]/.test(o.cspSource)) throw new Error('webviewShellHtml: cspSource must be a list of sources');
  const e = escapeHtml;
  const attrs = Object.entries(o.bodyAttributes ?? {})
    .map(([k, v]) => ` ${k}="${e(v)}"`)
    .join('');
  const head = [
    '<meta charset="utf-8" />',
    `<meta http-equiv="Content-Security-Policy" content="${webviewCsp(o.cspSource, o.nonce)}" />`,
    '<meta name="viewport" content="width=device-width, initial-scale=1.0" />',
    ...(o.styleUris ?? []).map((s) => `<link rel="stylesheet" href="${e(s)}" />`),
    ...(o.inlineStyle ? [`<style>${o.inlineStyle}</style>`] : []),
    `<title>${e(o.title)}</title>`,
  ];
  const scripts = [
    ...(o.scriptUris ?? []).map((s) => `<script nonce="${o.nonce}" src="${e(s)}"></script>`),
    ...(o.inlineScript ? [`<script nonce="${o.nonce}">${o.inlineScript}</script>`] : []),
  ];
  return `<!doctype html>
<html lang="en">
  <head>
    ${head.join('\n    ')}
  </head>
  <body${attrs}>
${o.body ?? ''}
    ${scripts.join('\n    ')}
  </body>
</html>
`;
}

export interface GraphViewHtmlOptions {
  readonly cspSource: string;
  readonly nonce: string;
  /** dist/webview.js. */
  readonly scriptUri: string;
  /** dist/webviewLayout.js: fetched and started as a blob: worker. */
  readonly layoutWorkerUri: string;
  /** media/graph.css. */
  readonly styleUri: string;
  /** Extra scripts loaded before the webview (the standalone page's stub host). */
  readonly preloadScriptUris?: readonly string[];
}

/** The ids below are the contract with webview/main.ts, which looks each one up at start-up. */
export const GRAPH_VIEW_BODY = `    <div id="toolbar">
      <vscode-textfield id="search" placeholder="Search name, op or tensor (/)" aria-label="Search nodes"></vscode-textfield>
      <vscode-button id="fit" secondary title="Fit the whole graph (F)">Fit</vscode-button>
      <vscode-checkbox id="heat-toggle">Heat map</vscode-checkbox>
      <vscode-button id="heat-metric" secondary>Metric: latency</vscode-button>
      <span id="status" role="status"></span>
    </div>
    <div id="main">
      <canvas id="graph" tabindex="0" aria-label="Model graph"></canvas>
      <canvas id="overview" aria-label="Overview"></canvas>
      <button id="properties-strip" type="button" aria-controls="properties" title="Show properties">Properties</button>
      <aside id="properties" aria-label="Node properties" aria-live="polite"></aside>
      <div id="load-error" role="alert" hidden>
        <h2>This model cannot be opened</h2>
        <p id="load-error-message"></p>
        <div class="actions">
          <vscode-button id="open-as-text">Open as Text</vscode-button>
          <vscode-button id="show-details" secondary>Show Details</vscode-button>
        </div>
      </div>
    </div>
    <div id="legend" hidden><span id="legend-label"></span><span class="ramp"></span><span>low → high</span></div>`;

/** The graph editor's page: the shell with the graph markup, media/graph.css and the webview bundle. */
export function graphViewHtml(o: GraphViewHtmlOptions): string {
  return webviewShellHtml({
    cspSource: o.cspSource,
    nonce: o.nonce,
    title: 'ONNX model graph',
    styleUris: [o.styleUri],
    scriptUris: [...(o.preloadScriptUris ?? []), o.scriptUri],
    body: GRAPH_VIEW_BODY,
    bodyAttributes: { 'data-layout-worker': o.layoutWorkerUri },
  });
}
