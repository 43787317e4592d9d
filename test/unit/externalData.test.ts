import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModelError } from '../../src/engine/onnx/errors';
import { readExternalTensor } from '../../src/engine/onnx/externalData';
import { readModel } from '../../src/engine/onnx/readModel';
import { DataLocation, type ModelProto } from '../../src/engine/onnx/types';
import { modelToBuffer, writeModel } from '../../src/engine/onnx/writeModel';
import { tinyCnn } from '../support/models';
import { createSession, feedsFor, runRaw } from '../support/ortRun';
import { makeTempDir, removeDir } from '../support/tmp';

/** tinyCnn with its conv1 weight pointing at `location` (offset 0, the weight's length). */
function withLocation(location: string): ModelProto {
  const m = tinyCnn();
  const w = m.graph!.initializer!.find((t) => t.name === 'conv1.w')!;
  const ext = {
    ...w,
    raw_data: undefined,
    data_location: DataLocation.EXTERNAL,
    external_data: [
      { key: 'location', value: location },
      { key: 'offset', value: '0' },
      { key: 'length', value: String(w.raw_data!.length) },
    ],
  };
  return { ...m, graph: { ...m.graph, initializer: m.graph!.initializer!.map((t) => (t === w ? ext : t)) } };
}

describe('external data', () => {
  let dir: string;
  beforeEach(() => (dir = makeTempDir()));
  afterEach(() => removeDir(dir));

  it('saves weights to a data file that ORT loads with identical outputs', async () => {
    const model = tinyCnn();
    const inline = path.join(dir, 'inline.onnx');
    const ext = path.join(dir, 'ext.onnx');
    writeModel(model, inline);
    const res = writeModel(model, ext, { externalThreshold: 100 });
    assert.ok(res.dataFile && fs.statSync(res.dataFile).size >= 100);
    assert.ok(fs.statSync(ext).size < fs.statSync(inline).size / 2, 'weights moved out of the model file');
    const loaded = readModel(ext);
    assert.ok(loaded.externalBytes > 0);
    const a = await createSession(inline);
    const b = await createSession(ext);
    const feeds = feedsFor(a, { shapes: { input: [1, 3, 32, 32] } });
    assert.deepEqual(await runRaw(b, feeds), await runRaw(a, feeds));
  });

  it('copies external tensors of a source model into the new file', async () => {
    const src = path.join(dir, 'src.onnx');
    writeModel(tinyCnn(), src, { externalThreshold: 100 });
    const sub = path.join(dir, 'out');
    fs.mkdirSync(sub);
    const copy = writeModel(readModel(src).proto, path.join(sub, 'copy.onnx'), { sourceFile: src });
    assert.ok(copy.dataFile?.startsWith(sub));
    const w = readModel(copy.file).proto.graph!.initializer!.find((t) => t.name === 'conv1.w')!;
    const orig = tinyCnn().graph!.initializer!.find((t) => t.name === 'conv1.w')!;
    assert.deepEqual(Buffer.from(readExternalTensor(w, copy.file)), Buffer.from(orig.raw_data!));
  });

  const refusals: [string, (dir: string) => string][] = [
    ['an absolute path', () => '/etc/passwd'],
    ['a parent-folder path', () => '../secret.bin'],
    [
      'a symlink out of the folder',
      (d) => {
        const outside = path.join(path.dirname(d), `outside-${path.basename(d)}.bin`);
        fs.writeFileSync(outside, Buffer.alloc(4096));
        fs.symlinkSync(outside, path.join(d, 'link.bin'));
        return 'link.bin';
      },
    ],
  ];
  for (const [what, location] of refusals) {
    it(`refuses ${what}`, () => {
      const file = path.join(dir, 'evil.onnx');
      fs.writeFileSync(file, modelToBuffer(withLocation(location(dir))));
      assert.throws(
        () => readModel(file),
        (e: unknown) => e instanceof ModelError && e.code === 'unsafe-path' && /conv1\.w/.test(e.message),
      );
    });
  }

  it('names the tensor when the data file is missing or short', () => {
    const file = path.join(dir, 'm.onnx');
    fs.writeFileSync(file, modelToBuffer(withLocation('weights.bin')));
    assert.throws(
      () => readModel(file),
      (e: unknown) => e instanceof ModelError && e.code === 'external-data' && /conv1\.w.*not found/.test(e.message),
    );
    fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.alloc(10));
    assert.throws(
      () => readModel(file),
      (e: unknown) => e instanceof ModelError && /conv1\.w.*has only 10/.test(e.message),
    );
  });

  it('never overwrites an existing file or the input unless asked', () => {
    const file = path.join(dir, 'a.onnx');
    writeModel(tinyCnn(), file);
    const before = fs.readFileSync(file);
    assert.throws(() => writeModel(tinyCnn(), file), /already exists/);
    assert.throws(() => writeModel(tinyCnn(), file, { sourceFile: file, overwrite: true }), /input model/);
    assert.deepEqual(fs.readFileSync(file), before);
    assert.deepEqual(fs.readdirSync(dir), ['a.onnx'], 'no temporary files left behind');
  });
});
