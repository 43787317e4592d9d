/**
 * `onnx-tuner optimize --simplify --prune ...` in-process: a new file is written (the input untouched), it
 * re-parses, runs in onnxruntime with the same output shape, and its Convs have fewer channels.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { toSessionOptions } from '../../src/engine/runtime/sessionOptions';
import { main } from '../../src/cli/main';
import { tensorDims } from '../../src/engine/graph/tensorData';
import { readModel } from '../../src/engine/onnx/readModel';
import { writeModel } from '../../src/engine/onnx/writeModel';
import { captureIO } from '../support/capture';
import { randomNormal } from '../support/random';
import { resnetModel } from '../support/resnetModel';
import { makeTempDir, removeDir } from '../support/tmp';

describe('optimize CLI: --simplify and --prune', function () {
  this.timeout(60_000);
  let dir = '';
  beforeEach(() => (dir = makeTempDir()));
  afterEach(() => removeDir(dir));

  const convWidths = (file: string): number[] => {
    const m = readModel(file).proto;
    const init = new Map((m.graph!.initializer ?? []).map((t) => [t.name, t]));
    return m.graph!.node!.filter((n) => n.op_type === 'Conv').map((n) => tensorDims(init.get(n.input![1]!)!)[0]!);
  };

  it('simplifies then prunes 30% of channels into a new, valid file', async () => {
    const src = path.join(dir, 'resnet.onnx');
    writeModel(resnetModel({ size: 32 }).model, src);
    const before = fs.readFileSync(src);
    const out = path.join(dir, 'pruned.onnx');
    const io = captureIO();
    const rc = await main(['optimize', src, '--simplify', '--prune', 'structured:0.3', '-o', out, '--no-compare'], io);
    assert.equal(rc, 0, io.stderr.join('\n'));
    assert.match(io.stdout.join('\n'), /simplify: .*\nprune:structured: .*removed/);
    assert.ok(fs.readFileSync(src).equals(before), 'input untouched');
    const m = readModel(out).proto;
    assert.ok(!m.graph!.node!.some((n) => n.op_type === 'BatchNormalization'), 'BN folded by --simplify');
    const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
    assert.ok(sum(convWidths(out)) < 0.8 * sum(convWidths(src)));
    const s = await ort.InferenceSession.create(out, toSessionOptions({ intraOpThreads: 1 }));
    const y = await s.run({ input: new ort.Tensor('float32', randomNormal(3 * 32 * 32, 1, 1), [1, 3, 32, 32]) });
    assert.deepEqual(y.logits!.dims, [1, 10]);
    await s.release();
  });

  it('limits pruning with --layers and rejects a bad --prune spec with exit 2', async () => {
    const src = path.join(dir, 'resnet.onnx');
    writeModel(resnetModel({ size: 32 }).model, src);
    const out = path.join(dir, 'one.onnx');
    const ok = await main(
      ['optimize', src, '--prune', 'structured:0.5', '--layers', '^layer3\\.1\\.conv1$', '-o', out, '--no-compare'],
      captureIO(),
    );
    assert.equal(ok, 0);
    const changed = convWidths(out)
      .map((w, i) => [w, convWidths(src)[i]!])
      .filter(([a, b]) => a !== b);
    assert.deepEqual(changed, [[64, 128]], 'only layer3.1.conv1 lost channels');
    const io = captureIO();
    const bad = await main(['optimize', src, '--prune', 'channels:0.3', '-o', path.join(dir, 'x.onnx')], io);
    assert.equal(bad, 2);
    assert.match(io.stderr.join('\n'), /structured:RATIO or magnitude:RATIO/);
    assert.ok(!fs.existsSync(path.join(dir, 'x.onnx')), 'no partial output');
  });
});
