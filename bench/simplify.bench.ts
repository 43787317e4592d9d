/**
 * Issue 5 goals for simplify, per real model in one run: node count after our simplify vs onnxruntime's own
 * offline optimisation at level basic (goal: ours ≤ ORT; all nodes of all graphs counted in both files),
 * the time simplify takes, and the latency ratio of simplified vs original at level disabled (2 threads).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import * as ort from 'onnxruntime-node';
import { readModel } from '../src/engine/onnx/readModel';
import type { ModelProto } from '../src/engine/onnx/types';
import { forEachGraph } from '../src/engine/onnx/walk';
import { modelToBuffer } from '../src/engine/onnx/writeModel';
import { toSessionOptions } from '../src/engine/runtime/sessionOptions';
import { simplify } from '../src/engine/transform/simplify';
import { synthesizeFeeds } from '../src/engine/verify/feeds';
import { measureAB } from '../src/engine/verify/latency';
import { listRealModels, SKIP_MESSAGE } from '../test/support/realModels';
import { regressionEntry } from '../test/support/regression';

function countNodes(m: ModelProto): number {
  let n = 0;
  forEachGraph(m.graph!, (g) => (n += g.node?.length ?? 0));
  return n;
}

export async function bench(): Promise<void> {
  const models = listRealModels();
  if (models.length === 0) return console.log(`skipped: ${SKIP_MESSAGE}`);
  ort.env.logLevel = 'error';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simplify-bench-'));
  console.log('model                original  ours  ORT basic  simplify ms  speed vs original (disabled, 2 threads)');
  try {
    for (const m of models) {
      const entry = regressionEntry(m.name);
      const original = readModel(m.file).proto;
      const ortFile = path.join(dir, `${m.name}.onnx`);
      const s0 = await ort.InferenceSession.create(
        m.file,
        toSessionOptions({ optimizationLevel: 'basic', optimizedModelFilePath: ortFile }),
      );
      await s0.release();
      const t = performance.now();
      const r = await simplify(original);
      const ms = performance.now() - t;
      let ratio = 'skipped (heavy)';
      if (!entry.heavy) {
        const opts = toSessionOptions({ optimizationLevel: 'disabled', intraOpThreads: 2 });
        const a = await ort.InferenceSession.create(m.file, opts);
        const b = await ort.InferenceSession.create(modelToBuffer(r.model), opts);
        const feeds = synthesizeFeeds(a, { inputShapes: entry.shapes });
        for (const [k, v] of Object.entries(entry.values ?? {}))
          if (feeds[k])
            feeds[k] = new ort.Tensor(
              feeds[k].type === 'int64' ? 'int64' : 'float32',
              feeds[k].type === 'int64' ? [BigInt(v)] : [v],
              [],
            );
        const ab = await measureAB(a, b, feeds, feeds, { runs: 20 });
        ratio = `${(1 / ab.ratio).toFixed(2)}×`;
        await Promise.all([a.release(), b.release()]);
      }
      const peer = countNodes(readModel(ortFile).proto);
      console.log(
        `${m.name.padEnd(20)} ${String(countNodes(original)).padStart(8)} ${String(countNodes(r.model)).padStart(5)} ${String(peer).padStart(10)} ${ms.toFixed(0).padStart(12)}  ${ratio}`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
