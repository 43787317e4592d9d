import { strict as assert } from 'node:assert';
import { readModel } from '../../src/engine/onnx/readModel';
import { runProfile } from '../../src/engine/profile/runProfile';
import { buildInspectReport } from '../../src/engine/report/inspectReport';
import { RuntimeClient } from '../../src/engine/runtime/runtimeClient';
import { LARGE_DIM, writeLargeModel } from '../support/largeModel';
import { makeTempDir, removeDir } from '../support/tmp';

describe('a model over 2 GB (external data)', () => {
  let dir: string;
  before(() => (dir = makeTempDir()));
  after(() => removeDir(dir));

  it('is read and inspected without loading its weights', () => {
    const { file, weightBytes } = writeLargeModel(dir);
    assert.ok(weightBytes > 2 ** 31, 'the weights pass the protobuf limit');
    const before = process.memoryUsage();
    const loaded = readModel(file);
    const report = buildInspectReport(loaded, { dims: { batch: 4 } });
    const after = process.memoryUsage();
    assert.equal(loaded.externalBytes, weightBytes);
    assert.equal(report.parameters.bytes, weightBytes);
    assert.equal(report.totals.macs, 3 * 4 * LARGE_DIM * LARGE_DIM);
    // Weights stay on disk: the heap and buffers grow by far less than one weight (1 GiB).
    const grown = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
    assert.ok(grown < 64 * 2 ** 20, `memory grew by ${grown} bytes`);
  });
});

describe('a model over 2 GB (external data), profiled', () => {
  let dir: string;
  before(() => (dir = makeTempDir()));
  after(() => removeDir(dir));

  it('runs in the runtime process; the weights never enter this process', async function () {
    this.timeout(180_000);
    const { file, weightBytes } = writeLargeModel(dir);
    const client = new RuntimeClient();
    const before = process.memoryUsage();
    try {
      const report = await runProfile(client, {
        model: file,
        settings: { optimizationLevel: 'disabled', intraOpThreads: 2 },
        feeds: { shapes: { x: [1, LARGE_DIM] } },
        runs: 1,
        warmup: 0,
        plain: false,
      });
      const after = process.memoryUsage();
      assert.deepEqual(report.nodes.map((n) => n.name).sort(), ['mm0', 'mm1', 'mm2']);
      assert.ok(report.nodes.every((n) => n.p50Ms > 0));
      const grown = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
      assert.ok(grown < 64 * 2 ** 20, `this process grew by ${grown} bytes for ${weightBytes} bytes of weights`);
    } finally {
      client.dispose();
    }
  });
});
