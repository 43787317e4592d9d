/**
 * Issue 8: the advice engine's trial mode, strictly. On the BERT-like encoder (built) and ppocr-det (real),
 * the top suggestion's measured gain with its A/A noise band; then the action applied by hand and measured
 * again with verify/compare: PASS when the two gains agree within the sum of the two measurements' noise
 * bands (each from an A/A run). Then a sweep of ppocr-det and a re-measurement of its recommendation.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { advise } from '../src/engine/advise/advise';
import { stepsFromConfig } from '../src/engine/advise/actions';
import type { Suggestion } from '../src/engine/advise/adviceTypes';
import { noiseBand, trialSuggestions } from '../src/engine/advise/trial';
import { readModel } from '../src/engine/onnx/readModel';
import { writeModel } from '../src/engine/onnx/writeModel';
import { sweep } from '../src/engine/sweep/sweep';
import { recommend } from '../src/engine/sweep/recommend';
import { runPipeline } from '../src/engine/transform/common/pipeline';
import { synthesizeFeeds } from '../src/engine/verify/feeds';
import { measureAB } from '../src/engine/verify/latency';
import { createSession } from '../src/engine/verify/modelSource';
import type { RuntimeSettings } from '../src/engine/runtime/sessionOptions';
import { bertEncoder } from '../test/support/models';
import { listRealModels } from '../test/support/realModels';
import { regressionEntry } from '../test/support/regression';

interface Feed {
  dims?: Record<string, number>;
  inputShapes?: Record<string, number[]>;
}

/** The suggestion applied by hand: its latency gain against the original and an A/A band, 40 runs each. */
async function reapply(file: string, s: Suggestion, dir: string, feed: Feed): Promise<{ gain: number; band: number }> {
  let candidate = file;
  let settings: RuntimeSettings = {};
  if (s.action.kind === 'optimize') {
    const out = await runPipeline(readModel(file).proto, stepsFromConfig(s.action.config, feed));
    candidate = writeModel(out.model, path.join(dir, 'applied.onnx'), { sourceFile: file, overwrite: true }).file;
    settings = s.action.config.dims ? { dims: { ...s.action.config.dims } } : {};
  } else if (s.action.kind === 'runtime') settings = s.action.settings;
  const a = await createSession(file, {});
  const a2 = await createSession(file, {});
  const b = await createSession(candidate, settings);
  try {
    const feeds = synthesizeFeeds(a, feed);
    const aa = await measureAB(a, a2, feeds, feeds, { runs: 40 });
    const ab = await measureAB(a, b, feeds, feeds, { runs: 40 });
    return { gain: 1 - ab.ratio, band: noiseBand(aa).band };
  } finally {
    await Promise.all([a.release(), a2.release(), b.release()]);
  }
}

async function benchModel(label: string, file: string, feed: Feed, dir: string): Promise<void> {
  const loaded = readModel(file);
  const advice = await advise(loaded.proto, { ...feed, modelBytes: loaded.fileBytes });
  const t = await trialSuggestions(loaded.proto, file, advice.suggestions, { ...feed, runs: 40, top: 2 });
  const top = t.suggestions[0]!;
  const m = top.measured;
  for (const s of t.suggestions.filter((x) => x.measured))
    console.log(
      `${label}: ${s.rule}: estimated ${(100 * s.estimated.latencyFraction).toFixed(1)}%, measured ${(100 * s.measured!.latencyFraction).toFixed(1)}% ±${(100 * t.noise.band).toFixed(1)}% (A/A ${t.noise.aaRatio.toFixed(3)}), size ×${s.measured!.sizeRatio.toFixed(2)}, cosine ${s.measured!.cosine.toFixed(5)}`,
    );
  if (!m) {
    console.log(`${label}: top suggestion not measured (${top.trialNote ?? top.action.kind})`);
    return;
  }
  const again = await reapply(file, top, dir, feed);
  const ok = Math.abs(again.gain - m.latencyFraction) <= t.noise.band + again.band;
  console.log(
    `${label}: re-applied ${top.rule}: ${(100 * again.gain).toFixed(1)}% ±${(100 * again.band).toFixed(1)}% vs trial ${(100 * m.latencyFraction).toFixed(1)}% ±${(100 * t.noise.band).toFixed(1)}% → ${ok ? 'PASS' : 'FAIL'} (within the sum of the bands)`,
  );
}

export async function bench(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx-tuner-bench-advise-'));
  try {
    const bert = writeModel(
      bertEncoder({ layers: 4, hidden: 256, heads: 4, ffn: 1024 }),
      path.join(dir, 'bert.onnx'),
    ).file;
    await benchModel('bert (4×256, seq 128)', bert, { dims: { batch: 1, seq: 128 } }, dir);
    const det = listRealModels().find((m) => m.name === 'ppocr-det');
    if (!det) {
      console.log('ppocr-det: skipped (real models not fetched)');
      return;
    }
    const inputShapes = regressionEntry('ppocr-det').shapes;
    await benchModel('ppocr-det', det.file, { inputShapes }, dir);
    const r = await sweep(det.file, { threads: [1, 2], batches: [1, 2, 4, 8], runs: 8, inputShapes });
    for (const p of r.points)
      console.log(
        `ppocr-det sweep: threads ${p.threads} batch ${p.batch}: p50 ${p.p50Ms.toFixed(1)} ms, ${p.throughput.toFixed(1)} items/s`,
      );
    const budget = 1.5 * Math.min(...r.points.filter((p) => p.batch === 1).map((p) => p.p90Ms));
    const rec = recommend(r.points, budget);
    if (!rec.point) {
      console.log(`ppocr-det sweep: ${rec.reason}`);
      return;
    }
    const again = await sweep(det.file, {
      threads: [rec.point.threads],
      batches: [rec.point.batch],
      runs: 20,
      inputShapes,
    });
    const p = again.points[0]!;
    console.log(
      `ppocr-det sweep: budget ${budget.toFixed(1)} ms → threads ${rec.point.threads} batch ${rec.point.batch}; re-measured p90 ${p.p90Ms.toFixed(1)} ms (${(p.p90Ms / budget).toFixed(2)}× budget) → ${p.p90Ms <= budget ? 'PASS' : 'FAIL'}`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
