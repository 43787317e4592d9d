import * as assert from 'node:assert/strict';
import { compactGraph } from '../../src/engine/graph/compactGraph';
import { int64ToNumber } from '../../src/engine/onnx/int64';
import { readModel } from '../../src/engine/onnx/readModel';
import { DataType } from '../../src/engine/onnx/types';
import { GraphBuilder } from '../support/onnxBuilder';
import { realModelOrSkip } from '../support/realModels';

/** x → Conv(W from a Constant node, B an initializer) → MatMul(Identity of an initializer) → Transpose → y. */
function foldable() {
  const g = new GraphBuilder('fold');
  const x = g.input('x', [1, 3, 8, 8]);
  const w = g.constant('conv.w', [4, 3, 3, 3], new Float32Array(108));
  const b = g.init('conv.b', [4], new Float32Array(4));
  const c = g.op('Conv', [x, w, b], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], group: 1 }, 'conv');
  const m = g.init('fc.w', [4, 5], new Float32Array(20));
  const tied = g.op('Identity', [m], {}, 'tie');
  const r = g.op('MatMul', [c, tied], {}, 'fc');
  const t = g.op('Transpose', [r], { perm: [0, 1, 3, 2] }, 'tr');
  const k = g.constant('kept', [2], new Float32Array(2)); // a graph output: keeps its box
  g.output(t);
  g.output(k, [2]);
  return g.model();
}

describe('folded weights and key attributes in the compact graph', () => {
  it('folds Constant and Identity-of-weight nodes into their consumers as named rows with shapes', () => {
    const g = compactGraph(foldable());
    const byName = new Map(g.nodes.map((n) => [n.name, n]));
    assert.equal(byName.get('conv.w_const')!.folded, true);
    assert.equal(byName.get('tie')!.folded, true);
    assert.equal(byName.get('kept_const')!.folded, undefined, 'a graph output is not folded away');
    const conv = byName.get('conv')!;
    assert.deepEqual(conv.weights, [
      { slot: 'W', tensor: 'conv.w' },
      { slot: 'B', tensor: 'conv.b' },
    ]);
    assert.deepEqual(g.tensors['conv.w']!.shape, [4, 3, 3, 3], 'the Constant value gives the row its shape');
    assert.deepEqual(g.tensors['conv.b']!.shape, [4]);
    const fc = byName.get('fc')!;
    assert.deepEqual(fc.weights, [{ slot: 'B', tensor: byName.get('tie')!.outputs[0] }]);
    assert.deepEqual(g.tensors[fc.weights![0]!.tensor]!.shape, [4, 5], 'Identity passes its weight shape on');
    // Every node stays in the graph (ids, details, profile names are unchanged); only the drawing differs.
    assert.equal(g.nodes.length, 6);
  });

  it('lists the key attributes with defaults left out', () => {
    const g = compactGraph(foldable());
    const byName = new Map(g.nodes.map((n) => [n.name, n]));
    assert.deepEqual(byName.get('conv')!.attrs, [
      { name: 'kernel_shape', value: '3×3' },
      { name: 'strides', value: '2×2' },
      { name: 'pads', value: '1,1,1,1' },
    ]);
    assert.deepEqual(byName.get('tr')!.attrs, [{ name: 'perm', value: '0,1,3,2' }]);
    assert.equal(byName.get('fc')!.attrs, undefined);
  });

  it('names the target dtype of a Cast of a weight', () => {
    const g = new GraphBuilder('cast');
    const x = g.input('x', [2, 4], DataType.FLOAT16);
    const w = g.init('w16', [4, 3], new Float32Array(12));
    const w32 = g.op('Cast', [w], { to: DataType.FLOAT16 }, 'cast_w');
    g.output(g.op('MatMul', [x, w32], {}, 'mm'));
    const cg = compactGraph(g.model());
    const mm = cg.nodes.find((n) => n.name === 'mm')!;
    assert.equal(cg.nodes.find((n) => n.name === 'cast_w')!.folded, true);
    assert.deepEqual(cg.tensors[mm.weights![0]!.tensor], { name: w32, dtype: 'float16', shape: [4, 3] });
  });

  it('draws ppocr-det in at most 340 boxes, with every Conv weight row carrying its Constant shape', function () {
    const proto = readModel(realModelOrSkip(this, 'ppocr-det').file).proto;
    const g = compactGraph(proto);
    const boxes = g.nodes.filter((n) => !n.folded).length;
    assert.ok(boxes <= 340, `${boxes} boxes`);
    // Independent of the folding code: the Constant node that produces each Conv's W, read from the proto.
    const constDims = new Map<string, number[]>();
    for (const n of proto.graph!.node!)
      if (n.op_type === 'Constant') {
        const t = n.attribute!.find((a) => a.name === 'value')?.t;
        if (t) constDims.set(n.output![0]!, (t.dims ?? []).map(int64ToNumber));
      }
    const convs = proto.graph!.node!.filter((n) => n.op_type === 'Conv');
    assert.ok(convs.length > 50);
    for (const conv of convs) {
      const node = g.nodes.find((n) => n.name === conv.name)!;
      const w = node.weights?.find((r) => r.slot === 'W');
      assert.ok(w, `${conv.name} has a W row`);
      assert.deepEqual(g.tensors[w.tensor]!.shape, constDims.get(conv.input![1]!));
      assert.ok(node.attrs?.some((a) => a.name === 'kernel_shape'));
    }
  });
});
