/**
 * The "latency delta" heat-map metric (issue 18): per node, the optimized model's p50 minus the original's,
 * from two real profiles, joined by the Compare Graphs matching. Checked against the difference computed
 * here from the two profile reports for every node both files hold under the same name, and on the
 * Compare Graphs union and the error map's renaming onto it.
 */
import * as assert from 'node:assert/strict';
import {
  buildGraphDiffView,
  errorsOnUnion,
  latencyDeltas,
  type MeasuredNodes,
} from '../../src/engine/graph/diffGraphView';
import { readModel } from '../../src/engine/onnx/readModel';
import { runProfile } from '../../src/engine/profile/runProfile';
import type { ProfileReport } from '../../src/engine/report/profileReport';
import { RuntimeClient } from '../../src/engine/runtime/runtimeClient';
import { outlierMlp } from '../support/models';
import { makeTempDir, removeDir } from '../support/tmp';
import { writeInt8Pair } from '../support/int8Pair';

const measured = (r: ProfileReport): MeasuredNodes => ({
  nodes: r.nodes.map((n) => ({ name: n.name, p50Us: n.p50Ms * 1000 })),
});

describe('latency delta metric (issue 18)', function () {
  this.timeout(120_000);
  const client = new RuntimeClient();
  let dir: string;
  before(() => (dir = makeTempDir()));
  after(() => {
    client.dispose();
    removeDir(dir);
  });

  it("equals the optimized profile's p50 minus the original's, node by node", async () => {
    const { a, b } = writeInt8Pair(dir, 'mlp', outlierMlp(5, 64, 2));
    // Level 'disabled': every profiled row is a node of the file as written (names to join on).
    const job = (model: string) => ({
      model,
      settings: { intraOpThreads: 1, optimizationLevel: 'disabled' as const },
      feeds: {},
      runs: 5,
      warmup: 1,
    });
    const [pa, pb] = [await runProfile(client, job(a)), await runProfile(client, job(b))];
    const view = buildGraphDiffView(readModel(a), readModel(b), {});
    const deltas = latencyDeltas(view, measured(pa), measured(pb), 'a');

    const p50 = (r: ProfileReport) => new Map(r.nodes.map((n) => [n.name, n.p50Ms]));
    const [ta, tb] = [p50(pa), p50(pb)];
    const namesB = new Set(readModel(b).proto.graph!.node!.map((n) => n.name));
    // Nodes the quantizer left alone keep their name: the delta there is plain subtraction of the two reports.
    const common = readModel(a)
      .proto.graph!.node!.map((n) => n.name!)
      .filter((n) => namesB.has(n) && ta.has(n) && tb.has(n));
    assert.ok(common.length >= 10, `unchanged nodes measured in both: ${common.join(', ')}`);
    for (const name of common) {
      const d = deltas.find((x) => x.name === name);
      assert.ok(d, `${name} has a delta`);
      assert.ok(Math.abs(d.deltaMs - (tb.get(name)! - ta.get(name)!)) < 1e-9, `${name}: ${d.deltaMs}`);
      assert.equal(d.aMs, ta.get(name));
      assert.equal(d.bMs, tb.get(name));
    }
    // The rewritten MatMuls are joined to their int8 replacement (named by the original on A's graph).
    const namesA = new Set(readModel(a).proto.graph!.node!.map((n) => n.name));
    assert.ok(deltas.every((d) => namesA.has(d.name)));
    for (const k of [0, 1, 2, 3, 4]) {
      const d = deltas.find((x) => x.name === `fc${k}`);
      assert.ok(d && d.aMs === ta.get(`fc${k}`), `fc${k} joined to its int8 replacement`);
    }

    // On the Compare Graphs union the same deltas are named as the union draws the nodes.
    const union = latencyDeltas(view, measured(pa), measured(pb), 'union');
    assert.deepEqual(
      union.map((d) => d.deltaMs),
      deltas.map((d) => d.deltaMs),
    );
    const unionNames = new Set(view.graph.nodes.map((n) => n.name));
    assert.ok(union.every((d) => unionNames.has(d.name)));
  });

  it('renames the per-node error onto the union graph: each A node to the union node that shows it', () => {
    const model = outlierMlp(3, 16, 1);
    const { a, b } = writeInt8Pair(dir, 'small', model);
    const view = buildGraphDiffView(readModel(a), readModel(b), {});
    const errors = {
      a,
      b,
      nodes: [
        { name: 'fc1', op: 'MatMul', snrDb: -3, cosine: 0.1 },
        { name: 'act0', op: 'Relu', snrDb: 40, cosine: 0.9999 },
      ],
    };
    const u = errorsOnUnion(view, errors);
    assert.equal(u.nodes.length, 2);
    for (const e of u.nodes) {
      const node = view.graph.nodes.find((n) => n.name === e.name)!;
      assert.equal(view.nameInA[node.id], errors.nodes.find((x) => x.snrDb === e.snrDb)!.name);
    }
    assert.equal(u.nodes.find((n) => n.name === 'act0')?.snrDb, 40, 'an unchanged node keeps its name');
  });
});
