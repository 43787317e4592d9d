/**
 * Peer check on every fetched real model: our simplified model has no more nodes than onnxruntime's own
 * offline optimisation at level `basic`, and gives the same outputs.
 *
 * Like for like: ORT's saved model (optimizedModelFilePath, level basic, CPU EP) is re-read with our reader
 * and every NodeProto is counted, in the main graph and in all If/Loop/Scan subgraphs; our model is counted
 * the same way. ORT turns Constant nodes into initializers when it loads a model, and so do we, so neither
 * count has Constant nodes. ORT's file also holds the fp16↔fp32 Casts its CPU EP inserts around fp16 ops
 * (InsertCastTransformer, named `InsertedPrecisionFreeCast_*`): they are counted as ORT wrote them, and
 * reported apart.
 *
 * Outputs: max |Δ| ≤ 1e-5 · max(1, max |ref|) against the unoptimised model (level disabled). For fp16
 * models that bar is below the type's precision (one fp16 ulp is ~1e-3 relative): there ORT's own basic
 * optimisation moves outputs too (isnet-fp16: 0.00195 on a map of max 7.25, because Resize caches its scales
 * once `sizes` is constant), so the bar is the larger of 1e-5 relative and ORT basic's own deviation.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { readModel } from '../../src/engine/onnx/readModel';
import type { ModelProto } from '../../src/engine/onnx/types';
import { forEachGraph } from '../../src/engine/onnx/walk';
import { modelToBuffer } from '../../src/engine/onnx/writeModel';
import { toSessionOptions } from '../../src/engine/runtime/sessionOptions';
import { simplify } from '../../src/engine/transform/simplify';
import { feedsFor } from '../support/ortRun';
import { listRealModels, SKIP_MESSAGE } from '../support/realModels';
import { regressionEntry } from '../support/regression';
import { makeTempDir, removeDir } from '../support/tmp';

function nodeCounts(m: ModelProto): { all: number; ortInserted: number } {
  let all = 0;
  let ortInserted = 0;
  forEachGraph(m.graph!, (g) => {
    for (const n of g.node ?? []) {
      all++;
      if (n.op_type === 'Cast' && (n.name ?? '').startsWith('InsertedPrecisionFreeCast_')) ortInserted++;
    }
  });
  return { all, ortInserted };
}

function values(t: ort.Tensor): Float64Array {
  const d = t.data;
  if (d instanceof BigInt64Array) return Float64Array.from(d, Number);
  return Float64Array.from(d as ArrayLike<number>);
}

describe('simplify on real models (peer check with onnxruntime basic)', function () {
  this.timeout(240_000);
  let dir = '';
  before(() => (dir = makeTempDir()));
  after(() => removeDir(dir));

  const models = listRealModels();
  if (models.length === 0) it.skip(`real models (${SKIP_MESSAGE})`);
  for (const m of models) {
    it(`${m.name}: no more nodes than ORT basic, same outputs`, async () => {
      const entry = regressionEntry(m.name);
      const original = readModel(m.file).proto;
      const ortFile = path.join(dir, `${m.name}.basic.onnx`);
      const s0 = await ort.InferenceSession.create(
        m.file,
        toSessionOptions({ optimizationLevel: 'basic', optimizedModelFilePath: ortFile, intraOpThreads: 1 }),
      );
      await s0.release();
      const peer = nodeCounts(readModel(ortFile).proto);
      const r = await simplify(original);
      const ours = nodeCounts(r.model);
      console.log(
        `      ${m.name}: original ${nodeCounts(original).all}, ours ${ours.all}, ORT basic ${peer.all}` +
          (peer.ortInserted ? ` (of which ${peer.ortInserted} Casts ORT's CPU EP inserted)` : ''),
      );
      assert.ok(ours.all <= peer.all, `${ours.all} nodes > ORT basic's ${peer.all}`);

      const opts = toSessionOptions({ optimizationLevel: 'disabled', intraOpThreads: 2 });
      const a = await ort.InferenceSession.create(m.file, opts);
      const b = await ort.InferenceSession.create(modelToBuffer(r.model), opts);
      const feeds = feedsFor(a, entry);
      const [oa, ob] = [await a.run(feeds), await b.run(feeds)];
      await Promise.all([a.release(), b.release()]);
      // ORT basic's own outputs, only needed (and, for isnet, only paid for) when ours move past 1e-5.
      let peerOut: Record<string, ort.Tensor> | undefined;
      const peerOutputs = async (): Promise<Record<string, ort.Tensor>> => {
        if (!peerOut) {
          const p = await ort.InferenceSession.create(ortFile, opts);
          peerOut = await p.run(feeds);
          await p.release();
        }
        return peerOut;
      };
      for (const [name, ref] of Object.entries(oa)) {
        const got = ob[name];
        assert.ok(got, `output '${name}' missing`);
        assert.deepEqual(got.dims, ref.dims);
        const x = values(ref);
        const maxDiffTo = (y: Float64Array): number => x.reduce((d, v, i) => Math.max(d, Math.abs(v - y[i]!)), 0);
        const scale = x.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
        const maxDiff = maxDiffTo(values(got));
        if (maxDiff <= 1e-5 * Math.max(1, scale)) continue;
        const peerDiff = maxDiffTo(values((await peerOutputs())[name]!));
        assert.ok(maxDiff <= peerDiff, `${name}: max |Δ| ${maxDiff} > ORT basic's ${peerDiff} (max |ref| ${scale})`);
      }
    });
  }
});
