import * as assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { attrInt } from '../../src/engine/graph/attributes';
import { tensorNumbers } from '../../src/engine/graph/tensorData';
import { DataType } from '../../src/engine/onnx/types';
import { modelToBuffer } from '../../src/engine/onnx/writeModel';
import { quantizeInt4 } from '../../src/engine/transform/quantize/int4';
import { compare } from '../../src/engine/verify/compare';
import { bertEncoder, mlp } from '../support/models';
import { randomNormal } from '../support/random';

describe('int4 weight-only (MatMulNBits)', () => {
  for (const symmetric of [true, false])
    it(`ORT's MatMulNBits equals A · dequant(B) recomputed by hand (${symmetric ? 'symmetric' : 'asymmetric'})`, async () => {
      const model = mlp(64, 128, 10, 2);
      const r = quantizeInt4(model, { blockSize: 32, symmetric });
      const node = r.model.graph!.node!.find((n) => n.name === 'fc1_MatMulNBits')!;
      assert.equal(node.domain, 'com.microsoft');
      assert.deepEqual(
        [attrInt(node, 'K', 0), attrInt(node, 'N', 0), attrInt(node, 'bits', 0), attrInt(node, 'block_size', 0)],
        [64, 128, 4, 32],
      );
      const inits = new Map(r.model.graph!.initializer!.map((t) => [t.name!, t]));
      const packed = tensorNumbers(inits.get(node.input![1]!)!)!;
      const scales = tensorNumbers(inits.get(node.input![2]!)!)!;
      const zps = node.input![3] ? tensorNumbers(inits.get(node.input![3])!)! : undefined;
      assert.equal(node.input!.length, symmetric ? 3 : 4);
      // Dequantize by hand from the spec: B[n, block, byte], low nibble = even k; zero points packed the same way.
      const w = new Float64Array(64 * 128);
      for (let n = 0; n < 128; n++)
        for (let k = 0; k < 64; k++) {
          const b = k >> 5;
          const byte = packed[(n * 2 + b) * 16 + ((k % 32) >> 1)]!;
          const code = k % 2 ? byte >> 4 : byte & 15;
          const zpByte = zps ? zps[n] : 0x88;
          const zp = b % 2 ? zpByte! >> 4 : zpByte! & 15;
          w[k * 128 + n] = (code - zp) * scales[n * 2 + b]!;
        }
      const orig = tensorNumbers(model.graph!.initializer!.find((t) => t.name === 'w1')!)!;
      for (let i = 0; i < w.length; i++) {
        const s = scales[(i % 128) * 2 + (Math.floor(i / 128) >> 5)]!;
        assert.ok(Math.abs(w[i]! - orig[i]!) <= s / 2 + 1e-7, `element ${i}`);
      }
      // Run only the first MatMulNBits: expose its output.
      const probe = {
        ...r.model,
        graph: {
          ...r.model.graph!,
          output: [
            ...r.model.graph!.output!,
            { name: node.output![0]!, type: { tensor_type: { elem_type: DataType.FLOAT } } },
          ],
        },
      };
      const s = await ort.InferenceSession.create(modelToBuffer(probe));
      const x = randomNormal(2 * 64, 1, 5);
      const y = (await s.run({ x: new ort.Tensor('float32', x, [2, 64]) }))[node.output![0]!]!.data as Float32Array;
      for (let r0 = 0; r0 < 2; r0++)
        for (let n = 0; n < 128; n++) {
          let acc = 0;
          for (let k = 0; k < 64; k++) acc += x[r0 * 64 + k]! * w[k * 128 + n]!;
          assert.ok(
            Math.abs(acc - y[r0 * 128 + n]!) < 1e-3 * (1 + Math.abs(acc)),
            `y[${r0},${n}] ${y[r0 * 128 + n]} vs ${acc}`,
          );
        }
      await s.release();
    });

  it('encoder: MatMul weight bytes ≤ 0.2× for block sizes 32/64/128, and it runs', async () => {
    const model = bertEncoder({ layers: 1, hidden: 128, heads: 4, ffn: 512 });
    for (const blockSize of [32, 64, 128]) {
      const r = quantizeInt4(model, { blockSize });
      const w = r.changes.filter((c) => c.kind === 'weight');
      assert.equal(w.length, 6);
      const ratio = w.reduce((s, c) => s + c.bytesAfter!, 0) / w.reduce((s, c) => s + c.bytesBefore!, 0);
      assert.ok(ratio <= 0.2, `block ${blockSize}: ${ratio}`);
      const rep = await compare(model, r.model, { dims: { batch: 1, seq: 8 }, latencyRuns: 0 });
      assert.ok(rep.outputs[0]!.cosine >= 0.97, `cosine ${rep.outputs[0]!.cosine}`);
    }
  });
});
