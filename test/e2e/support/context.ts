/** What the e2e runner hands the specs: the running VS Code, the browser page, and the run's folders. */
import type { Page } from 'playwright-core';
import type { RunFolders } from './codeServer';

export interface E2eContext {
  readonly url: string;
  readonly page: Page;
  readonly run: RunFolders;
  readonly workspace: string;
  /** The real model the specs use (a copy inside the workspace). */
  readonly model: string;
  readonly log: (s: string) => void;
}

let current: E2eContext | undefined;

export function setE2eContext(c: E2eContext | undefined): void {
  current = c;
}

export function e2e(): E2eContext {
  if (!current) throw new Error('e2e specs run through test/e2e/runE2e.ts (npm run test:e2e)');
  return current;
}
