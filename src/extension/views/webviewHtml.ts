/**
 * The HTML shell of the extension's webviews. Security (DESIGN.md): a Content-Security-Policy that allows only
 * this webview's own resources and one script by nonce, no inline or remote scripts, and no model data in the
 * HTML — the page receives its data by message after it says it is ready.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export function nonce(): string {
  return randomBytes(18)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '');
}

/** Webview options shared by every view: scripts on, resources only from dist/ and media/. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export interface ShellOptions {
  readonly title: string;
  /** Script path relative to the extension root (e.g. 'dist/webview.js'); loaded with the nonce. */
  readonly script?: string;
  readonly styles?: readonly string[];
  /** Static, extension-authored markup (never model data; escape anything derived from user files). */
  readonly body?: string;
  /** Extra attributes for <body>, already escaped (e.g. ` data-layout-worker="…"`). */
  readonly bodyAttributes?: string;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function webviewShell(webview: vscode.Webview, extensionUri: vscode.Uri, o: ShellOptions): string {
  const n = nonce();
  const src = (p: string): string =>
    webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p.split('/'))).toString();
  const csp = [
    `default-src 'none'`,
    `img-src ${webview.cspSource} data: blob:`,
    `style-src ${webview.cspSource} 'unsafe-inline'`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${n}'`,
    // Graph layout runs in a web worker started from a blob of the bundled script, fetched first.
    `worker-src ${webview.cspSource} blob:`,
    `connect-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(o.title)}</title>
${(o.styles ?? []).map((s) => `<link rel="stylesheet" href="${src(s)}">`).join('\n')}
</head>
<body${o.bodyAttributes ?? ''}>
${o.body ?? ''}
${o.script ? `<script nonce="${n}" src="${src(o.script)}"></script>` : ''}
</body>
</html>`;
}
