/**
 * One shell per kind of page: every webview (graph, comparison, sweep) is built by webviewShellHtml and every
 * standalone report by reportPageHtml, and there is one escapeHtml. The scan at the end fails when a second
 * policy or escaper appears anywhere in src/ or webview/.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPORT_CSP, reportPageHtml } from '../../src/engine/report/html/reportPage';
import { escapeHtml } from '../../src/protocol/escapeHtml';
import { webviewShellHtml } from '../../src/protocol/webviewHtml';

const ROOT = path.resolve(__dirname, '../..');
const NONCE = 'AbCdEfGhIjKlMnOpQrStUv12';

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((d) => {
    const rel = path.join(dir, d.name);
    if (d.isDirectory()) return sources(rel);
    return d.name.endsWith('.ts') ? [rel] : [];
  });
}

describe('HTML shells', () => {
  it('webview shell: every script carries the nonce, body attributes are escaped', () => {
    const html = webviewShellHtml({
      cspSource: 'https://x.example',
      nonce: NONCE,
      title: 'A <b> title',
      scriptUris: ['/a.js', '/b.js'],
      inlineScript: 'console.log(1)',
      inlineStyle: 'body{margin:0}',
      styleUris: ['/s.css'],
      body: '<p>static</p>',
      bodyAttributes: { 'data-x': '"><script>alert(1)</script>' },
    });
    const scripts = html.match(/<script[^>]*>/g)!;
    assert.equal(scripts.length, 3);
    for (const s of scripts) assert.ok(s.includes(`nonce="${NONCE}"`), s);
    assert.match(html, /<body data-x="&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;">/);
    assert.match(html, /<title>A &lt;b&gt; title<\/title>/);
    const csp = /Content-Security-Policy" content="([^"]*)"/.exec(html)![1]!;
    assert.match(csp, new RegExp(`script-src 'nonce-${NONCE}';`));
    assert.match(csp, /^default-src 'none'/);
    assert.doesNotMatch(csp, /unsafe-eval|script-src[^;]*unsafe-inline/);
  });

  it("webview shell: accepts VS Code's quoted CSP source, refuses one that could add a directive", () => {
    const html = webviewShellHtml({ cspSource: "'self' https://*.vscode-cdn.net", nonce: NONCE, title: 't' });
    assert.match(html, /style-src 'self' https:\/\/\*\.vscode-cdn\.net 'unsafe-inline';/);
    assert.throws(() => webviewShellHtml({ cspSource: "x; script-src 'unsafe-inline'", nonce: NONCE, title: 't' }));
  });

  it('report page: inert (no script allowed or present), title escaped', () => {
    const html = reportPageHtml({ title: 'm<1>.onnx', style: 'b{}', body: '<p>x</p>' });
    assert.ok(html.includes(`content="${REPORT_CSP}"`));
    assert.doesNotMatch(REPORT_CSP, /script-src|connect-src/);
    assert.doesNotMatch(html, /<script/);
    assert.match(html, /<title>m&lt;1&gt;.onnx<\/title>/);
  });

  it('escapeHtml escapes the five characters that matter in text and attributes', () => {
    assert.equal(
      escapeHtml(`<a href="x" title='y'>&</a>`),
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('one policy per kind and one escaper in the code base', () => {
    const files = [...sources('src'), ...sources('webview')];
    const withPolicy = files.filter((f) =>
      fs.readFileSync(path.join(ROOT, f), 'utf8').includes('Content-Security-Policy'),
    );
    assert.deepEqual(withPolicy.sort(), [
      path.join('src', 'engine', 'report', 'html', 'reportPage.ts'),
      path.join('src', 'protocol', 'webviewHtml.ts'),
    ]);
    const escapers = files.filter((f) => /&(amp|quot|lt);/.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
    assert.deepEqual(escapers, [path.join('src', 'protocol', 'escapeHtml.ts')]);
  });
});
