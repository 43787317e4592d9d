/**
 * Exit codes and verdict lines of `onnx-tuner optimize`, in cases decided by accuracy or size, never by
 * speed: `--runs 0` skips timing (so no verdict hangs on a noisy clock), `--min-cosine 1.01` no model can
 * reach, and a 90% magnitude prune that wrecks the outputs.
 */
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { readModel } from '../../src/engine/onnx/readModel';
import { writeModel } from '../../src/engine/onnx/writeModel';
import { captureIO } from '../support/capture';
import { mlp } from '../support/models';
import { makeTempDir, removeDir } from '../support/tmp';

const sha = (f: string): string => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');

describe('CLI optimize: verdict and exit codes', () => {
  let dir: string;
  let model: string;
  let hash: string;
  beforeEach(() => {
    dir = makeTempDir();
    model = path.join(dir, 'mlp.onnx');
    writeModel(mlp(256, 512, 10, 2), model);
    hash = sha(model);
  });
  afterEach(() => {
    assert.equal(sha(model), hash, 'the input model changed');
    removeDir(dir);
  });
  const files = (): string[] => fs.readdirSync(dir).sort();

  it('automatic: keeps the smaller int8 model that passes the gate (exit 0, verdict first)', async () => {
    const io = captureIO();
    assert.equal(await main(['optimize', model, '--runs', '0'], io), 0, io.stderr.join('\n'));
    const out = io.stdout.join('\n');
    assert.match(io.stdout[0]!, /^verdict: dynamic int8: 0\.\d\d× size, min cosine 0\.99\d+ — kept$/);
    assert.match(out, /simplify .*not kept: not smaller \(speed not measured\)/);
    assert.deepEqual(files(), ['mlp.int8.onnx', 'mlp.onnx']);
    const q = readModel(path.join(dir, 'mlp.int8.onnx'));
    assert.ok(q.proto.graph!.node!.some((n) => n.op_type === 'MatMulInteger'));
    // Independent size check: the written file is under 0.3× the original.
    assert.ok(q.fileBytes < 0.3 * fs.statSync(model).size, `${q.fileBytes}`);
  });

  it('automatic: nothing passes the gate → exit 3, no file, each candidate with its measured reason', async () => {
    const io = captureIO();
    assert.equal(await main(['optimize', model, '--runs', '0', '--min-cosine', '1.01'], io), 3);
    assert.match(io.stdout[0]!, /^verdict: nothing improved the model .*— no file written$/);
    assert.match(
      io.stdout.join('\n'),
      /dynamic int8 +0\.\d\d× size, min cosine 0\.99\d+ — not kept: min cosine .* < 1\.01/,
    );
    assert.deepEqual(files(), ['mlp.onnx']);
  });

  it('explicit but worse: written, exit 0, first line says WORSE; --min-cosine turns it into exit 3', async () => {
    const io = captureIO();
    const args = ['optimize', model, '--prune', 'magnitude:0.95', '--runs', '0'];
    assert.equal(await main(args, io), 0, io.stderr.join('\n'));
    assert.match(io.stdout[0]!, /^verdict: WORSE than the original: min cosine 0\.\d+ < 0\.99 .*— written as asked/);
    assert.deepEqual(files(), ['mlp.onnx', 'mlp.pruned.onnx']);

    const refused = captureIO();
    const out = path.join(dir, 'refused.onnx');
    assert.equal(await main([...args, '--min-cosine', '0.99', '-o', out], refused), 3);
    assert.match(refused.stdout[0]!, /^verdict: .* — not kept: min cosine 0\.\d+ < 0\.99/);
    assert.match(refused.stdout.join('\n'), /no file written/);
    assert.ok(!fs.existsSync(out));
  });

  it('explicit and accurate, but --min-cosine above what int8 reaches: exit 3; JSON says output null', async () => {
    const io = captureIO();
    const code = await main(
      ['optimize', model, '--quantize', 'dynamic', '--runs', '0', '--min-cosine', '1.01', '--json'],
      io,
    );
    assert.equal(code, 3);
    const j = JSON.parse(io.stdout.join('\n')) as {
      output: string | null;
      verdict: { write: boolean; exitCode: number };
    };
    assert.equal(j.output, null);
    assert.deepEqual([j.verdict.write, j.verdict.exitCode], [false, 3]);
    assert.deepEqual(files(), ['mlp.onnx']);
  });

  it('--html carries the verdict and the localized error', async () => {
    const html = path.join(dir, 'report.html');
    const io = captureIO();
    const code = await main(
      ['optimize', model, '--quantize', 'dynamic', '--runs', '0', '--html', html, '--localize', '2'],
      io,
    );
    assert.equal(code, 0, io.stderr.join('\n'));
    const page = fs.readFileSync(html, 'utf8');
    assert.match(page, /Verdict: 0\.\d\d× size, min cosine 0\.99\d+ — kept/);
    assert.match(page, /Nodes ranked by the error each adds/);
  });

  it('bad input: exit 2 (missing file, bad --min-cosine, --require-faster without the comparison)', async () => {
    assert.equal(await main(['optimize', path.join(dir, 'missing.onnx')], captureIO()), 2);
    assert.equal(await main(['optimize', model, '--min-cosine', 'abc', '--runs', '0'], captureIO()), 2);
    assert.equal(await main(['optimize', model, '--no-compare'], captureIO()), 2);
    const io = captureIO();
    assert.equal(await main(['optimize', model, '--quantize', 'dynamic', '--no-compare', '--require-faster'], io), 2);
    assert.deepEqual(files(), ['mlp.onnx']);
  });
});
