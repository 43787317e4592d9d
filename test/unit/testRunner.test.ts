/**
 * `npm test` never fails for a missing optional part: the real-VS-Code suites skip with one line (exit 0) when
 * code-server or the real models are absent, and the runner's closing line counts what each suite reported.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { makeTempDir, removeDir } from '../support/tmp';

const ROOT = path.join(__dirname, '..', '..');

function runSuite(script: string, env: Record<string, string>): { code: number | null; out: string } {
  const base: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete base['CI']; // a developer's machine: skipping is allowed there (CI requires everything)
  const r = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(ROOT, script)], {
    cwd: ROOT,
    env: base,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('npm test: optional parts skip cleanly', function () {
  this.timeout(150_000);
  let empty: string;
  before(() => (empty = makeTempDir()));
  after(() => removeDir(empty));

  for (const [suite, script] of [
    ['test:integration', 'test/integration/runInCodeServer.ts'],
    ['test:e2e', 'test/e2e/runE2e.ts'],
  ] as const)
    it(`${suite} without code-server: exit 0 and one line saying how to enable it`, () => {
      const r = runSuite(script, { ONNX_TUNER_E2E_CACHE: empty });
      assert.equal(r.code, 0, r.out);
      const lines = r.out.split('\n').filter((l) => l.startsWith('skipped '));
      assert.equal(lines.length, 1, r.out);
      assert.match(lines[0]!, new RegExp(`^skipped ${suite}: .*scripts/setup-e2e\\.sh`));
    });

  it('test:e2e without the real models: exit 0 and one line saying to run npm run models', function () {
    const r = runSuite('test/e2e/runE2e.ts', { ONNX_TUNER_MODELS: empty });
    if (/skipped test:e2e: code-server/.test(r.out)) this.skip(); // no code-server here: the case above covers it
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^skipped test:e2e: the real model 'ppocr-det' is not fetched; run 'npm run models'/m);
  });

  it("the runner's closing line adds up mocha's counts and skipped suites", async () => {
    const { countMocha } = (await import(path.join(ROOT, 'scripts', 'test-all.mjs'))) as {
      countMocha: (t: string) => { passed: number; failed: number; pending: number; skippedSuites: number };
    };
    const text = '  12 passing (3s)\n  2 pending\n\n  5 passing\n  1 failing\nskipped test:e2e: x\n';
    assert.deepEqual(countMocha(text), { passed: 17, failed: 1, pending: 2, skippedSuites: 1 });
  });
});
