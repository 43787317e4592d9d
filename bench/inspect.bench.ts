/**
 * Issue 2 goals: loading + shape inference + cost model of each real model vs onnxruntime-node's own
 * InferenceSession.create on the same file, side by side in one process (goal ≤ 0.5×); and peak RSS while
 * loading the largest model (goal ≤ 2× its file size), measured in a fresh child process.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { costModel } from '../src/engine/graph/costModel';
import { inferShapes } from '../src/engine/graph/shapeInference';
import { readModel } from '../src/engine/onnx/readModel';
import { listRealModels, SKIP_MESSAGE } from '../test/support/realModels';
import { regressionEntry } from '../test/support/regression';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timeOnce(fn: () => unknown): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

export async function bench(): Promise<void> {
  const models = listRealModels();
  if (models.length === 0) {
    console.log(`skipped: ${SKIP_MESSAGE}`);
    return;
  }
  ort.env.logLevel = 'error';
  const reps = 7;
  console.log('model                 ours ms   ORT create ms   ratio (goal ≤ 0.50)');
  for (const m of models) {
    const ours: number[] = [];
    const theirs: number[] = [];
    const entry = regressionEntry(m.name);
    // The first run of each warms caches and the JIT; it is not counted.
    for (let i = -1; i < reps; i++) {
      // Alternate the two so drift on a shared machine hits both equally.
      const a = await timeOnce(() => costModel(inferShapes(readModel(m.file).proto, { inputShapes: entry.shapes })));
      const b = await timeOnce(async () => {
        const s = await ort.InferenceSession.create(m.file, { intraOpNumThreads: 1 });
        await s.release();
      });
      if (i < 0) continue;
      ours.push(a);
      theirs.push(b);
    }
    const [a, b] = [median(ours), median(theirs)];
    console.log(
      `${m.name.padEnd(20)} ${a.toFixed(1).padStart(8)} ${b.toFixed(1).padStart(15)} ${(a / b).toFixed(2).padStart(10)}`,
    );
  }
  const largest = models.reduce((x, y) => (y.bytes > x.bytes ? y : x));
  const probe = path.join(__dirname, 'support', 'loadRss.ts');
  const out = execFileSync(process.execPath, ['--require', 'tsx/cjs', probe, largest.file], { encoding: 'utf8' });
  const r = JSON.parse(out) as { baselineRss: number; peakRss: number };
  const growth = r.peakRss - r.baselineRss;
  const mb = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MB`;
  console.log(
    `\npeak RSS loading ${largest.name} (${mb(largest.bytes)}): ${mb(r.peakRss)} total, ${mb(growth)} growth over the process baseline` +
      `\n  ratio to file size: total ${(r.peakRss / largest.bytes).toFixed(2)}×, growth ${(growth / largest.bytes).toFixed(2)}× (goal ≤ 2.00×)`,
  );
}
