/**
 * The one job system: every CLI command runs in a supervised command process, so the CLI's own process never
 * loads onnxruntime, a run that never ends is stopped by the timeout or by Ctrl-C, no job process outlives its
 * parent (SIGTERM or SIGKILL), and a job killed mid-way leaves neither its output nor its temp folder.
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeModel } from '../../src/engine/onnx/writeModel';
import { endlessLoopModel } from '../support/hostileModels';
import { tinyCnn } from '../support/models';
import { descendantsMatching, isAlive, waitFor } from '../support/processTree';
import { makeTempDir, removeDir } from '../support/tmp';

const ROOT = path.join(__dirname, '..', '..');
const CLI_SOURCE = path.join(ROOT, 'src', 'cli', 'main.ts');
/** The command process and the runtime process (not tsx's esbuild service, also a child when run from source). */
const JOB_PROCESS = /commandProcess|runtimeProcess/;
const FORBID_ORT = path.join(__dirname, '..', 'support', 'forbidOrt.cjs');

interface Cli {
  readonly child: ChildProcess;
  readonly done: Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>;
}

/** Runs `onnx-tuner ARGS` from source, in its own process, with onnxruntime forbidden in that process. */
function cli(args: string[], tmp: string): Cli {
  const child = spawn(
    process.execPath,
    ['--require', require.resolve('tsx/cjs'), '--require', FORBID_ORT, CLI_SOURCE, ...args],
    {
      cwd: tmp,
      env: { ...process.env, TMPDIR: path.join(tmp, 'sys-tmp') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const t0 = Date.now();
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - t0 })),
  );
  return { child, done };
}

/** Waits until the CLI has started its command process and that one its runtime process; returns their pids. */
async function jobProcesses(c: Cli, count: number): Promise<number[]> {
  let seen: number[] = [];
  await waitFor(
    `${count} job processes under the CLI`,
    () => (seen = descendantsMatching(c.child.pid!, JOB_PROCESS)).length >= count,
    30_000,
  );
  return seen;
}

describe('one job system', function () {
  this.timeout(90_000);
  let tmp: string;
  let tiny: string;
  let endless: string;
  beforeEach(() => {
    tmp = makeTempDir();
    fs.mkdirSync(path.join(tmp, 'sys-tmp'));
    tiny = writeModel(tinyCnn(), path.join(tmp, 'tiny.onnx')).file;
    endless = writeModel(endlessLoopModel(), path.join(tmp, 'endless.onnx')).file;
  });
  afterEach(() => removeDir(tmp));

  // Our temp folders only (tsx keeps its compile cache in the temp dir too).
  const sysTmpEntries = (): string[] =>
    fs.readdirSync(path.join(tmp, 'sys-tmp')).filter((n) => n.startsWith('onnx-tuner'));
  const tempFoldersGone = (): string =>
    `temp folders to go; left: ${sysTmpEntries()
      .map((d) => `${d} [${fs.readdirSync(path.join(tmp, 'sys-tmp', d), { recursive: true }).join(', ')}]`)
      .join('; ')}`;

  it('runs inspect, profile, optimize and compare without loading onnxruntime in the CLI process', async () => {
    const runs: [string, string[]][] = [
      ['inspect', [tiny]],
      ['profile', [tiny, '--runs', '2', '--warmup', '1']],
      ['optimize', [tiny, '--quantize', 'dynamic', '--runs', '2', '-o', path.join(tmp, 'tiny.int8.onnx')]],
      ['compare', [tiny, path.join(tmp, 'tiny.int8.onnx'), '--runs', '2']],
    ];
    for (const [name, args] of runs) {
      const r = await cli([name, ...args], tmp).done;
      assert.doesNotMatch(r.stderr, /FORBIDDEN/, `${name} loaded onnxruntime in the CLI process`);
      assert.equal(r.code, 0, `${name} failed: ${r.stderr}`);
    }
    // The optimized file was written by the command process and re-parses as a model with fewer bytes.
    assert.ok(fs.statSync(path.join(tmp, 'tiny.int8.onnx')).size > 0);
    assert.deepEqual(sysTmpEntries(), [], 'job processes left temp folders');
  });

  it('the bundles for the CLI and the extension host do not contain onnxruntime', function () {
    const dist = path.join(ROOT, 'dist');
    if (!fs.existsSync(path.join(dist, 'cli.js'))) this.skip(); // `npm test` builds first; `npm run build` to run this alone
    for (const bundle of ['cli.js', 'extension.js'])
      assert.doesNotMatch(fs.readFileSync(path.join(dist, bundle), 'utf8'), /onnxruntime-node/, bundle);
    // ... while the job processes do load it (the test above would be vacuous otherwise).
    assert.match(fs.readFileSync(path.join(dist, 'runtimeProcess.js'), 'utf8'), /onnxruntime-node/);
  });

  it('stops a run that never ends (Loop of 2^62) at the timeout, and leaves no process or temp folder', async () => {
    const c = cli(['profile', endless, '--runs', '1', '--warmup', '0', '--timeout', '3'], tmp);
    const pids = await jobProcesses(c, 2);
    const r = await c.done;
    assert.equal(r.code, 124, r.stderr);
    assert.match(r.stderr, /endless\.onnx: stopped after 3 s.*--timeout/);
    await waitFor('job processes to end', () => pids.every((p) => !isAlive(p)), 30_000);
    await waitFor(tempFoldersGone, () => sysTmpEntries().length === 0, 30_000);
    console.log(`      timeout: CLI exited ${r.ms} ms after start (limit 3000 ms)`);
  });

  it('stops a run that never ends on Ctrl-C (SIGINT), exit 130, nothing left', async () => {
    const c = cli(['profile', endless, '--runs', '1', '--warmup', '0'], tmp);
    const pids = await jobProcesses(c, 2);
    await new Promise((r) => setTimeout(r, 500)); // inside onnxruntime's run by now
    const t0 = Date.now();
    c.child.kill('SIGINT');
    const r = await c.done;
    const stopMs = Date.now() - t0;
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /cancelled/);
    await waitFor('job processes to end', () => pids.every((p) => !isAlive(p)), 30_000);
    await waitFor(tempFoldersGone, () => sysTmpEntries().length === 0, 30_000);
    console.log(`      cancel: CLI exited ${stopMs} ms after SIGINT`);
  });

  for (const signal of ['SIGTERM', 'SIGKILL'] as const)
    it(`leaves no orphan when the CLI gets ${signal} in the middle of a run`, async () => {
      const c = cli(['profile', endless, '--runs', '1', '--warmup', '0'], tmp);
      const pids = await jobProcesses(c, 2);
      await new Promise((r) => setTimeout(r, 500));
      c.child.kill(signal);
      const r = await c.done;
      if (signal === 'SIGTERM') assert.equal(r.code, 143, r.stderr);
      // The command process and the runtime process below it notice their parent is gone, even while blocked
      // in onnxruntime's native run, and end; their temp folders go with them.
      await waitFor(`job processes to end after ${signal}`, () => pids.every((p) => !isAlive(p)), 30_000);
      await waitFor(tempFoldersGone, () => sysTmpEntries().length === 0, 30_000);
    });

  it('a command process killed after writing its output leaves no output behind and reports one line', async () => {
    const out = path.join(tmp, 'endless.int8.onnx');
    // optimize writes the int8 model, then compares it with the input: the comparison's run never ends.
    const c = cli(['optimize', endless, '--quantize', 'dynamic', '-o', out, '--runs', '1'], tmp);
    await waitFor('the output to be written', () => fs.existsSync(out), 30_000);
    const [commandProcess] = descendantsMatching(c.child.pid!, /commandProcess/);
    process.kill(commandProcess!, 'SIGKILL'); // as the OOM killer or a native abort would
    const r = await c.done;
    assert.equal(r.code, 2);
    assert.match(r.stderr, /endless\.onnx: .*(killed|crash)/);
    // One line for the failure; before it, at most the plain progress lines of a command that ran over a second.
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.filter((l) => !/^onnx-tuner optimize: [^/]*…$/.test(l)).length, 1, r.stderr);
    assert.equal(fs.existsSync(out), false, 'the half-verified output was left behind');
  });
});
