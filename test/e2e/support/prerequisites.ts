/**
 * What the real-VS-Code suites need on the machine: code-server (scripts/setup-e2e.sh) and Chromium. On a
 * developer's machine without them, `npm test` skips these suites with a message saying how to get them; in
 * CI (CI=true), where .ci/run installs them first, a missing piece is a failure, never a silent skip.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CHROMIUM } from './browser';
import { e2eCacheDir } from './codeServer';

export function missingPrerequisites(): string[] {
  const missing: string[] = [];
  const bin = path.join(e2eCacheDir(), 'code-server', 'node_modules', '.bin', 'code-server');
  if (!fs.existsSync(bin)) missing.push(`code-server (${bin})`);
  if (!fs.existsSync(CHROMIUM)) missing.push(`chromium (${CHROMIUM})`);
  return missing;
}

/** Returns an exit code to stop with (0: skipped locally, 1: missing in CI), or undefined to go on. */
export function checkPrerequisites(suite: string): number | undefined {
  const missing = missingPrerequisites();
  if (missing.length === 0) return undefined;
  const what = `${suite}: ${missing.join(' and ')} not installed; run 'bash scripts/setup-e2e.sh'`;
  if (process.env.CI) {
    console.error(`${what} (required in CI)`);
    return 1;
  }
  console.log(`skipped ${what}`);
  return 0;
}
