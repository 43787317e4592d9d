import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { encodeMessage } from '../../src/engine/onnx/codec';
import { ModelError } from '../../src/engine/onnx/errors';
import { readModel } from '../../src/engine/onnx/readModel';
import { modelToBuffer } from '../../src/engine/onnx/writeModel';
import { captureIO } from '../support/capture';
import { mlp } from '../support/models';
import { seededRandom } from '../support/random';
import { makeTempDir, removeDir } from '../support/tmp';

describe('bad model input', () => {
  let dir: string;
  const files: Record<string, string> = {};
  before(() => {
    dir = makeTempDir();
    const good = modelToBuffer(mlp());
    const rnd = seededRandom(3);
    const write = (name: string, bytes: Uint8Array): void => {
      files[name] = path.join(dir, name);
      fs.writeFileSync(files[name], bytes);
    };
    write('empty.onnx', new Uint8Array());
    write(
      'random.onnx',
      Uint8Array.from({ length: 4096 }, () => Math.floor(rnd() * 256)),
    );
    write('truncated.onnx', good.subarray(0, Math.floor(good.length / 2)));
    // A valid protobuf of another kind: an OperatorSetIdProto is not a model.
    write('other.onnx', Buffer.concat(encodeMessage('OperatorSetIdProto', { domain: 'x', version: 1 }).finish()));
    // Decodes as a ModelProto but carries no graph.
    write('nograph.onnx', Buffer.concat(encodeMessage('ModelProto', { ir_version: 8, producer_name: 'x' }).finish()));
    write('future-ir.onnx', modelToBuffer({ ...mlp(), ir_version: 99 }));
    files['missing.onnx'] = path.join(dir, 'missing.onnx');
  });
  after(() => removeDir(dir));

  const expected: Record<string, [ModelError['code'], RegExp]> = {
    'missing.onnx': ['not-found', /no such file/],
    'empty.onnx': ['empty', /empty/],
    'random.onnx': ['not-onnx', /not an ONNX model/],
    'truncated.onnx': [
      'truncated',
      /truncated: a field that starts at byte [\d,]+ runs past the end of the file \([\d,]+ bytes\)/,
    ],
    'other.onnx': ['not-onnx', /not an ONNX model: ModelProto\.ir_version has wire type 2/],
    'nograph.onnx': ['not-onnx', /not an ONNX model: no graph/],
    'future-ir.onnx': ['unsupported-ir', /unsupported IR version 99/],
  };

  for (const [name, [code, pattern]] of Object.entries(expected)) {
    it(`${name}: typed error naming the file`, () => {
      assert.throws(
        () => readModel(files[name]!),
        (e: unknown) =>
          e instanceof ModelError && e.code === code && pattern.test(e.message) && e.message.includes(files[name]!),
      );
    });

    it(`${name}: CLI prints one line, exit 2, no stack trace`, async () => {
      const io = captureIO();
      const code = await main(['inspect', files[name]!], io);
      assert.equal(code, 2);
      assert.equal(io.stderr.length, 1);
      const line = io.stderr[0]!;
      assert.equal(line.split('\n').length, 1, line);
      assert.match(line, pattern);
      assert.ok(line.includes(files[name]!), 'names the file');
      assert.doesNotMatch(line, /\bat .*\(.*:\d+:\d+\)/, 'no stack frames');
    });
  }

  it('--verbose adds the stack', async () => {
    const io = captureIO();
    assert.equal(await main(['inspect', files['random.onnx']!, '--verbose'], io), 2);
    assert.ok(io.stderr.length >= 2 && /at /.test(io.stderr[1]!));
  });

  it('the built CLI exits 2 on random bytes without hanging', function () {
    const cli = path.join(__dirname, '..', '..', 'dist', 'cli.js');
    if (!fs.existsSync(cli)) this.skip();
    const r = spawnSync(process.execPath, [cli, 'inspect', files['random.onnx']!], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });
});
