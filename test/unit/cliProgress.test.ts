/**
 * CLI progress: a line rewritten in place on a terminal, one plain line per step elsewhere, nothing for a
 * command that ends within a second, and never mixed into stdout.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { ProgressView, progressMode, progressText, type ProgressSink } from '../../src/cli/progress';
import { writeModel } from '../../src/engine/onnx/writeModel';
import { captureIO } from '../support/capture';
import { endlessLoopModel } from '../support/hostileModels';
import { tinyCnn } from '../support/models';

const ESC = '\x1b';
const CLEAR = `\r${ESC}[2K`;

function recorder(columns?: number): ProgressSink & { lines: string[]; raws: string[] } {
  const lines: string[] = [];
  const raws: string[] = [];
  return { lines, raws, line: (t) => lines.push(t), raw: (t) => raws.push(t), ...(columns ? { columns } : {}) };
}

describe('CLI progress', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-progress-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('chooses the mode from the terminal unless ONNX_TUNER_PROGRESS names one', () => {
    assert.equal(progressMode(undefined, true), 'line');
    assert.equal(progressMode(undefined, false), 'plain');
    assert.equal(progressMode('off', true), 'off');
    assert.equal(progressMode('line', false), 'line');
    assert.equal(progressMode('bogus', false), 'plain');
    assert.equal(progressText({ phase: 'measuring', done: 3, total: 12 }), 'measuring 3/12 (25%)');
    assert.equal(progressText({ phase: 'reading the model', done: 0, total: 0 }), 'reading the model');
  });

  it('on a terminal: redraws one line in place, shortened in the middle to the width, and clears it', () => {
    const wide = recorder(80);
    const view = new ProgressView('line', 'onnx-tuner profile', wide, 0);
    view.update({ phase: 'measuring', done: 1, total: 4 });
    view.clear();
    view.end();
    assert.deepEqual(wide.lines, [], 'nothing written as a line');
    assert.deepEqual(wide.raws, [`${CLEAR}onnx-tuner profile · measuring 1/4 (25%) · 0 s`, CLEAR]);
    const sink = recorder(40);
    const narrow = new ProgressView('line', 'onnx-tuner profile', sink, 0);
    narrow.update({ phase: 'a-very-long-step-name-that-cannot-fit-in-forty-columns', done: 2, total: 4 });
    narrow.end();
    const long = sink.raws[0]!.slice(CLEAR.length);
    assert.equal(long.length, 39, long);
    assert.match(long, /^onnx-tuner profile .*….* 2\/4 \(50%\) · 0 s$/, 'both ends kept');
    assert.equal(sink.raws.at(-1), CLEAR, 'cleared before other output');
  });

  it('elsewhere: one plain line per step, not per update; nothing when off or before the delay', async () => {
    const sink = recorder();
    const view = new ProgressView('plain', 'onnx-tuner optimize', sink, 0);
    for (const p of [
      { phase: 'reading the model', done: 0, total: 0 },
      { phase: 'measuring', done: 1, total: 3 },
      { phase: 'measuring', done: 2, total: 3 },
      { phase: 'writing the model', done: 0, total: 0 },
    ])
      view.update(p);
    view.end();
    assert.deepEqual(sink.lines, [
      'onnx-tuner optimize: reading the model…',
      'onnx-tuner optimize: measuring…',
      'onnx-tuner optimize: writing the model…',
    ]);
    assert.deepEqual(sink.raws, []);
    const off = recorder();
    const quiet = new ProgressView('off', 'x', off, 0);
    quiet.update({ phase: 'step', done: 0, total: 0 });
    assert.deepEqual([...off.lines, ...off.raws], []);
    // A command that ends before the delay shows nothing; one still running at the delay shows its step then.
    const early = recorder();
    const delayed = new ProgressView('plain', 'x', early, 200);
    delayed.update({ phase: 'quick', done: 0, total: 0 });
    delayed.end();
    const late = recorder();
    const slow = new ProgressView('plain', 'x', late, 200);
    slow.update({ phase: 'first', done: 0, total: 0 });
    slow.update({ phase: 'second', done: 0, total: 0 });
    await new Promise((r) => setTimeout(r, 400));
    slow.end();
    assert.deepEqual(early.lines, []);
    assert.deepEqual(late.lines, ['x: second…'], 'the step current at the delay, once');
  });

  it('profile through the CLI: plain lines on stderr, in-place line on a terminal, stdout untouched', async () => {
    const file = writeModel(tinyCnn(), path.join(dir, 'tiny.onnx')).file;
    const plain = captureIO('plain');
    assert.equal(await main(['profile', file, '--runs', '2', '--warmup', '1'], plain), 0, plain.stderr.join('\n'));
    assert.deepEqual(plain.stderr, [
      'onnx-tuner profile: loading the model…',
      'onnx-tuner profile: warming up…',
      'onnx-tuner profile: measuring…',
    ]);
    assert.ok(
      !/…/.test(plain.stdout.join('')) && !plain.stdout.join('').includes(ESC),
      'progress never reaches stdout',
    );
    assert.match(plain.stdout.join(''), /p50 ms/);
    const tty = captureIO('line');
    assert.equal(await main(['profile', file, '--runs', '2', '--warmup', '1', '--json'], tty), 0);
    assert.deepEqual(tty.stderr, []);
    const drawn = tty.rawText.join('');
    // Rounds, not session runs, each phase against its own count: the one warm-up round of --warmup 1, then
    // the two measured ones of --runs 2 (not "measuring 3/3": 1000 runs read "/1005" that way).
    assert.match(drawn, /onnx-tuner profile · warming up 0\/1 \(0%\)/);
    assert.match(drawn, /onnx-tuner profile · measuring 2\/2 \(100%\)/);
    assert.doesNotMatch(drawn, /warming up [23]\/|measuring \d+\/3/);
    assert.equal(tty.rawText.at(-1), CLEAR, 'the line is gone when the command ends');
    JSON.parse(tty.stdout.join(''));
  });

  it('the built CLI in a pipe: quiet for a quick command, a plain step line for one that runs on', async function () {
    const cli = path.join(__dirname, '..', '..', 'dist', 'cli.js');
    if (!fs.existsSync(cli)) this.skip(); // npm test builds first
    const run = (args: string[]): Promise<{ code: number | null; stderr: string }> =>
      new Promise((resolve) => {
        const env = { ...process.env };
        delete env['ONNX_TUNER_PROGRESS'];
        const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (code) => resolve({ code, stderr }));
      });
    const small = path.join(dir, 'tiny.onnx');
    const quick = await run(['inspect', small]);
    assert.equal(quick.code, 0, quick.stderr);
    assert.equal(quick.stderr, '', 'a command done within a second prints no progress');
    const endless = path.join(dir, 'endless.onnx');
    writeModel(endlessLoopModel(), endless);
    const slow = await run(['profile', endless, '--runs', '1', '--warmup', '0', '--timeout', '3']);
    assert.equal(slow.code, 124, slow.stderr);
    const lines = slow.stderr.trim().split('\n');
    assert.match(lines[0]!, /^onnx-tuner profile: (loading the model|measuring)…$/);
    assert.ok(!slow.stderr.includes(ESC) && !slow.stderr.includes('\r'), 'no terminal codes in a pipe');
    assert.match(lines.at(-1)!, /stopped after 3 s/);
  });
});
