import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildGraphDiffView, withLatencyDeltas } from '../../src/engine/graph/diffGraphView';
import { readModel } from '../../src/engine/onnx/readModel';
import { writeModel } from '../../src/engine/onnx/writeModel';
import { diffCounts, matchNodes, type NodeMatching } from '../../src/engine/graph/graphDiff';
import { fp16Model } from '../support/graphDiffModels';
import type { ModelProto } from '../../src/engine/onnx/types';
import { quantizeDynamic } from '../../src/engine/transform/quantize/dynamic';
import { diffOpCounts } from '../../src/engine/verify/nodeDiff';
import { bertEncoder } from '../support/models';
import { resnetModel } from '../support/resnetModel';

/**
 * The matching agrees with the engine's op-count diff: for every op type, B's count minus A's equals the nodes
 * of that op added (or changed into it) minus those removed (or changed from it).
 */
function assertAgreesWithOpCounts(a: ModelProto, b: ModelProto, m: NodeMatching): void {
  const an = a.graph!.node!;
  const bn = b.graph!.node!;
  const delta = new Map<string, number>();
  const bump = (op: string, d: number): void => void delta.set(op, (delta.get(op) ?? 0) + d);
  m.aOfB.forEach((ia, ib) => {
    if (ia < 0) bump(bn[ib]!.op_type!, 1);
    else if (an[ia]!.op_type !== bn[ib]!.op_type) {
      bump(bn[ib]!.op_type!, 1);
      bump(an[ia]!.op_type!, -1);
    }
  });
  m.bOfA.forEach((ib, ia) => ib < 0 && bump(an[ia]!.op_type!, -1));
  const fromMatching = [...delta].filter(([, d]) => d !== 0).sort(([x], [y]) => (x < y ? -1 : 1));
  const engine = diffOpCounts(a, b).map((d) => [d.op, d.b - d.a]);
  assert.deepEqual(fromMatching, engine);
}

describe('graph diff: matching the nodes of two models', () => {
  it('matches a model with itself: every node the same', () => {
    const model = bertEncoder();
    const m = matchNodes(model.graph!, model.graph!);
    assert.deepEqual(diffCounts(m), { same: model.graph!.node!.length, changed: 0, added: 0, removed: 0 });
  });

  it('marks each dynamically quantized Conv and Gemm as changed (op and int8 weight), their helpers as added', () => {
    const { model } = resnetModel({ size: 32, widths: [8, 16], blocks: 1 });
    const q = quantizeDynamic(model).model;
    const m = matchNodes(model.graph!, q.graph!);
    const counts = diffCounts(m);
    const convs = model.graph!.node!.filter((n) => n.op_type === 'Conv');
    const bn = q.graph!.node!;
    const changedConvs = [...m.changes].filter(([ib]) => bn[ib]!.op_type === 'ConvInteger');
    assert.equal(changedConvs.length, convs.length);
    for (const [, notes] of changedConvs) {
      assert.ok(notes.includes('op Conv → ConvInteger'), notes.join('; '));
      assert.ok(notes.includes('W: float32 → int8'), notes.join('; '));
    }
    const fc = [...m.changes].find(([ib]) => bn[ib]!.op_type === 'MatMulInteger');
    assert.ok(fc && fc[1].includes('op Gemm → MatMulInteger'));
    assert.equal(counts.removed, 0, 'every original node is matched (Conv to ConvInteger, Gemm to MatMulInteger)');
    assert.equal(counts.added + counts.same + counts.changed, bn.length);
    assertAgreesWithOpCounts(model, q, m);
  });

  it('agrees with the op-count diff on a quantized BERT-style encoder', () => {
    const model = bertEncoder({ layers: 2, hidden: 32, heads: 2, ffn: 64 });
    const q = quantizeDynamic(model).model;
    const m = matchNodes(model.graph!, q.graph!);
    assert.ok(diffCounts(m).changed > 0);
    assertAgreesWithOpCounts(model, q, m);
  });

  it('matches unnamed and renamed nodes by structure, and reports removed nodes and changed attributes', () => {
    const { a, b } = fp16Model();
    const m = matchNodes(a.graph!, b.graph!);
    const counts = diffCounts(m);
    const names = (ib: number): string => b.graph!.node![ib]!.name!;
    assert.deepEqual(
      [...m.changes].map(([ib, notes]) => [names(ib), notes]),
      [
        ['renamed_conv', ['W: float32 → float16']],
        ['', ['attributes alpha']],
      ],
    );
    assert.deepEqual(counts, { same: 1, changed: 2, added: 0, removed: 1 });
    assertAgreesWithOpCounts(a, b, m);
  });
});

describe('graph diff view: the union graph the Compare Graphs page draws', () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graph-diff-unit-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const load = (name: string, model: ModelProto) => {
    writeModel(model, path.join(dir, name));
    return readModel(path.join(dir, name));
  };

  it("holds B's nodes then A's removed ones, wired to their neighbours' matches", () => {
    const { a, b } = fp16Model();
    const view = buildGraphDiffView(load('a.onnx', a), load('b.onnx', b), {});
    const nb = b.graph!.node!.length;
    assert.equal(view.graph.nodes.length, nb + 1);
    const removed = view.graph.nodes[nb]!;
    assert.deepEqual([removed.name, removed.id, view.diff.status[nb]], ['identity', nb, 'removed']);
    const id = (name: string): number => view.graph.nodes.find((n) => n.name === name)!.id;
    const leaky = view.graph.nodes.find((n) => n.op === 'LeakyRelu')!.id;
    // A's LeakyRelu → Identity → Relu, drawn through the removed Identity; B's own LeakyRelu → Relu stays.
    const has = (from: number, to: number): boolean => view.graph.edges.some((e) => e.from === from && e.to === to);
    assert.ok(has(leaky, nb) && has(nb, id('relu')) && has(leaky, id('relu')));
    assert.equal(view.details[nb]!.nodeId, nb);
    assert.deepEqual(view.diff.counts, { same: 1, changed: 2, added: 0, removed: 1 });
    assert.deepEqual([view.nameInA[id('renamed_conv')], view.nameInB[nb]], ['conv', null]);
  });

  it('adds a latency delta row per node measured in both profiles', () => {
    const { a, b } = fp16Model();
    const view = buildGraphDiffView(load('a2.onnx', a), load('b2.onnx', b), {});
    const conv = view.graph.nodes.find((n) => n.name === 'renamed_conv')!.id;
    const overlay = withLatencyDeltas(
      view,
      { nodes: [{ name: 'conv', p50Us: 1500 }] },
      { nodes: [{ name: 'renamed_conv', p50Us: 1000 }] },
    );
    assert.equal(overlay.notes[conv]![0], 'Δ latency −0.500 ms (1.500 → 1.000)');
    assert.equal(overlay.notes[conv]![1], view.diff.notes[conv]![0]);
    assert.equal(withLatencyDeltas(view, undefined, { nodes: [] }), view.diff, 'one profile: no deltas');
  });
});
