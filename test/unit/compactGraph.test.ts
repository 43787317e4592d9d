import * as assert from 'node:assert/strict';
import { compactGraph, scopeOf } from '../../src/engine/graph/compactGraph';
import { inferShapes } from '../../src/engine/graph/shapeInference';
import { readModel } from '../../src/engine/onnx/readModel';
import { bertEncoder, tinyCnn } from '../support/models';
import { realModelOrSkip } from '../support/realModels';

describe('compactGraph', () => {
  it('splits name scopes on / and drops the leaf', () => {
    assert.deepEqual(scopeOf('/encoder/layer.3/attention/MatMul'), ['encoder', 'layer.3', 'attention']);
    assert.deepEqual(scopeOf('Conv_0'), []);
    assert.deepEqual(scopeOf('a//b/'), ['a']);
  });

  it('has one edge per consumed produced tensor and no weights', () => {
    const model = bertEncoder({ layers: 2, hidden: 16, heads: 2, ffn: 32 });
    const g = compactGraph(model);
    const nodes = model.graph!.node!;
    assert.equal(g.nodes.length, nodes.length);
    // Independent count: for each node input, is there another node producing it?
    const produced = new Set(nodes.flatMap((n) => n.output ?? []));
    const expected = nodes.reduce((s, n) => s + (n.input ?? []).filter((t) => t && produced.has(t)).length, 0);
    assert.equal(g.edges.length, expected);
    for (const e of g.edges) assert.ok(g.nodes[e.from]!.outputs.includes(e.tensor));
    for (const e of g.edges) assert.ok(g.nodes[e.to]!.inputs.includes(e.tensor));
    const json = JSON.stringify(g);
    assert.ok(!json.includes('raw_data') && !json.includes('float_data'));
    // Initializer dims are reported as tensor types; the weight values are not.
    const w = model.graph!.initializer![0]!;
    assert.deepEqual(g.tensors[w.name!]!.shape, w.dims!.map(Number));
  });

  it('fills intermediate shapes from shape inference when given', () => {
    const model = tinyCnn();
    const plain = compactGraph(model);
    const shapes = inferShapes(model, { dims: { batch: 1 } });
    const withShapes = compactGraph(model, shapes.main.types);
    const mid = plain.nodes[0]!.outputs[0]!;
    assert.equal(plain.tensors[mid], undefined);
    const vt = shapes.main.types.get(mid)!;
    assert.deepEqual(withShapes.tensors[mid]!.shape, vt.shape);
  });

  it('describes ppocr-det with every node and output reachable', function () {
    const m = readModel(realModelOrSkip(this, 'ppocr-det').file);
    const g = compactGraph(m.proto);
    assert.equal(g.nodes.length, m.proto.graph!.node!.length);
    assert.ok(g.edges.length >= g.nodes.length - 1);
    assert.ok(g.inputs.length >= 1 && g.outputs.length >= 1);
  });
});
