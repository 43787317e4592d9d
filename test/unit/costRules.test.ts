/**
 * Shape and cost rules for the ops that left transformer and detection exports without costs (ScatterND,
 * GatherND, GatherElements, Einsum, com.microsoft FusedMatMul/MatMulNBits/Attention, QLinear ops) and for Loop
 * bodies: each inferred shape is checked against the shape onnxruntime produces, each cost against a hand count.
 */
import { strict as assert } from 'node:assert';
import * as ort from 'onnxruntime-node';
import { costModel, formatCoverage } from '../../src/engine/graph/costModel';
import { inferShapes } from '../../src/engine/graph/shapeInference';
import { DataType, type ModelProto } from '../../src/engine/onnx/types';
import { float, GraphBuilder } from '../support/onnxBuilder';
import { ortShapes, zeroFloats } from '../support/ortRun';

const costOf = (m: ModelProto) => costModel(inferShapes(m));
const nodeCost = (m: ModelProto, name: string) => costOf(m).nodes.find((n) => n.name === name)!;
const inferred = (m: ModelProto, value: string) => inferShapes(m).main.types.get(value)?.shape;

describe('cost rules for indexing, Einsum, contrib and QLinear ops, and Loop bodies', function () {
  this.timeout(60_000);

  it('ScatterND keeps the data shape, so the MatMul after it is costed (Swin-style window shift)', async () => {
    const g = new GraphBuilder();
    g.input('x', [1, 8, 16]);
    g.init('idx', [2, 1], [0, 0], DataType.INT64);
    g.init('upd', [2, 8, 16], new Float32Array(2 * 8 * 16));
    g.node('ScatterND', ['x', 'idx', 'upd'], ['s'], {}, 'scatter');
    g.init('w', [16, 32], new Float32Array(16 * 32));
    g.node('MatMul', ['s', 'w'], ['y'], {}, 'proj');
    g.output('y');
    const m = g.model(17);
    assert.deepEqual(inferred(m, 's'), [1, 8, 16]);
    assert.deepEqual((await ortShapes(m, { x: zeroFloats([1, 8, 16]) }))['y'], inferred(m, 'y'));
    assert.equal(nodeCost(m, 'proj').macs, 1 * 8 * 16 * 32);
    assert.equal(costOf(m).totals.unknownCostNodes, 0);
  });

  it('GatherND and GatherElements: the spec shapes, as onnxruntime computes them', async () => {
    const g = new GraphBuilder();
    g.input('data', [2, 3, 4]);
    g.init('nd', [2, 2], [0, 1, 1, 2], DataType.INT64);
    g.node('GatherND', ['data', 'nd'], ['picked'], {}, 'gather_nd');
    g.init('el', [2, 3, 1], new Array(6).fill(0), DataType.INT64);
    g.node('GatherElements', ['data', 'el'], ['elements'], { axis: 2 }, 'gather_el');
    g.output('picked');
    g.output('elements');
    const m = g.model(17);
    const ref = await ortShapes(m, { data: zeroFloats([2, 3, 4]) });
    assert.deepEqual(inferred(m, 'picked'), [...ref['picked']!]);
    assert.deepEqual(inferred(m, 'elements'), [...ref['elements']!]);
  });

  it('Einsum: output shape from the equation (explicit, implicit, ellipsis), MACs = product of all letter sizes', async () => {
    const g = new GraphBuilder();
    g.input('a', [2, 3, 4]);
    g.input('b', [2, 4, 5]);
    g.node('Einsum', ['a', 'b'], ['c'], { equation: 'bij,bjk->bik' }, 'bmm');
    g.node('Einsum', ['a'], ['t'], { equation: '...ij->...ji' }, 'transpose');
    g.node('Einsum', ['a', 'a'], ['o'], { equation: 'bij,bij' }, 'implicit');
    g.output('c');
    g.output('t');
    g.output('o');
    const m = g.model(17);
    const ref = await ortShapes(m, { a: zeroFloats([2, 3, 4]), b: zeroFloats([2, 4, 5]) });
    for (const v of ['c', 't', 'o']) assert.deepEqual(inferred(m, v), [...ref[v]!], v);
    assert.equal(nodeCost(m, 'bmm').macs, 2 * 3 * 4 * 5);
    assert.equal(nodeCost(m, 'bmm').flops, 2 * 2 * 3 * 4 * 5);
  });

  it('com.microsoft FusedMatMul (transB) and MatMulNBits: shapes and MACs', async () => {
    const g = new GraphBuilder();
    g.input('x', [3, 8]);
    g.init('w', [16, 8], new Float32Array(16 * 8));
    g.node('FusedMatMul', ['x', 'w'], ['y'], { transB: 1, alpha: float(1) }, 'fused', 'com.microsoft');
    g.output('y');
    const m = g.model(17, 8, { 'com.microsoft': 1 });
    assert.deepEqual(inferred(m, 'y'), [...(await ortShapes(m, { x: zeroFloats([3, 8]) }))['y']!]);
    assert.equal(nodeCost(m, 'fused').macs, 3 * 16 * 8);

    const n = new GraphBuilder();
    n.input('x', [2, 64]);
    n.init('bq', [32, 2, 16], new Array(32 * 2 * 16).fill(0), DataType.UINT8);
    n.init('scales', [64], new Float32Array(64));
    n.node(
      'MatMulNBits',
      ['x', 'bq', 'scales'],
      ['y'],
      { K: 64, N: 32, bits: 4, block_size: 32 },
      'nbits',
      'com.microsoft',
    );
    n.output('y');
    const q = n.model(17, 8, { 'com.microsoft': 1 });
    assert.deepEqual(inferred(q, 'y'), [...(await ortShapes(q, { x: zeroFloats([2, 64]) }))['y']!]);
    assert.equal(nodeCost(q, 'nbits').macs, 2 * 32 * 64);
  });

  it('QLinearMatMul of an already-quantized model: shape and MACs', async () => {
    const g = new GraphBuilder();
    g.input('x', [4, 8], DataType.UINT8);
    g.init('xs', [], [0.1]);
    g.init('xz', [], [128], DataType.UINT8);
    g.init('w', [8, 6], new Array(48).fill(1), DataType.UINT8);
    g.init('ws', [], [0.1]);
    g.init('wz', [], [0], DataType.UINT8);
    g.init('ys', [], [0.2]);
    g.init('yz', [], [128], DataType.UINT8);
    g.node('QLinearMatMul', ['x', 'xs', 'xz', 'w', 'ws', 'wz', 'ys', 'yz'], ['y'], {}, 'qmm');
    g.output('y', undefined, DataType.UINT8);
    const m = g.model(17);
    const x = new ort.Tensor('uint8', new Uint8Array(32), [4, 8]);
    assert.deepEqual(inferred(m, 'y'), [...(await ortShapes(m, { x }))['y']!]);
    assert.equal(nodeCost(m, 'qmm').macs, 4 * 6 * 8);
  });

  it('a Loop with a constant trip count costs its body that many times', () => {
    const body = new GraphBuilder('body');
    body.input('i', [], DataType.INT64);
    body.input('cond_in', [], DataType.BOOL);
    body.input('h_in', [1, 16]);
    body.init('w', [16, 16], new Float32Array(256));
    body.node('MatMul', ['h_in', 'w'], ['h_out'], {}, 'step');
    body.node('Identity', ['cond_in'], ['cond_out']);
    body.output('cond_out', [], DataType.BOOL);
    body.output('h_out', [1, 16]);
    const g = new GraphBuilder();
    g.input('x', [1, 16]);
    g.init('trips', [], [5], DataType.INT64);
    g.node('Loop', ['trips', '', 'x'], ['y'], { body: body.graph() }, 'loop');
    g.output('y', [1, 16]);
    const c = costOf(g.model(17));
    assert.equal(c.totals.macs, 5 * 16 * 16);
  });

  it('the coverage line counts nodes and parameters of unknown cost', () => {
    const g = new GraphBuilder();
    g.input('x', [1, 16]);
    g.init('w', [16, 16], new Float32Array(256));
    g.node('MatMul', ['x', 'w'], ['h'], {}, 'known');
    g.init('v', [16, 48], new Float32Array(16 * 48));
    g.node('Mystery', ['h', 'v'], ['y'], {}, 'unknown', 'example.custom');
    g.output('y');
    const c = costOf(g.model(17, 8, { 'example.custom': 1 }));
    assert.deepEqual(c.totals.coverage, { nodes: 2, knownNodes: 1, paramShare: 256 / (256 + 768) });
    assert.equal(formatCoverage(c.totals.coverage), 'cost known for 1 of 2 nodes (25.0% of the parameters)');
  });
});
