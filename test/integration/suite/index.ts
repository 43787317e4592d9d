/**
 * The integration suite's entry point, loaded by VS Code's extension host (`extensionTestsPath`): runs every
 * bundled `*.test.js` next to it with mocha and settles when they are done; VS Code turns the outcome into
 * its exit code. The same file serves @vscode/test-electron and the code-server payload runner.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

interface Summary {
  passes: number;
  failures: number;
  pending: number;
  failed: { title: string; error: string }[];
}

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 120_000, color: false, reporter: 'spec' });
  for (const f of fs
    .readdirSync(__dirname)
    .filter((n) => n.endsWith('.test.js'))
    .sort())
    mocha.addFile(path.join(__dirname, f));
  const summary: Summary = { passes: 0, failures: 0, pending: 0, failed: [] };
  await new Promise<void>((resolve, reject) => {
    const runner = mocha.run((failures) => {
      // The runner that started VS Code reads this file for the pass counts (the console of a remote
      // extension host is not always forwarded).
      const out = process.env.ONNX_TUNER_TEST_RESULTS;
      if (out) fs.writeFileSync(out, JSON.stringify(summary, null, 2));
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
      else resolve();
    });
    runner.on('pass', () => summary.passes++);
    runner.on('pending', () => summary.pending++);
    runner.on('fail', (test, err: Error) => {
      summary.failures++;
      summary.failed.push({ title: test.fullTitle(), error: String(err?.stack ?? err) });
    });
  });
}
