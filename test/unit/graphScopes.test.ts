/**
 * The graph view's first view of a big model with name scopes (webview/view/visibleGraph.ts): a handful of
 * meaningful groups — the model's parts — instead of hundreds of units, and still everything on a small model.
 */
import * as assert from 'node:assert/strict';
import type { CompactGraph, CompactNode } from '../../src/protocol/webviewProtocol';
import { expandGroup, INITIAL_UNITS, initialExpanded, visibleGraph } from '../../webview/view/visibleGraph';
import { syntheticGraph } from '../webview/support/syntheticGraph';

/** A Swin-T-shaped export: /features/features.S/features.S.B/{norm1,attn,norm2,mlp}/Op, then norm and head. */
function swinLike(): CompactGraph {
  const nodes: CompactNode[] = [];
  const add = (scope: string[], op: string): void => {
    const id = nodes.length;
    const prev = id ? [`t${id - 1}`] : ['x'];
    nodes.push({ id, name: `/${[...scope, `${op}_${id}`].join('/')}`, op, inputs: prev, outputs: [`t${id}`], scope });
  };
  const depths = [1, 2, 2, 6, 2, 2, 2, 2];
  depths.forEach((blocks, s) => {
    for (let b = 0; b < blocks; b++)
      for (const part of ['norm1', 'attn', 'norm2', 'mlp'])
        for (const op of ['MatMul', 'Add', 'Reshape', 'Transpose', 'Softmax', 'Mul'])
          add(['features', `features.${s}`, `features.${s}.${b}`, part], op);
  });
  for (const op of ['LayerNormalization', 'Transpose']) add(['norm'], op);
  for (const op of ['ReduceMean', 'Flatten', 'Gemm']) add(['head'], op);
  const edges = nodes.slice(1).map((n) => ({ from: n.id - 1, to: n.id, tensor: n.inputs[0]! }));
  return {
    name: 'swin',
    nodes,
    edges,
    inputs: [{ name: 'x' }],
    outputs: [{ name: `t${nodes.length - 1}` }],
    tensors: {},
  };
}

describe('graph view: name-scope groups of the first view', () => {
  it('a Swin-T-like export opens as a handful of its parts, not hundreds of units', () => {
    const graph = swinLike();
    const view = visibleGraph(graph, initialExpanded(graph, 400));
    const units = view.units.length;
    assert.ok(units >= 8 && units <= 3 * INITIAL_UNITS, `${units} units for ${graph.nodes.length} nodes`);
    const labels = view.units.map((u) => u.label);
    // The stages are shown (open or as groups), and the small tail parts are not lost in them.
    for (let s = 0; s < 8; s++)
      assert.ok(
        labels.some((l) => l === `features/features.${s}` || l.startsWith(`features/features.${s}/`)),
        `stage ${s}: ${labels.join(', ')}`,
      );
    const keys = view.units.map((u) => u.key);
    assert.ok(keys.some((k) => /^\/?norm\b/.test(k)) && keys.some((k) => /^\/?head\b/.test(k)), keys.join(', '));
  });

  it('a graph at or under the limit shows every node', () => {
    const graph = syntheticGraph(300);
    assert.equal(visibleGraph(graph, initialExpanded(graph, 400)).units.length, 300);
  });

  it('a 10k-node encoder still opens its one top group (never a single box) and stays under the limit', () => {
    const graph = syntheticGraph(10_000);
    const units = visibleGraph(graph, initialExpanded(graph, 1500)).units.length;
    assert.ok(units > 1 && units <= 1500, `${units}`);
  });

  it('opening a group that holds a single group opens through to what is inside', () => {
    const graph = syntheticGraph(10_000); // the last layer (10 nodes) holds only an attention group
    const expanded = initialExpanded(graph, 1500);
    const before = visibleGraph(graph, expanded).units.length;
    expandGroup(graph, expanded, 'encoder/layer.333');
    assert.ok(expanded.has('encoder/layer.333/attention'));
    assert.equal(visibleGraph(graph, expanded).units.length, before + 9, 'the 10 nodes replace the group');
  });
});
