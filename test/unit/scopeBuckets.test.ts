/**
 * A scope with hundreds of sibling groups opens as a handful of range groups (issue 19: the 334-layer
 * synthetic encoder opened to 334 layer boxes), on scopes alone and through the compact graph of a model.
 */
import * as assert from 'node:assert/strict';
import { compactGraph } from '../../src/engine/graph/compactGraph';
import { BUCKETS, bucketWideScopes, MAX_SIBLING_GROUPS } from '../../src/engine/graph/scopeBuckets';
import { initialExpanded, visibleGraph } from '../../webview/view/visibleGraph';
import { GraphBuilder } from '../support/onnxBuilder';

describe('range groups for wide name scopes', () => {
  it('334 sibling layers become 16 ranges in natural order; narrow scopes are left alone', () => {
    const scopes = Array.from({ length: 334 }, (_, i) => ['encoder', `layer.${i}`, 'attention']);
    scopes.push(['head']);
    const out = bucketWideScopes(scopes);
    const ranges = new Set(out.slice(0, 334).map((s) => s[1]));
    assert.equal(ranges.size, BUCKETS);
    assert.deepEqual(out[0], ['encoder', 'layer.0 … layer.20', 'layer.0', 'attention']);
    assert.deepEqual(out[21], ['encoder', 'layer.21 … layer.41', 'layer.21', 'attention']);
    assert.deepEqual(out[333], ['encoder', 'layer.315 … layer.333', 'layer.333', 'attention']);
    assert.deepEqual(out[334], ['head']);
    const narrow = Array.from({ length: MAX_SIBLING_GROUPS }, (_, i) => ['blocks', `b${i}`]);
    assert.deepEqual(bucketWideScopes(narrow), narrow);
  });

  it('a 100-layer model opens to a handful of units, among them range groups', () => {
    const g = new GraphBuilder('wide');
    let x = g.input('x', [1, 8]);
    g.init('w', [8, 8], new Float32Array(64));
    for (let i = 0; i < 100; i++)
      x = g.op('Relu', [g.op('MatMul', [x, 'w'], {}, `/encoder/layer.${i}/MatMul`)], {}, `/encoder/layer.${i}/Relu`);
    g.output(x, [1, 8]);
    const graph = compactGraph(g.model());
    const units = visibleGraph(graph, initialExpanded(graph, 150)).units;
    assert.ok(units.length >= 8 && units.length <= 40, `${units.length} units`);
    assert.ok(
      units.some((u) => u.label.includes('layer.0 … layer.6')),
      units.map((u) => u.label).join(', '),
    );
    // Names are untouched: search and reveal still find `/encoder/layer.42/MatMul`.
    assert.ok(graph.nodes.some((n) => n.name === '/encoder/layer.42/MatMul'));
  });
});
