/**
 * The error heat map (issue 18): the per-node error job measures the optimized model against the original on
 * the comparison's inputs, and the graph page colours the original's nodes so that the hottest are the ones
 * `compare --localize` (localizeError) ranks first. Models are built in code: an MLP and a CNN with one layer
 * whose outlier weight wrecks per-tensor int8; graded errors are checked on a hand-made overlay.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { runEngineJob } from '../../src/extension/jobs/engineJobs';
import type { JobRuntime } from '../../src/extension/jobs/jobProtocol';
import { buildGraphView } from '../../src/engine/graph/graphView';
import { readModel } from '../../src/engine/onnx/readModel';
import type { ModelProto } from '../../src/engine/onnx/types';
import { synthesizeFeeds } from '../../src/engine/verify/feeds';
import { localizeError } from '../../src/engine/verify/localize';
import { createSession } from '../../src/engine/verify/modelSource';
import type { ErrorOverlay } from '../../src/protocol/webviewProtocol';
import { errorCosts, heatCosts, unitHeat } from '../../webview/view/heatMap';
import { outlierCnn, outlierMlp } from '../support/models';
import { makeTempDir, removeDir } from '../support/tmp';
import { writeInt8Pair } from '../support/int8Pair';

const RUNTIME: JobRuntime = { executionProvider: 'cpu', dims: {}, inputShapes: {} };

/** localizeError called the way `compare --localize` calls it (cli/commands/compare.ts), on seed-42 inputs. */
async function localizeRanking(a: string, b: string): Promise<string[]> {
  const A = readModel(a).proto;
  const s = await createSession(a, { optimizationLevel: 'disabled' });
  try {
    const feeds = synthesizeFeeds(s, { model: A, seed: 42 });
    return (await localizeError(A, readModel(b).proto, feeds)).map((e) => e.node);
  } finally {
    await s.release();
  }
}

/** Node names of the original's graph view, hottest first, as the page colours them (one unit per node). */
function hottestFirst(a: string, overlay: ErrorOverlay): { name: string; heat: number }[] {
  const graph = buildGraphView(readModel(a), { dims: {}, inputShapes: {} }).graph;
  const names = graph.nodes.map((n) => n.name);
  const heat = unitHeat(
    graph.nodes.map((n) => [n.id]),
    names,
    heatCosts('error', undefined, overlay)!,
  );
  return names
    .map((name, i) => ({ name, heat: heat[i]! }))
    .filter((u) => !Number.isNaN(u.heat))
    .sort((x, y) => y.heat - x.heat);
}

describe('error heat map (issue 18)', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(() => removeDir(dir));

  async function optimized(name: string, model: ModelProto): Promise<{ a: string; b: string; overlay: ErrorOverlay }> {
    const { a, b } = writeInt8Pair(dir, name, model);
    const overlay = (await runEngineJob(
      { kind: 'nodeErrors', params: { a, b, runtime: RUNTIME } },
      () => {},
    )) as ErrorOverlay;
    return { a, b, overlay };
  }

  const cases: [string, () => ModelProto, string][] = [
    ['an MLP', () => outlierMlp(5, 64, 2), 'fc2'],
    ['a CNN', () => outlierCnn(5, 16, 2), 'conv2'],
  ];
  for (const [what, build, outlier] of cases)
    it(`colours ${what}'s nodes in the order localize ranks them, the outlier layer first`, async () => {
      const { a, b, overlay } = await optimized(what.replace(/\W/g, ''), build());
      const ranking = await localizeRanking(a, b);
      assert.deepEqual(
        overlay.nodes.map((n) => n.name),
        ranking,
        'the job measures what compare --localize measures',
      );
      assert.equal(ranking[0], outlier);
      const hot = hottestFirst(a, overlay);
      assert.equal(hot[0]!.name, outlier, 'the hottest node is the one localize ranks first');
      assert.equal(hot[0]!.heat, 1);
      // Heat never disagrees with the ranking: a node ranked worse is at least as hot.
      const heatOf = new Map(hot.map((u) => [u.name, u.heat]));
      for (let i = 1; i < ranking.length; i++)
        assert.ok(heatOf.get(ranking[i - 1]!)! >= heatOf.get(ranking[i]!)!, `${ranking[i - 1]} ≥ ${ranking[i]}`);
      // Nodes before the outlier layer are exact: uncoloured or cold.
      assert.ok((heatOf.get(outlier === 'fc2' ? 'fc0' : 'conv0') ?? 0) < 0.01);
    });

  it('grades a milder error: the cost is noise over signal, so 10 dB less SNR reads 10× hotter', () => {
    const overlay: ErrorOverlay = {
      a: 'a.onnx',
      b: 'b.onnx',
      nodes: [
        { name: 'n1', op: 'Conv', snrDb: 10, cosine: 0.95 },
        { name: 'n2', op: 'Conv', snrDb: 20, cosine: 0.995 },
        { name: 'n3', op: 'Relu', snrDb: Infinity, cosine: 1 },
      ],
    };
    const c = errorCosts(overlay);
    assert.ok(Math.abs(c.get('n1')! / c.get('n2')! - 10) < 1e-9);
    assert.equal(c.get('n3'), 0);
    assert.equal(heatCosts('error', undefined, undefined), undefined, 'no error measured: nothing to colour');
    const heat = unitHeat([[0, 1], [2]], ['n1', 'n2', 'n3'], c);
    assert.deepEqual([...heat], [1, 0]);
  });

  it('names unnamed nodes as the graph page does, so they are coloured too', async () => {
    const model = outlierMlp(5, 64, 2);
    for (const n of model.graph?.node ?? []) n.name = '';
    const { a, overlay } = await optimized('unnamed', model);
    const names = new Set(buildGraphView(readModel(a), { dims: {}, inputShapes: {} }).graph.nodes.map((n) => n.name));
    assert.ok(overlay.nodes.length > 10);
    for (const n of overlay.nodes) assert.ok(names.has(n.name), `${n.name} is a node of the page`);
    assert.equal(overlay.nodes[0]!.name, 'MatMul_6', 'fc2 (the third MatMul, node 6) is still ranked first');
  });

  it('writes nothing next to the models', async () => {
    await optimized('mlp', outlierMlp(3, 16, 1));
    assert.deepEqual(fs.readdirSync(dir).sort(), ['mlp.int8.onnx', 'mlp.onnx']);
  });
});
