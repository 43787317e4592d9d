/**
 * `npm run test:electron`: the same integration suites in a downloaded VS Code (Electron) via
 * @vscode/test-electron, for machines that can reach VS Code's update server. (On machines that cannot, use
 * `npm run test:integration`, which runs them in code-server.) VSCODE_VERSION picks the build (default: the
 * oldest one engines.vscode allows, so the suites check the minimum API).
 */
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { buildExtension, buildSuites, makeWorkspace, ROOT } from './prepare';

async function main(): Promise<void> {
  buildExtension();
  const extensionTestsPath = buildSuites();
  const ws = makeWorkspace(path.join(ROOT, '.e2e', 'electron', 'workspace'));
  process.env.ONNX_TUNER_TEST_RESULTS = path.join(ROOT, '.e2e', 'electron', 'results.json');
  await runTests({
    version: process.env.VSCODE_VERSION ?? '1.100.3',
    extensionDevelopmentPath: ROOT,
    extensionTestsPath,
    launchArgs: [ws, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    extensionTestsEnv: { ONNX_TUNER_TEST_RESULTS: process.env.ONNX_TUNER_TEST_RESULTS },
  });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
