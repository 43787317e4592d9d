/**
 * The extension's side of the one webview shell (src/protocol/webviewHtml.ts): a fresh nonce per render,
 * resource paths turned into asWebviewUri() URLs, and the webview options every view shares.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { webviewShellHtml, type WebviewShellOptions } from '../../protocol/webviewHtml';

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

/** A path relative to the extension root (`dist/webview.js`) as this webview's resource URL. */
export function resourceUri(webview: vscode.Webview, extensionUri: vscode.Uri, rel: string): string {
  return webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...rel.split('/'))).toString();
}

export interface ShellOptions extends Omit<WebviewShellOptions, 'cspSource' | 'nonce' | 'styleUris' | 'scriptUris'> {
  /** Script paths relative to the extension root (e.g. 'dist/webview.js'); loaded with the nonce. */
  readonly scripts?: readonly string[];
  /** Stylesheet paths relative to the extension root (e.g. 'media/graph.css'). */
  readonly styles?: readonly string[];
}

export function webviewShell(webview: vscode.Webview, extensionUri: vscode.Uri, o: ShellOptions): string {
  const { scripts, styles, ...rest } = o;
  const uri = (p: string): string => resourceUri(webview, extensionUri, p);
  return webviewShellHtml({
    ...rest,
    cspSource: webview.cspSource,
    nonce: nonce(),
    scriptUris: (scripts ?? []).map(uri),
    styleUris: (styles ?? []).map(uri),
  });
}
