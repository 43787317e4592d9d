import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { DataType } from '../../src/engine/onnx/types';
import { writeModel } from '../../src/engine/onnx/writeModel';
import { RuntimeClient, RuntimeError } from '../../src/engine/runtime/runtimeClient';
import { mlp } from '../support/models';
import { GraphBuilder } from '../support/onnxBuilder';
import { makeTempDir, removeDir } from '../support/tmp';

/** A model that asks onnxruntime for `n` float32 elements at run time: ConstantOfShape([n]) then Add. */
function memoryHog(): GraphBuilder {
  const g = new GraphBuilder('hog');
  g.input('n', [1], DataType.INT64);
  const filled = g.op('ConstantOfShape', ['n'], {
    value: { name: 'v', dims: [1], data_type: DataType.FLOAT, raw_data: new Uint8Array(new Float32Array([1]).buffer) },
  });
  g.init('one', [], [1]);
  g.node('Add', [filled, 'one'], ['y'], {}, 'touch_every_page');
  g.output('y');
  return g;
}

describe('runtime process memory cap', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => (dir = makeTempDir()));
  after(() => removeDir(dir));

  it('stops a run that passes the cap with a clear error; the next request gets a fresh process', async () => {
    const hog = path.join(dir, 'hog.onnx');
    writeModel(memoryHog().model(17, 8), hog);
    const small = path.join(dir, 'mlp.onnx');
    writeModel(mlp(), small);
    const client = new RuntimeClient({ memoryCapBytes: 512 * 2 ** 20 });
    try {
      const { sessionId } = await client.request('load', { model: hog, settings: { intraOpThreads: 1 } });
      const firstPid = client.pid;
      // 1.5 G floats = 6 GB for ConstantOfShape's output, more for Add's: far past the 512 MB cap.
      const error = await client
        .request('run', { sessionId, feeds: { values: { n: 1.5e9 }, shapes: { n: [1] } } })
        .then(
          () => assert.fail('the run should have been stopped'),
          (e: unknown) => e as RuntimeError,
        );
      assert.ok(error instanceof RuntimeError);
      assert.equal(error.code, 'out-of-memory');
      assert.match(error.message, /memory cap of 512 MB/);
      const next = await client.request('load', { model: small, settings: {} });
      assert.ok(next.inputs.length === 1 && client.pid !== firstPid, 'a fresh process served the next request');
    } finally {
      client.dispose();
    }
  });
});
