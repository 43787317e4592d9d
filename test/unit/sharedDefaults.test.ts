/**
 * One settings shape: the CLI and the extension share their defaults (engine/runtime/jobRuntime.ts), the
 * extension's declared settings say the same, and settings.ts is the only code that touches `onnxTuner.*`.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { profileCommand } from '../../src/cli/commands/profile';
import { DEFAULT_PROFILE_RUNS, DEFAULT_THREADS, DEFAULT_WARMUP_RUNS } from '../../src/engine/runtime/jobRuntime';
import { DEFAULT_OUTPUT_TEMPLATE } from '../../src/engine/transform/outputName';

const ROOT = path.join(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .filter((f) => f.endsWith('.ts'));
}

describe('one settings shape', () => {
  it("the extension's declared defaults are the engine's", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { default?: unknown }> } };
    };
    const props = pkg.contributes.configuration.properties;
    assert.equal(props['onnxTuner.profile.runs']?.default, DEFAULT_PROFILE_RUNS);
    assert.equal(props['onnxTuner.profile.warmupRuns']?.default, DEFAULT_WARMUP_RUNS);
    assert.equal(props['onnxTuner.threads']?.default, DEFAULT_THREADS);
    assert.equal(props['onnxTuner.output.naming']?.default, DEFAULT_OUTPUT_TEMPLATE);
  });

  it("the CLI's help states the same defaults", () => {
    assert.match(profileCommand.usage, new RegExp(`--runs ${DEFAULT_PROFILE_RUNS}\\b`));
    assert.match(profileCommand.usage, new RegExp(`--warmup ${DEFAULT_WARMUP_RUNS}\\b`));
  });

  it('settings.ts is the only reader and writer of onnxTuner.* settings', () => {
    const touching = sourceFiles(path.join(ROOT, 'src'))
      .filter((f) => /getConfiguration\(/.test(fs.readFileSync(f, 'utf8')))
      .map((f) => path.relative(ROOT, f));
    assert.deepEqual(touching, [path.join('src', 'extension', 'settings.ts')]);
  });
});
