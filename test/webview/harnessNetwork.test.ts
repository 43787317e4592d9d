/**
 * The browser harness keeps tests and benchmarks off the network by a proxy rule, not by intercepting each
 * request (LOOPBACK_ONLY in browserHarness.ts). A server on another loopback address (127.0.0.2, which Chromium
 * would otherwise reach directly) stands in for "the network": the page must fail to reach it, while Node
 * reaches it, so the refusal is the browser's rule and not a dead server.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startHarnessOrSkip, type Harness } from './support/browserHarness';

describe('browser harness: only 127.0.0.1 is reachable', function () {
  let harness: Harness;
  let other: http.Server;
  let otherUrl = '';

  before(async function () {
    harness = await startHarnessOrSkip(this);
    other = http.createServer((_req, res) => res.end('reached'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.2', resolve));
    otherUrl = `http://127.0.0.2:${(other.address() as AddressInfo).port}/`;
  });
  after(async () => {
    await harness?.close();
    await new Promise<void>((resolve) => (other ? other.close(() => resolve()) : resolve()));
  });

  it('serves the page from 127.0.0.1 and refuses another host that Node itself reaches', async () => {
    const body = await new Promise<string>((resolve, reject) =>
      http
        .get(otherUrl, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve(text));
        })
        .on('error', reject),
    );
    assert.equal(body, 'reached');
    const page = await harness.browser!.newPage();
    try {
      const own = await page.goto(`${harness.baseUrl}/media/graph.css`);
      assert.equal(own?.status(), 200);
      await assert.rejects(page.goto(otherUrl), /net::ERR_/);
    } finally {
      await page.close();
    }
  });
});
