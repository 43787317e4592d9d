import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { ModelError } from '../../src/engine/onnx/errors';
import { readModel } from '../../src/engine/onnx/readModel';
import { checkOutputPath, sweepDeadTemps, writeOutputFile } from '../../src/engine/onnx/safeOutput';
import { DataLocation, type ModelProto } from '../../src/engine/onnx/types';
import { modelToBuffer, writeModel } from '../../src/engine/onnx/writeModel';
import { captureIO } from '../support/capture';
import { GraphBuilder } from '../support/onnxBuilder';
import { makeTempDir, removeDir } from '../support/tmp';

function smallModel(): ModelProto {
  const g = new GraphBuilder('small');
  const x = g.input('x', [1, 16]);
  const w = g.init(
    'w',
    [16, 16],
    Array.from({ length: 256 }, (_, i) => i / 256),
  );
  g.node('MatMul', [x, w], ['y']);
  g.output('y', [1, 16]);
  return g.model(17);
}

function rejects(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof ModelError && pattern.test(e.message));
}

describe('output safety', () => {
  let dir: string;
  let model: string;
  let original: Buffer;
  beforeEach(() => {
    dir = makeTempDir();
    model = path.join(dir, 'model.onnx');
    writeModel(smallModel(), model);
    original = fs.readFileSync(model);
  });
  afterEach(() => removeDir(dir));

  for (const command of ['profile', 'sweep'])
    it(`${command} --html onto the input model is refused, even with --force; the input is untouched`, async () => {
      for (const extra of [[], ['--force']]) {
        const io = captureIO();
        assert.equal(await main([command, model, '--html', model, ...extra], io), 2);
        assert.match(io.stderr.join('\n'), /refusing to overwrite the input model/);
        assert.deepEqual(fs.readFileSync(model), original);
      }
    });

  for (const command of ['profile', 'sweep'])
    it(`${command} --html onto an existing file is refused without --force (before any run)`, async () => {
      const existing = path.join(dir, 'notes.html');
      fs.writeFileSync(existing, 'mine');
      const io = captureIO();
      assert.equal(await main([command, model, '--html', existing], io), 2);
      assert.match(io.stderr.join('\n'), /already exists/);
      assert.equal(fs.readFileSync(existing, 'utf8'), 'mine');
    });

  it('-o through a symlinked folder cannot overwrite the input, even with --force', async () => {
    const link = path.join(dir, 'link');
    fs.symlinkSync(dir, link);
    rejects(
      () => writeModel(smallModel(), path.join(link, 'model.onnx'), { sourceFile: model, overwrite: true }),
      /refusing to overwrite the input model/,
    );
    const io = captureIO();
    const code = await main(
      ['optimize', model, '--simplify', '--no-compare', '-o', path.join(link, 'model.onnx'), '--force'],
      io,
    );
    assert.equal(code, 2, io.stdout.join('\n'));
    assert.deepEqual(fs.readFileSync(model), original);
  });

  it('a hard link to the input (same inode, other name) is refused', () => {
    const hard = path.join(dir, 'hard.onnx');
    fs.linkSync(model, hard);
    rejects(() => writeModel(smallModel(), hard, { sourceFile: model, overwrite: true }), /refusing to overwrite/);
    assert.deepEqual(fs.readFileSync(model), original);
  });

  it('the external-data sidecar is not written when the model file is refused', () => {
    const out = path.join(dir, 'out.onnx');
    fs.writeFileSync(out, 'existing');
    rejects(() => writeModel(smallModel(), out, { externalThreshold: 16 }), /already exists/);
    assert.equal(fs.existsSync(`${out}.data`), false);
    assert.equal(fs.readFileSync(out, 'utf8'), 'existing');
    // With room to write, both files appear and the model reads back whole.
    const ok = writeModel(smallModel(), path.join(dir, 'fresh.onnx'), { externalThreshold: 16 });
    assert.ok(ok.dataFile && fs.statSync(ok.dataFile).size >= 1024);
    assert.equal(readModel(ok.file).externalBytes, 1024);
  });

  it('temp files of a writer killed with -9 are swept on the next write; a live writer’s are kept', () => {
    // A child writes a temp file named with its pid, as writeOutputFile does, then dies by SIGKILL.
    const script = `require('fs').writeFileSync(require('path').join(${JSON.stringify(dir)}, '.out.onnx.' + process.pid + '.deadbeef.tmp'), 'x'); process.kill(process.pid, 'SIGKILL');`;
    const r = spawnSync(process.execPath, ['-e', script]);
    assert.equal(r.signal, 'SIGKILL');
    const dead = fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'));
    assert.equal(dead.length, 1);
    const live = path.join(dir, `.other.onnx.${process.pid}.cafef00d.tmp`);
    fs.writeFileSync(live, 'in progress');
    writeOutputFile(path.join(dir, 'report.html'), [Buffer.from('<p>')]);
    assert.deepEqual(
      fs.readdirSync(dir).filter((n) => n.endsWith('.tmp')),
      [path.basename(live)],
    );
    assert.deepEqual(sweepDeadTemps(dir), []);
  });

  it('special files: a FIFO is refused as a model, as external data and as an output', async function () {
    if (process.platform === 'win32') this.skip();
    const fifo = path.join(dir, 'pipe.onnx');
    execFileSync('mkfifo', [fifo]);
    rejects(() => readModel(fifo), /pipe.onnx: the model path is a FIFO/);
    const io = captureIO();
    assert.equal(await main(['inspect', fifo], io), 2);
    assert.match(io.stderr.join('\n'), /FIFO/);
    rejects(() => checkOutputPath(fifo, { overwrite: true }), /output path is a FIFO/);

    // A model whose weight lives in external data that is a FIFO: reading would block forever.
    execFileSync('mkfifo', [path.join(dir, 'w.data')]);
    const m = smallModel();
    const w = m.graph!.initializer![0]!;
    m.graph!.initializer![0] = {
      ...w,
      raw_data: undefined,
      data_location: DataLocation.EXTERNAL,
      external_data: [{ key: 'location', value: 'w.data' }],
    };
    const file = path.join(dir, 'ext.onnx');
    fs.writeFileSync(file, modelToBuffer(m));
    rejects(() => readModel(file), /external data 'w.data' is a FIFO/);
    const io2 = captureIO();
    assert.equal(await main(['optimize', file, '--simplify', '--no-compare'], io2), 2);
    assert.match(io2.stderr.join('\n'), /FIFO/);
  });
});
