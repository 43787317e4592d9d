/**
 * The graph editor's page: exactly the shell the standalone test page and the benchmark serve
 * (src/protocol/webviewHtml.ts graphViewHtml, styled by media/graph.css), with this webview's resource URLs.
 * Extension-authored markup only: the graph arrives later by message, never interpolated here.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { graphViewHtml } from '../../protocol/webviewHtml';
import { nonce, resourceUri, webviewShell } from './webviewHtml';

export function graphHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const has = (rel: string): boolean => fs.existsSync(vscode.Uri.joinPath(extensionUri, rel).fsPath);
  if (!has('dist/webview.js') || !has('dist/webviewLayout.js'))
    // A build without the graph view (webview/ not bundled) still explains itself instead of a blank page.
    return webviewShell(webview, extensionUri, {
      title: 'ONNX model graph',
      body: '<p style="padding:1em">The graph view is not part of this build. Profile Model, Optimize Model… and Open as Text Summary work from the toolbar above.</p>',
    });
  const uri = (rel: string): string => resourceUri(webview, extensionUri, rel);
  return graphViewHtml({
    cspSource: webview.cspSource,
    nonce: nonce(),
    scriptUri: uri('dist/webview.js'),
    layoutWorkerUri: uri('dist/webviewLayout.js'),
    styleUri: uri('media/graph.css'),
  });
}
