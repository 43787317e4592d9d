/**
 * Tied weights (one initializer read directly and through an Identity alias, as exporters write shared
 * embedding/projection matrices) are one tensor everywhere: float16 conversion writes one copy, inspect
 * counts the parameters once, and neither the activation table nor the peak-memory estimate lists the alias.
 */
import * as assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { DataType, type ModelProto } from '../../src/engine/onnx/types';
import { modelToBuffer } from '../../src/engine/onnx/writeModel';
import { buildInspectReport } from '../../src/engine/report/inspectReport';
import { convertToFp16 } from '../../src/engine/transform/quantize/fp16';
import { GraphBuilder } from '../support/onnxBuilder';

const H = 256;

function tiedModel(): ModelProto {
  const g = new GraphBuilder();
  g.input('x', [1, H]);
  g.init(
    'W',
    [H, H],
    Array.from({ length: H * H }, (_, i) => Math.sin(i) / H),
  );
  g.node('Identity', ['W'], ['W_tied'], {}, 'tie');
  g.node('MatMul', ['x', 'W'], ['h'], {}, 'encode');
  g.node('Relu', ['h'], ['r'], {}, 'relu');
  g.node('MatMul', ['r', 'W_tied'], ['y'], {}, 'decode');
  g.output('y');
  return g.model(17);
}

describe('tied weights are one tensor', () => {
  it('float16 writes one copy: half the file, and onnxruntime runs it', async () => {
    const m = tiedModel();
    const r = convertToFp16(m);
    const halves = (r.model.graph?.initializer ?? []).filter((t) => t.data_type === DataType.FLOAT16);
    assert.equal(halves.length, 1, halves.map((t) => t.name).join(', '));
    const ratio = modelToBuffer(r.model).length / modelToBuffer(m).length;
    assert.ok(ratio < 0.55, `file ratio ${ratio.toFixed(3)} (was 1.0 with a copy per alias)`);
    const weightChanges = r.changes.filter((c) => c.kind === 'weight');
    assert.equal(weightChanges.length, 1, 'the size report counts the tensor once');
    const s = await ort.InferenceSession.create(modelToBuffer(r.model), { logSeverityLevel: 3 });
    try {
      const out = await s.run({ x: new ort.Tensor('float32', new Float32Array(H).fill(0.5), [1, H]) });
      assert.deepEqual([...out['y']!.dims], [1, H]);
    } finally {
      await s.release();
    }
  });

  it('inspect counts the parameters once and never lists the alias as an activation', () => {
    const m = tiedModel();
    const bytes = modelToBuffer(m);
    const report = buildInspectReport({ file: 'tied.onnx', fileBytes: bytes.length, proto: m, externalBytes: 0 });
    assert.equal(report.parameters.count, H * H);
    assert.ok(
      report.topByActivation.every((n) => n.name !== 'tie' || n.outputBytes === 0),
      report.topByActivation.map((n) => `${n.name} ${n.outputBytes}`).join(', '),
    );
    // Activations are a few [1, 256] float vectors (1 KB each); the alias would add the 256 KB weight.
    assert.ok(report.peakMemory.activationBytes < 16 * 1024, `peak ${report.peakMemory.activationBytes} B`);
  });
});
