/**
 * Issue 14 goals, measured side by side (alternating A/B runs, spinning off, 2 intra-op threads), through
 * the same automatic choice `onnx-tuner optimize MODEL` makes:
 *   - ResNet-style CNN: static int8 ≥ 1.4× faster than fp32 at min cosine ≥ 0.99 (32 calibration samples)
 *   - MobileNet-style CNN: never returned slower
 *   - BERT-style encoder (6×384): dynamic int8 ≥ 2.0× faster, ≤ 0.3× size, cosine ≥ 0.99 (and the same
 *     quantizer without simplify's onnxruntime-CPU rewrites, to show what each part gives)
 *   - ppocr-det / ppocr-rec: a model faster or smaller at cosine ≥ 0.98, or nothing (exit 3) with reasons
 * Each line: candidate, verdict, and how many Conv/MatMul ORT's optimized graph runs in int8.
 */
import { autoOptimize } from '../src/engine/optimize/autoOptimize';
import { readModel } from '../src/engine/onnx/readModel';
import type { ModelProto } from '../src/engine/onnx/types';
import { quantizeDynamic } from '../src/engine/transform/quantize/dynamic';
import { compare } from '../src/engine/verify/compare';
import { coverageText } from '../src/engine/verify/optimizedGraph';
import { classifierOutputs, DEFAULT_GATE, decideVerdict, verdictInput } from '../src/engine/verify/verdict';
import { bertEncoder } from '../test/support/models';
import { mobilenetModel } from '../test/support/mobilenetModel';
import { listRealModels, SKIP_MESSAGE } from '../test/support/realModels';
import { resnetModel } from '../test/support/resnetModel';

const runtime = { intraOpThreads: 2 };

async function auto(
  label: string,
  file: string | ModelProto,
  model: ModelProto,
  extra: object = {},
  minCosine = 0.99,
): Promise<void> {
  console.log(`\n${label}`);
  const r = await autoOptimize(file, model, {
    gate: { ...DEFAULT_GATE, minCosine },
    runtime,
    latencyRuns: 30,
    warmupRuns: 3,
    inputSets: 2,
    ...extra,
  });
  for (const c of r.results)
    console.log(
      `  ${c.candidate.name.padEnd(20)} ${c.verdict?.line ?? `not measured: ${c.skipped}`}${c.coverage?.length ? ` [${coverageText(c.coverage)}]` : ''}` +
        (c.report?.latency
          ? `  (${c.report.latency.aMedianMs.toFixed(1)} → ${c.report.latency.bMedianMs.toFixed(1)} ms)`
          : ''),
    );
  const best = r.best === undefined ? undefined : r.results[r.best];
  console.log(`  → ${best ? `keeps ${best.candidate.name}` : 'nothing kept (exit 3)'}`);
}

export async function bench(): Promise<void> {
  const res = resnetModel({ size: 64, widths: [32, 64, 128], blocks: 2 });
  await auto('ResNet-style 64×64, widths 32/64/128 (goal: static ≥ 1.4× faster, cosine ≥ 0.99)', res.model, res.model);
  const mob = mobilenetModel({ size: 96 });
  await auto('MobileNet-style 96×96 (goal: never returned slower)', mob.model, mob.model);

  const enc = bertEncoder({ layers: 6, hidden: 384, heads: 6, ffn: 1536 });
  const dims = { batch: 1, seq: 128 };
  // The automatic choice: every candidate starts with simplify, whose onnxruntime-CPU rewrites (attention as
  // one MultiHeadAttention, Add+LayerNormalization kept out of the slow SkipLayerNormalization) apply here.
  await auto('BERT-style encoder 6×384, seq 128 (goal: dynamic ≥ 2.0× faster, ≤ 0.3× size, cosine ≥ 0.99)', enc, enc, {
    dims,
    latencyRuns: 40,
  });
  // Where the gain comes from: dynamic int8 on the model as it is, without simplify's rewrites.
  const q = quantizeDynamic(enc, { ops: ['MatMul', 'Gemm', 'Gather'] }).model;
  const rep = await compare(enc, q, { dims, runtime, latencyRuns: 40, warmupRuns: 3, inputSets: 2 });
  console.log(
    `  without simplify     ${decideVerdict(verdictInput(rep, classifierOutputs(enc)), { gate: DEFAULT_GATE, explicit: false }).line}`,
  );

  const real = listRealModels();
  if (!real.length) return void console.log(`\nppocr: ${SKIP_MESSAGE}`);
  for (const [name, shape] of [
    ['ppocr-det', [1, 3, 320, 320]],
    ['ppocr-rec', [1, 3, 48, 320]],
  ] as const) {
    const m = real.find((x) => x.name === name);
    if (!m) continue;
    await auto(
      `${name} (goal: faster or smaller at cosine ≥ 0.98, or exit 3)`,
      m.file,
      readModel(m.file).proto,
      {
        inputShapes: { x: shape },
        latencyRuns: 20,
      },
      0.98,
    );
  }
}
