/**
 * The graph editor renders exactly the page the webview tests and the benchmark drive: graphHtml() (what the
 * custom editor sets as its webview's HTML) equals the harness's standalone page once the nonce, this
 * webview's resource URLs and CSP source, and the harness's stub-host script are set aside.
 */
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { graphHtml } from '../../../src/extension/views/graphHtml';
import { STUB_HOST_URI, standalonePage } from '../../webview/support/standalonePage';
import { activeExtension } from './helpers';

const ORIGIN = 'http://127.0.0.1:1234';

/** Nonces differ per render by design. */
const sameNonce = (html: string): string => {
  const n = /'nonce-([^']+)'/.exec(html)?.[1];
  assert.ok(n, 'the page has a nonce in its policy');
  return html.split(n).join('NONCE');
};

describe('graph editor page', () => {
  it('is the page the webview harness serves (nonce, resource URLs and stub host aside)', async () => {
    const { ext } = await activeExtension();
    const panel = vscode.window.createWebviewPanel('onnxTuner.pageParity', 'parity', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [ext.extensionUri],
    });
    try {
      const webview = panel.webview;
      const root = webview.asWebviewUri(ext.extensionUri).toString();
      const editor = graphHtml(webview, ext.extensionUri);
      // The real asWebviewUri() URLs sit under the extension's root URL: map them to the harness's paths.
      assert.ok(editor.includes(`${root}/dist/webview.js`), 'the editor loads the bundled webview');
      assert.ok(editor.includes(`${root}/media/graph.css`), 'the editor is styled by media/graph.css');
      const editorPage = sameNonce(editor.split(`${root}/`).join('/').split(webview.cspSource).join(ORIGIN));

      const served = standalonePage(ORIGIN);
      const stub = new RegExp(`\\n *<script nonce="[^"]+" src="${STUB_HOST_URI}"></script>`);
      assert.match(served, stub, 'the harness adds only its stub host');
      const harnessPage = sameNonce(served.replace(stub, ''));

      assert.strictEqual(editorPage, harnessPage);
      assert.ok(!editor.includes('<style'), 'no inline CSS: the page is styled from media/');
    } finally {
      panel.dispose();
    }
  });
});
