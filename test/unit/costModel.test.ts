import { strict as assert } from 'node:assert';
import { costModel } from '../../src/engine/graph/costModel';
import { inferShapes } from '../../src/engine/graph/shapeInference';
import type { ModelProto } from '../../src/engine/onnx/types';
import { GraphBuilder } from '../support/onnxBuilder';
import { bertEncoder } from '../support/models';

function costOf(model: ModelProto, dims: Record<string, number> = {}) {
  return costModel(inferShapes(model, { dims }));
}
const node = (c: ReturnType<typeof costOf>, name: string) => c.nodes.find((n) => n.name === name)!;
const zeros = (n: number): Float32Array => new Float32Array(n);

describe('cost model (checked against hand computations)', () => {
  it('Conv: MACs = N·Cout·Hout·Wout·Cin·kH·kW, FLOPs = 2·MACs + bias', () => {
    const g = new GraphBuilder();
    g.input('x', [2, 16, 56, 56]);
    g.init('w', [32, 16, 3, 3], zeros(32 * 16 * 9));
    g.init('b', [32], zeros(32));
    g.node('Conv', ['x', 'w', 'b'], ['y'], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, 'conv');
    g.output('y');
    const c = node(costOf(g.model()), 'conv');
    const hout = Math.floor((56 + 2 - 3) / 2) + 1; // 28
    const macs = 2 * 32 * hout * hout * 16 * 3 * 3;
    assert.equal(c.macs, macs);
    assert.equal(c.flops, 2 * macs + 2 * 32 * hout * hout);
    assert.equal(c.paramBytes, (32 * 16 * 9 + 32) * 4);
    assert.equal(c.outputBytes, 2 * 32 * hout * hout * 4);
  });

  it('depthwise Conv: group = C counts one input channel per output channel', () => {
    const g = new GraphBuilder();
    g.input('x', [1, 64, 32, 32]);
    g.init('w', [64, 1, 3, 3], zeros(64 * 9));
    g.node('Conv', ['x', 'w'], ['y'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], group: 64 }, 'dw');
    g.output('y');
    const c = node(costOf(g.model()), 'dw');
    assert.equal(c.macs, 64 * 32 * 32 * 9);
    assert.equal(c.flops, 2 * 64 * 32 * 32 * 9);
  });

  it('Gemm with transB and MatMul with batch dims', () => {
    const g = new GraphBuilder();
    g.input('a', [8, 512]);
    g.init('w', [1000, 512], zeros(1000 * 512));
    g.init('c', [1000], zeros(1000));
    g.node('Gemm', ['a', 'w', 'c'], ['y'], { transB: 1 }, 'gemm');
    g.input('q', [4, 12, 128, 64]);
    g.input('k', [4, 12, 64, 128]);
    g.node('MatMul', ['q', 'k'], ['s'], {}, 'qk');
    g.output('y');
    g.output('s');
    const c = costOf(g.model());
    assert.equal(node(c, 'gemm').macs, 8 * 1000 * 512);
    assert.equal(node(c, 'gemm').flops, 2 * 8 * 1000 * 512 + 8 * 1000);
    assert.equal(node(c, 'qk').macs, 4 * 12 * 128 * 128 * 64);
  });

  it('a transformer block: the sum of its matrix products, computed by hand', () => {
    const [b, s, h, f, heads] = [1, 128, 64, 256, 4];
    const c = costOf(bertEncoder({ layers: 1, hidden: h, heads, ffn: f }), { batch: b, seq: s });
    // Q, K, V and output projections: 4·(b·s·h·h); scores and context: 2·(b·heads·s·s·h/heads); FFN: 2·(b·s·h·f).
    const expected = 4 * b * s * h * h + 2 * b * heads * s * s * (h / heads) + 2 * b * s * h * f;
    const matmulMacs = c.nodes.filter((n) => n.op === 'MatMul').reduce((sum, n) => sum + (n.macs ?? 0), 0);
    assert.equal(matmulMacs, expected);
    assert.equal(c.totals.macs, expected);
    assert.equal(c.totals.unknownCostNodes, 0);
    // Parameters: 4 projections (h·h + h), FFN (h·f + f) + (f·h + h), 2 LayerNorms (2h each), plus small constants.
    const weights = 4 * (h * h + h) + (h * f + f) + (f * h + h) + 2 * 2 * h;
    const small = 4 + 3 + 4 * 1; // heads_shape (4 int64), merge_shape (3 int64), four fp32 scalars
    assert.equal(c.totals.paramCount, weights + small);
  });

  it('peak memory follows tensor liveness', () => {
    // x[1000] → a = Relu(x) → b = Relu(a) → c = Add(a, b): a is alive until Add, so the peak is x + a + b + c.
    const g = new GraphBuilder();
    g.input('x', [1000]);
    g.node('Relu', ['x'], ['a'], {}, 'r1');
    g.node('Relu', ['a'], ['b'], {}, 'r2');
    g.node('Add', ['a', 'b'], ['c'], {}, 'add');
    g.node('Relu', ['c'], ['d'], {}, 'r3');
    g.output('d');
    const p = costOf(g.model()).peak;
    assert.equal(p.activationBytes, 4 * 4000);
    assert.equal(p.atNode, 'add');
    assert.equal(p.unknownSizes, 0);
  });
});
