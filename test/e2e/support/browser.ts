/**
 * Debian's Chromium driven by playwright-core: headless, fresh profile, and every request that is not to
 * loopback aborted (and recorded), so a test never waits on the network and never leaks to it.
 */
import { CHROMIUM, CHROMIUM_ARGS } from '../../support/chromium';
import * as fs from 'node:fs';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export { CHROMIUM };

export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Origins the page tried to reach outside loopback (all aborted). */
  readonly external: Set<string>;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost']);

export async function launchBrowser(profileDir: string, log: (s: string) => void = () => {}): Promise<Browser> {
  fs.rmSync(profileDir, { recursive: true, force: true });
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [...CHROMIUM_ARGS],
  });
  const external = new Set<string>();
  await context.route(
    (u) => /^https?:$/.test(u.protocol) && !LOOPBACK.has(u.hostname),
    (route) => {
      external.add(new URL(route.request().url()).origin);
      return route.abort();
    },
  );
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => log(`[pageerror] ${e.message.slice(0, 300)}`));
  page.on('console', (m) => {
    if (m.type() === 'error') log(`[console.error] ${m.text().slice(0, 300)}`);
  });
  return { context, page, external, close: () => context.close() };
}
