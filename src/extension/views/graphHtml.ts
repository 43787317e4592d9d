/**
 * The graph editor's page: the static markup webview/main.ts attaches to (by element id), its script and
 * styles, and the URL of the layout worker script it fetches (the CSP allows that fetch and `blob:` workers).
 * Extension-authored markup only: the graph arrives later by message, never interpolated here.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { escapeHtml, webviewShell } from './webviewHtml';

/**
 * The ids below are the contract with webview/main.ts, which looks each one up at start-up (a missing one
 * stops the page). Layout that lets the canvas fill the editor; webview CSS (dist/webview.css), loaded after, may refine it. */
const LAYOUT = `<style>
html, body { height: 100%; margin: 0; padding: 0; overflow: hidden; }
body { display: grid; grid-template-rows: auto 1fr auto; grid-template-columns: 1fr 280px; }
#toolbar { grid-column: 1 / 3; display: flex; gap: 8px; align-items: center; padding: 4px 8px; border-bottom: 1px solid var(--vscode-panel-border, transparent); }
#stage { position: relative; min-height: 0; min-width: 0; }
#graph { width: 100%; height: 100%; display: block; outline: none; }
#overview { position: absolute; right: 8px; bottom: 8px; width: 160px; height: 120px; border: 1px solid var(--vscode-panel-border, #8884); background: var(--vscode-editor-background); }
#properties { overflow: auto; padding: 8px; border-left: 1px solid var(--vscode-panel-border, transparent); font-size: 12px; }
#footer { grid-column: 1 / 3; display: flex; gap: 16px; padding: 2px 8px; font-size: 11px; color: var(--vscode-descriptionForeground); }
#legend { display: flex; gap: 6px; align-items: center; }
#legend[hidden] { display: none; }
#legend .ramp { width: 120px; height: 8px; background: linear-gradient(to right, #2b83ba, #abdda4, #ffffbf, #fdae61, #d7191c); }
</style>`;

const BODY = `<div id="toolbar">
  <vscode-textfield id="search" placeholder="Search nodes (/)" aria-label="Search nodes"></vscode-textfield>
  <vscode-checkbox id="heat-toggle">Heat map</vscode-checkbox>
  <vscode-button id="heat-metric" secondary>Metric: latency</vscode-button>
  <vscode-button id="fit" secondary>Fit</vscode-button>
</div>
<div id="stage"><canvas id="graph" tabindex="0" aria-label="Model graph"></canvas><canvas id="overview" aria-label="Overview"></canvas></div>
<div id="properties" aria-live="polite"></div>
<div id="footer"><span id="status"></span><span id="legend" hidden><span id="legend-label"></span><span class="ramp"></span><span>low → high</span></span></div>`;

export function graphHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const has = (rel: string): boolean => fs.existsSync(vscode.Uri.joinPath(extensionUri, rel).fsPath);
  if (!has('dist/webview.js'))
    // A build without the graph view (webview/ not bundled) still explains itself instead of a blank page.
    return webviewShell(webview, extensionUri, {
      title: 'ONNX model graph',
      body: '<p style="padding:1em">The graph view is not part of this build. Profile Model, Optimize Model… and Open as Text Summary work from the toolbar above.</p>',
    });
  const worker = has('dist/webviewLayout.js')
    ? webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webviewLayout.js')).toString()
    : '';
  return webviewShell(webview, extensionUri, {
    title: 'ONNX model graph',
    script: 'dist/webview.js',
    styles: ['dist/webview.css'].filter(has),
    body: LAYOUT + BODY,
    bodyAttributes: worker ? ` data-layout-worker="${escapeHtml(worker)}"` : '',
  });
}
