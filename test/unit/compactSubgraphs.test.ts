import * as assert from 'node:assert/strict';
import { compactGraph } from '../../src/engine/graph/compactGraph';
import { buildGraphView } from '../../src/engine/graph/graphView';
import { readModel } from '../../src/engine/onnx/readModel';
import { forEachGraph } from '../../src/engine/onnx/walk';
import { ifModel } from '../support/models';
import { realModelOrSkip } from '../support/realModels';

describe('compact graph: If/Loop/Scan bodies as groups', () => {
  it("appends each branch's nodes under the owner's scope, wired to the outer values they read and to the owner", () => {
    const g = compactGraph(ifModel());
    const byName = new Map(g.nodes.map((n) => [n.name, n]));
    const [branch, thenMul, elseAdd] = ['branch', 'then_mul', 'else_add'].map((n) => byName.get(n)!);
    assert.deepEqual(thenMul!.scope, ['branch', 'then_branch']);
    assert.deepEqual(elseAdd!.scope, ['branch', 'else_branch']);
    assert.equal(thenMul!.subgraph, 'branch');
    assert.equal(branch!.subgraph, undefined);
    const edge = (from: string, to: string, tensor: string): boolean =>
      g.edges.some((e) => e.from === byName.get(from)!.id && e.to === byName.get(to)!.id && e.tensor === tensor);
    assert.ok(edge('two_const', 'then_mul', 'two'), 'outer Constant → body node');
    assert.ok(edge('share_one', 'else_add', 'one_shared'), 'outer Identity → body node');
    assert.ok(edge('then_mul', 'branch', 'then_out') && edge('else_add', 'branch', 'else_out'), 'body outputs → If');
    // Main-graph ids are the model's node indices; body nodes follow.
    assert.deepEqual(
      g.nodes.map((n) => n.id),
      g.nodes.map((_, i) => i),
    );
    assert.ok(thenMul!.id >= ifModel().graph!.node!.length);
  });

  it('describes every node of silero-vad-v5 (nested If bodies), details included', function () {
    const loaded = readModel(realModelOrSkip(this, 'silero-vad-v5').file);
    let all = 0;
    forEachGraph(loaded.proto.graph!, (g) => (all += g.node?.length ?? 0));
    const view = buildGraphView(loaded, { dims: { batch: 1 } });
    assert.equal(view.graph.nodes.length, all);
    assert.equal(view.details.length, all);
    view.details.forEach((d, i) => assert.equal(d.nodeId, i));
    const main = loaded.proto.graph!.node!.length;
    assert.ok(
      view.graph.nodes.slice(main).every((n) => n.subgraph),
      'every body node names its group',
    );
    for (const e of view.graph.edges) assert.ok(e.from < all && e.to < all && e.from !== e.to);
  });
});
