import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { readModel } from '../../src/engine/onnx/readModel';
import { writeModel } from '../../src/engine/onnx/writeModel';
import { captureIO } from '../support/capture';
import { mlp } from '../support/models';
import { randomNormal } from '../support/random';
import { makeTempDir, removeDir } from '../support/tmp';

const sha = (f: string): string => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');

/** A .npy (format 1.0) of float32 values, written by hand from the NumPy format description. */
function npy(dims: number[], values: Float32Array): Buffer {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims.join(', ')}${dims.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const pre = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(pre);
  pre.writeUInt16LE(header.length, 8);
  return Buffer.concat([pre, Buffer.from(header, 'latin1'), Buffer.from(values.buffer)]);
}

describe('CLI: optimize and compare', () => {
  let dir: string;
  let model: string;
  beforeEach(() => {
    dir = makeTempDir();
    model = path.join(dir, 'mlp.onnx');
    writeModel(mlp(64, 128, 10, 2), model);
  });
  afterEach(() => removeDir(dir));

  it('writes MODEL.int8.onnx, leaves the input byte-identical, prints the comparison; never overwrites', async () => {
    const hash = sha(model);
    const io = captureIO();
    assert.equal(await main(['optimize', model, '--quantize', 'dynamic', '--runs', '2'], io), 0, io.stderr.join('\n'));
    const out = path.join(dir, 'mlp.int8.onnx');
    assert.ok(readModel(out).proto.graph!.node!.some((n) => n.op_type === 'MatMulInteger'));
    assert.equal(sha(model), hash);
    const text = io.stdout.join('\n');
    assert.match(text, /quantize:dynamic: .*2 replaced/);
    assert.match(text, /min cos/);
    // A second run picks a new name instead of overwriting.
    const outHash = sha(out);
    assert.equal(await main(['optimize', model, '--quantize', 'dynamic', '--no-compare'], captureIO()), 0);
    assert.ok(fs.existsSync(path.join(dir, 'mlp.int8.2.onnx')));
    assert.equal(sha(out), outHash);
    // An already-quantized model is reported, not quantized again, and no copy is written.
    const again = captureIO();
    assert.equal(await main(['optimize', out, '--quantize', 'dynamic'], again), 1);
    assert.match(again.stdout.join('\n'), /already quantized[\s\S]*no file written/);
    assert.ok(!fs.existsSync(path.join(dir, 'mlp.int8.int8.onnx')));
    // An explicit existing -o needs --force.
    const err = captureIO();
    assert.equal(await main(['optimize', model, '--quantize', 'fp16', '-o', out, '--no-compare'], err), 2);
    assert.match(err.stderr.join('\n'), /already exists/);
    assert.equal(sha(out), outHash);
    assert.equal(
      await main(['optimize', model, '--quantize', 'fp16', '-o', out, '--no-compare', '--force'], captureIO()),
      0,
    );
    assert.notEqual(sha(out), outHash);
    // Writing onto the input is refused.
    assert.equal(await main(['optimize', model, '--quantize', 'int4', '-o', model, '--force'], captureIO()), 2);
    assert.equal(sha(model), hash);
  });

  it('static mode reads calibration samples from .npy and .json files', async () => {
    const calib = path.join(dir, 'calib');
    fs.mkdirSync(calib);
    fs.writeFileSync(path.join(calib, 'a.npy'), npy([2, 64], randomNormal(128, 1, 1)));
    fs.writeFileSync(
      path.join(calib, 'b.json'),
      JSON.stringify({ x: { dims: [2, 64], data: Array.from(randomNormal(128, 1, 2)) } }),
    );
    const io = captureIO();
    const code = await main(
      ['optimize', model, '--quantize', 'static', '--per-channel', '--calib-inputs', calib, '--runs', '0', '--json'],
      io,
    );
    assert.equal(code, 0, io.stderr.join('\n'));
    const report = JSON.parse(io.stdout.join('\n')) as {
      output: string;
      steps: { changes: { detail: string }[] }[];
      comparison: { outputs: { cosine: number }[] };
    };
    assert.equal(report.output, path.join(dir, 'mlp.qdq.onnx'));
    assert.match(report.steps[0]!.changes[0]!.detail, /on 2 given samples/);
    // Few samples, so inputs outside their range clip: the check is that calibration used the files.
    assert.ok(report.comparison.outputs[0]!.cosine > 0.98, `cosine ${report.comparison.outputs[0]!.cosine}`);
  });

  it('compare prints JSON and writes an HTML report', async () => {
    const q = path.join(dir, 'q.onnx');
    assert.equal(await main(['optimize', model, '--quantize', 'int4', '-o', q, '--no-compare'], captureIO()), 0);
    const io = captureIO();
    const html = path.join(dir, 'report.html');
    assert.equal(
      await main(['compare', model, q, '--json', '--runs', '3', '--html', html], io),
      0,
      io.stderr.join('\n'),
    );
    const r = JSON.parse(io.stdout.join('\n')) as {
      size: { ratio: number };
      latency: { runs: number };
      nodes: { byOp: { op: string }[] };
    };
    assert.ok(r.size.ratio < 0.5);
    assert.equal(r.latency.runs, 3);
    assert.ok(r.nodes.byOp.some((d) => d.op === 'com.microsoft.MatMulNBits'));
    assert.match(fs.readFileSync(html, 'utf8'), /Comparison/);
    const text = captureIO();
    assert.equal(await main(['compare', model, q, '--runs', '0', '--localize', '3'], text), 0, text.stderr.join('\n'));
    const out = text.stdout.join('\n');
    assert.match(out, /nodes ranked by the error each adds itself/);
    assert.match(out, /fc[12] +MatMul +adds SNR/);
  });
});
