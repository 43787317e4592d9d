import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { writeModel } from '../../src/engine/onnx/writeModel';
import { captureIO } from '../support/capture';
import { bertEncoder } from '../support/models';
import { makeTempDir, removeDir } from '../support/tmp';

const sha = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

async function waitFor(file: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!fs.existsSync(file)) {
    if (Date.now() > end) throw new Error(`${file} did not appear`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('no data loss', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => (dir = makeTempDir()));
  afterEach(() => removeDir(dir));

  it('a writer killed mid-write (SIGKILL) leaves no file under the final name', async () => {
    const out = path.join(dir, 'result.onnx');
    const child = spawn(
      process.execPath,
      ['--require', 'tsx/cjs', path.join(__dirname, '..', 'support', 'slowWriter.ts'), out],
      { stdio: 'ignore' },
    );
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_c, s) => r(s)));
    await waitFor(`${out}.halfway`, 30_000);
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    assert.equal(fs.existsSync(out), false, 'no partial file under the final name');
    const partial = fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'));
    assert.equal(partial.length, 1, 'the partial data sat in a temporary file');
  });

  it('every CLI command leaves its input byte-identical', async () => {
    const model = path.join(dir, 'enc.onnx');
    writeModel(bertEncoder({ layers: 1, hidden: 32, heads: 2, ffn: 64 }), model);
    const before = sha(model);
    const dims = ['--dims', 'batch=1,seq=8'];
    const runs: string[][] = [
      ['inspect', model, ...dims],
      ['profile', model, ...dims, '--runs', '2', '--warmup', '1', '--json'],
      ['optimize', model, '--quantize', 'dynamic', ...dims, '-o', path.join(dir, 'enc.int8.onnx')],
      ['optimize', model, '--simplify', ...dims, '-o', path.join(dir, 'enc.simple.onnx')],
      ['compare', model, path.join(dir, 'enc.int8.onnx'), ...dims, '--json'],
      ['advise', model, ...dims, '--json'],
      ['sweep', model, ...dims, '--threads', '1', '--batch', '1,2', '--runs', '2', '--json'],
    ];
    for (const argv of runs) {
      const io = captureIO();
      const code = await main(argv, io);
      assert.equal(code, 0, `${argv[0]}: ${io.stderr.join('\n')}`);
      assert.equal(sha(model), before, `${argv.join(' ')} changed its input`);
    }
    // And a second optimize to the same output name refuses rather than overwrite.
    const io = captureIO();
    const again = await main(
      ['optimize', model, '--quantize', 'dynamic', ...dims, '-o', path.join(dir, 'enc.int8.onnx')],
      io,
    );
    assert.notEqual(again, 0);
    assert.equal(sha(model), before);
  });
});
