/**
 * `npm run test:integration`: runs the integration suites inside a real VS Code extension host — code-server
 * 4.100.3's — with no VS Code download. The workbench URL carries a `payload` naming the extension under
 * development and the tests entry, as @vscode/test-web does; when the suites' run() settles, the workbench
 * calls window.codeAutomationExit(code). Needs `bash scripts/setup-e2e.sh` once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import { launchBrowser } from '../e2e/support/browser';
import { makeRunFolders, startCodeServer } from '../e2e/support/codeServer';
import { checkPrerequisites } from '../e2e/support/prerequisites';
import { buildExtension, buildSuites, makeWorkspace, ROOT } from './prepare';

const TIMEOUT_MS = 300_000;
/** Workbench chatter forwarded with the tests' output (connections, the offline extension gallery). */
const WORKBENCH_NOISE =
  /socket|connection token|builtin extensions cache|Service Worker|ChatSessionStore|open-vsx|^\s+at |%c/;

async function main(): Promise<number> {
  const stop = checkPrerequisites('test:integration');
  if (stop !== undefined) return stop;
  const t0 = Date.now();
  const lap = (s: string): void => console.log(`[integration ${((Date.now() - t0) / 1000).toFixed(1)}s] ${s}`);
  buildExtension();
  const testsEntry = buildSuites();
  const run = makeRunFolders(path.join(ROOT, '.e2e', 'integration'));
  const ws = makeWorkspace(path.join(run.root, 'workspace'));
  const results = path.join(run.root, 'results.json');
  process.env.ONNX_TUNER_TEST_RESULTS = results; // inherited by code-server's extension host
  lap('built; starting code-server');
  const server = await startCodeServer(run);
  const browser = await launchBrowser(path.join(run.root, 'chrome'), (s) => {
    if (!WORKBENCH_NOISE.test(s) && !s.includes('Failed to load resource')) lap(s);
  });
  try {
    const authority = new URL(server.url).host;
    const remote = (p: string): string => `vscode-remote://${authority}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(ROOT)],
      ['extensionTestsPath', remote(testsEntry)],
    ];
    let exit: (code: number | string) => void = () => {};
    const exited = new Promise<number | string>((r) => (exit = r));
    await browser.page.exposeFunction('codeAutomationExit', (code: number) => exit(code));
    // The extension host's console (mocha's spec reporter) arrives here as format strings + arguments.
    await browser.page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
      const line = format(...(args as [string, ...unknown[]])).trimEnd();
      if (line.trim() && !WORKBENCH_NOISE.test(line)) console.log(`  ${line}`);
    });
    lap(`opening the workbench on ${ws}`);
    await browser.page.goto(
      `${server.url}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(JSON.stringify(payload))}`,
    );
    const timer = setTimeout(() => exit('timeout'), TIMEOUT_MS);
    const code = await exited;
    clearTimeout(timer);
    const summary = fs.existsSync(results)
      ? (JSON.parse(fs.readFileSync(results, 'utf8')) as {
          passes: number;
          failures: number;
          pending: number;
          failed: { title: string; error: string }[];
        })
      : undefined;
    for (const f of summary?.failed ?? [])
      console.log(`  FAILED ${f.title}\n    ${f.error.split('\n').slice(0, 6).join('\n    ')}`);
    lap(
      summary
        ? `${summary.passes} passing, ${summary.failures} failing, ${summary.pending} pending (exit code ${code})`
        : `no results written (exit code ${code}); code-server log: ${server.log}`,
    );
    return code === 0 && summary && summary.failures === 0 ? 0 : 1;
  } finally {
    await browser.close();
    await server.stop();
  }
}

// Ctrl-C or a CI timeout: exit through process.exit so the 'exit' hook kills code-server's process group.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
