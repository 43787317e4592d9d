import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { main } from '../../src/cli/main';
import { readModel } from '../../src/engine/onnx/readModel';
import type { InspectReport } from '../../src/engine/report/inspectReport';
import { REPORT_SCHEMA_VERSION } from '../../src/engine/report/schemaVersion';
import { writeModel } from '../../src/engine/onnx/writeModel';
import { captureIO } from '../support/capture';
import { bertEncoder } from '../support/models';
import { realModelsOrSkip } from '../support/realModels';
import { makeTempDir, removeDir } from '../support/tmp';

async function inspectJson(file: string, ...extra: string[]): Promise<InspectReport> {
  const io = captureIO();
  const code = await main(['inspect', file, '--json', ...extra], io);
  assert.equal(code, 0, io.stderr.join('\n'));
  return JSON.parse(io.stdout.join('')) as InspectReport;
}

describe('onnx-tuner inspect', () => {
  let dir: string;
  before(() => (dir = makeTempDir()));
  after(() => removeDir(dir));

  it('reports I/O, op counts, parameters and FLOPs of a built encoder', async () => {
    const file = path.join(dir, 'bert.onnx');
    writeModel(bertEncoder({ layers: 2, hidden: 64, heads: 4, ffn: 256 }), file);
    const r = await inspectJson(file, '--dims', 'batch=1,seq=32');
    assert.equal(r.schemaVersion, REPORT_SCHEMA_VERSION);
    assert.equal(r.kind, 'inspect');
    assert.equal(r.irVersion, 8);
    assert.deepEqual(r.inputs, [{ name: 'hidden_states', dtype: 'float32', shape: [1, 32, 64] }]);
    assert.deepEqual(r.outputs, [{ name: 'last_hidden_state', dtype: 'float32', shape: [1, 32, 64] }]);
    assert.equal(r.opCounts.MatMul, 2 * 8); // 6 projections + 2 attention products per layer
    assert.equal(r.opCounts.LayerNormalization, 4);
    assert.equal(r.topByFlops.length, 10);
    assert.equal(r.topByFlops[0]!.op, 'MatMul');
    assert.deepEqual(r.dims, { applied: { batch: 1, seq: 32 }, open: [] });
    const fp32 = r.parameters.byDtype.float32!;
    assert.equal(fp32.bytes, fp32.count * 4);
    assert.ok(
      r.peakMemory.activationBytes > 0 && r.peakMemory.totalBytes === r.peakMemory.activationBytes + r.parameters.bytes,
    );
  });

  it('prints a readable summary', async () => {
    const file = path.join(dir, 'bert-text.onnx');
    writeModel(bertEncoder(), file);
    const io = captureIO();
    assert.equal(await main(['inspect', file], io), 0);
    const text = io.stdout.join('\n');
    assert.match(text, /hidden_states: float32 \[batch, seq, 64\]/);
    // Open dims get representative sizes, listed with their reasons (no silent 1s, no unknown costs).
    assert.match(text, /hidden_states\[1\]\s+seq\s+128\s+sequence-like name 'seq'/);
    assert.doesNotMatch(text, /open dims/);
    assert.match(text, /top nodes by FLOPs:/);
  });

  it('inspects every real model; node counts match what ORT loads', async function () {
    this.timeout(120_000);
    for (const m of realModelsOrSkip(this)) {
      const r = await inspectJson(m.file);
      const ours = readModel(m.file).proto.graph!.node!;
      assert.equal(r.nodeCount, ours.length);
      assert.ok(r.parameters.bytes > 0 && r.parameters.bytes <= m.bytes, m.name);
      // ORT, with optimizations disabled, saves the graph it built: main-graph Constant nodes become
      // initializers, and for fp16 models it inserts Casts around ops that have no fp16 CPU kernel (and drops
      // Casts it made redundant). Every other node must be there, under the same name.
      const saved = path.join(dir, `${m.name}.ort.onnx`);
      const s = await ort.InferenceSession.create(m.file, {
        graphOptimizationLevel: 'disabled',
        optimizedModelFilePath: saved,
      });
      await s.release();
      const theirs = readModel(saved).proto.graph!.node!;
      const theirNames = new Set(theirs.map((n) => n.name));
      const ourNames = new Set(ours.map((n) => n.name));
      const missing = ours.filter((n) => n.op_type !== 'Constant' && !theirNames.has(n.name));
      const added = theirs.filter((n) => !ourNames.has(n.name));
      assert.ok(
        missing.every((n) => n.op_type === 'Cast'),
        `${m.name}: ORT lacks ${missing
          .map((n) => n.name)
          .slice(0, 5)
          .join(', ')}`,
      );
      assert.ok(
        added.every((n) => n.op_type === 'Cast' && /^InsertedPrecisionFreeCast_/.test(n.name ?? '')),
        `${m.name}: ORT added ${added
          .map((n) => n.name)
          .slice(0, 5)
          .join(', ')}`,
      );
      assert.equal(theirs.length, r.nodeCount - r.constantNodeCount - missing.length + added.length, m.name);
      fs.rmSync(saved);
    }
  });
});
