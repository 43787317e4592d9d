import * as assert from 'node:assert/strict';
import { graphViewHtml } from '../../src/protocol/webviewHtml';
import { validateWebviewMessage } from '../../src/protocol/webviewProtocol';

describe('webview protocol validation', () => {
  it('accepts each well-formed message unchanged', () => {
    const good = [
      { type: 'ready' },
      { type: 'nodeDetailsRequest', requestId: 7, nodeId: 3 },
      { type: 'selectNode', nodeId: 0 },
      { type: 'applySuggestion', nodeId: 9 },
      { type: 'openAsText' },
      { type: 'showDetails' },
    ];
    for (const m of good) assert.deepEqual(validateWebviewMessage(m, 10), m);
  });

  it('rejects forged and malformed messages', () => {
    const bad: unknown[] = [
      null,
      'ready',
      [],
      { type: 'init', graph: {} }, // host-only message type sent by the page
      { type: 'runCommand', command: 'rm -rf /' },
      { type: 'ready', extra: 1 },
      { type: 'openAsText', file: '/etc/passwd' }, // the host opens its own model, never a path from the page
      { type: 'selectNode', nodeId: -1 },
      { type: 'selectNode', nodeId: 1.5 },
      { type: 'selectNode', nodeId: '3' },
      { type: 'selectNode', nodeId: 10 }, // outside a 10-node graph
      { type: 'applySuggestion', nodeId: 2, file: '/etc/passwd' },
      { type: 'nodeDetailsRequest', nodeId: 1 },
      { type: 'nodeDetailsRequest', requestId: 2 ** 40, nodeId: 1 },
      JSON.parse('{"type":"selectNode","nodeId":1,"__proto__":{"x":1}}'),
    ];
    for (const m of bad) assert.equal(validateWebviewMessage(m, 10), undefined, JSON.stringify(m));
  });

  it('returns a fresh object, not the forged one', () => {
    const forged = { type: 'selectNode', nodeId: 1 };
    const ok = validateWebviewMessage(forged, 10);
    assert.notEqual(ok, forged);
  });
});

describe('graph webview HTML shell', () => {
  const base = {
    cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
    nonce: 'AbCdEfGhIjKlMnOpQrStUv12',
    scriptUri: 'https://x/dist/webview.js',
    layoutWorkerUri: 'https://x/dist/webviewLayout.js',
    styleUri: 'https://x/media/graph.css',
  };

  it('allows scripts only with the nonce and never eval', () => {
    const html = graphViewHtml(base);
    const csp = /Content-Security-Policy" content="([^"]*)"/.exec(html)![1]!;
    assert.match(csp, /script-src 'nonce-AbCdEfGhIjKlMnOpQrStUv12'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-eval|script-src[^;]*unsafe-inline/);
    const scripts = html.match(/<script[^>]*>/g)!;
    assert.equal(scripts.length, 1);
    for (const s of scripts) assert.ok(s.includes(`nonce="${base.nonce}"`));
  });

  it('escapes URIs and rejects a nonce that could break out of the policy', () => {
    const html = graphViewHtml({ ...base, scriptUri: 'https://x/a.js"><script>alert(1)</script>' });
    assert.equal(html.match(/<script/g)!.length, 1);
    assert.throws(() => graphViewHtml({ ...base, nonce: "abc' 'unsafe-inline" }));
  });
});
