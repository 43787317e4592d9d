/**
 * `npm run test:e2e`: packages the extension (.vsix with onnxruntime-node for linux-x64), installs it into a
 * fresh code-server profile, opens a workspace holding a real model (ppocr-det from the model cache) in
 * Debian's Chromium, and runs the UI specs (test/e2e/*.e2e.ts) with mocha. Screenshots go to the run folder,
 * printed at the end. Needs `bash scripts/setup-e2e.sh` once and the fetched models.
 *   E2E_REPEAT=N   run the whole suite N times, each on a fresh profile and workspace (flake check)
 *   E2E_VSIX=FILE  use an existing .vsix instead of packaging
 *   E2E_GREP=TEXT  run only the specs whose title contains TEXT
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { listRealModels } from '../support/realModels';
import { launchBrowser } from './support/browser';
import { installExtension, makeRunFolders, startCodeServer } from './support/codeServer';
import { setE2eContext } from './support/context';
import { checkPrerequisites } from './support/prerequisites';

const ROOT = path.resolve(__dirname, '..', '..');
const MODEL = 'ppocr-det';

function packageVsix(): string {
  if (process.env.E2E_VSIX) return path.resolve(process.env.E2E_VSIX);
  const r = spawnSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error('npm run package failed');
  return path.join(ROOT, 'onnx-tuner-linux-x64.vsix');
}

function makeWorkspace(dir: string, model: string): string {
  fs.mkdirSync(path.join(dir, '.vscode'), { recursive: true });
  const copy = path.join(dir, path.basename(model));
  fs.copyFileSync(model, copy);
  // ppocr-det's input is [-1,3,-1,-1] (unnamed dims): give the profile a concrete shape (test/models.json).
  fs.writeFileSync(
    path.join(dir, '.vscode', 'settings.json'),
    JSON.stringify(
      {
        'onnxTuner.inputShapes': { x: [1, 3, 320, 320] },
        'onnxTuner.profile.runs': 10,
        'onnxTuner.profile.warmupRuns': 2,
      },
      null,
      2,
    ),
  );
  return copy;
}

/** The specs that need an untrusted workspace run in a round of their own, with workspace trust on. */
const RESTRICTED_SPEC = 'restricted.e2e.ts';
const RESTRICTED_SETTINGS = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
};

async function runOnce(
  vsix: string,
  model: string,
  round: number | 'restricted',
): Promise<{ passes: number; failures: number; shots: string }> {
  const t0 = Date.now();
  const log = (s: string): void => console.log(`[e2e ${((Date.now() - t0) / 1000).toFixed(1)}s] ${s}`);
  const restricted = round === 'restricted';
  const run = makeRunFolders(
    path.join(ROOT, '.e2e', 'e2e', restricted ? 'restricted' : `run-${round}`),
    restricted ? RESTRICTED_SETTINGS : {},
  );
  const workspace = path.join(run.root, 'workspace');
  const modelCopy = makeWorkspace(workspace, model);
  installExtension(run, vsix);
  log('extension installed; starting code-server');
  const server = await startCodeServer(run, { workspaceTrust: restricted });
  const browser = await launchBrowser(path.join(run.root, 'chrome'), (s) => {
    if (!/open-vsx|Failed to load resource|ENOTFOUND/.test(s)) log(s);
  });
  try {
    setE2eContext({ url: server.url, page: browser.page, run, workspace, model: modelCopy, log });
    const mocha = new Mocha({
      timeout: 180_000,
      reporter: 'spec',
      ...(process.env.E2E_GREP ? { grep: process.env.E2E_GREP } : {}),
    });
    for (const f of fs
      .readdirSync(__dirname)
      .filter((n) => n.endsWith('.e2e.ts') && (n === RESTRICTED_SPEC) === restricted)
      .sort())
      mocha.addFile(path.join(__dirname, f));
    await mocha.loadFilesAsync();
    const stats = await new Promise<{ passes: number; failures: number }>((resolve) => {
      const runner = mocha.run(() =>
        resolve({ passes: runner.stats?.passes ?? 0, failures: runner.stats?.failures ?? 0 }),
      );
      runner.on('fail', () => {
        void browser.page.screenshot({ path: path.join(run.shots, `failure-${Date.now()}.png`) }).catch(() => {});
      });
    });
    mocha.dispose();
    if (browser.external.size) log(`external requests blocked: ${[...browser.external].join(', ')}`);
    return { ...stats, shots: run.shots };
  } finally {
    setE2eContext(undefined);
    await browser.close();
    await server.stop();
    // Keep logs, screenshots and the workspace; drop the browser profile and extensions copy (~60 MB a round).
    for (const d of ['chrome', 'extensions']) fs.rmSync(path.join(run.root, d), { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const stop = checkPrerequisites('test:e2e');
  if (stop !== undefined) return stop;
  const model = listRealModels().find((m) => m.name === MODEL);
  if (!model) {
    const what = `test:e2e: the real model '${MODEL}' is not fetched; run 'npm run models' (scripts/fetch-models.sh)`;
    if (process.env.CI) {
      console.error(`${what} (required in CI)`);
      return 1;
    }
    console.log(`skipped ${what}`);
    return 0;
  }
  const t0 = Date.now();
  const vsix = packageVsix();
  console.log(
    `[e2e] packaged ${path.basename(vsix)} (${(fs.statSync(vsix).size / 2 ** 20).toFixed(1)} MB) in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  const rounds = Math.max(1, Number(process.env.E2E_REPEAT ?? 1));
  // Each round leaves its folder (logs, screenshots) for inspection until the next `test:e2e`.
  fs.rmSync(path.join(ROOT, '.e2e', 'e2e'), { recursive: true, force: true });
  let passedRounds = 0;
  let shots = '';
  for (let i = 1; i <= rounds; i++) {
    const r0 = Date.now();
    const r = await runOnce(vsix, model.file, i);
    shots = r.shots;
    const ok = r.failures === 0 && r.passes > 0;
    if (ok) passedRounds++;
    console.log(
      `[e2e] round ${i}/${rounds}: ${r.passes} passing, ${r.failures} failing (${((Date.now() - r0) / 1000).toFixed(1)} s)`,
    );
  }
  const r = await runOnce(vsix, model.file, 'restricted');
  const restrictedOk = r.failures === 0 && r.passes > 0;
  console.log(`[e2e] restricted mode: ${r.passes} passing, ${r.failures} failing`);
  console.log(
    `[e2e] ${passedRounds}/${rounds} rounds passed in ${((Date.now() - t0) / 1000).toFixed(1)} s; screenshots: ${shots}`,
  );
  return passedRounds === rounds && restrictedOk ? 0 : 1;
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
