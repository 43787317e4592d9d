/**
 * Issue 4 goals, measured side by side (alternating A/B runs, spinning off, 2 intra-op threads):
 *   - BERT-like encoder (6 layers, hidden 384, 6 heads, FFN 1536; seq 128, batch 1): dynamic int8 ≥ 1.8×
 *     faster than fp32, ≤ 0.3× file size, cosine ≥ 0.99 on the last hidden state; int4 MatMul weight bytes ≤ 0.2×
 *   - ppocr-det / ppocr-rec static QDQ per-channel: ≤ 0.3× size, cosine ≥ 0.98 on images unseen in calibration
 *   - ppocr-rec fp16: ≤ 0.52× size, runs in ORT CPU, cosine ≥ 0.999
 * Absolute times are for context only.
 */
import * as fs from 'node:fs';
import type * as ort from 'onnxruntime-node';
import { readModel } from '../src/engine/onnx/readModel';
import type { ModelProto } from '../src/engine/onnx/types';
import type { TransformResult } from '../src/engine/transform/common/changes';
import { quantizeDynamic } from '../src/engine/transform/quantize/dynamic';
import { convertToFp16 } from '../src/engine/transform/quantize/fp16';
import { quantizeInt4 } from '../src/engine/transform/quantize/int4';
import { quantizeModel, type QuantizeOptions } from '../src/engine/transform/quantize/quantize';
import { compare, type CompareReport } from '../src/engine/verify/compare';
import { bertEncoder } from '../test/support/models';
import { listRealModels, SKIP_MESSAGE } from '../test/support/realModels';
import { documentTensor } from '../test/support/quantizeImages';

const runtime = { intraOpThreads: 2 };

function line(label: string, r: CompareReport, extra = ''): void {
  const o = r.outputs[0]!;
  const lat = r.latency
    ? `${r.latency.ratio.toFixed(3)}× (IQR ${r.latency.spread[0].toFixed(2)}–${r.latency.spread[1].toFixed(2)}; ${r.latency.aMedianMs.toFixed(1)} → ${r.latency.bMedianMs.toFixed(1)} ms)`
    : '-';
  console.log(
    `${label.padEnd(34)} size ${r.size.ratio.toFixed(3)}×  cosine min ${o.cosine.toFixed(5)} mean ${(o.meanCosine ?? o.cosine).toFixed(5)}  latency ${lat}${extra}`,
  );
}

function weightRatio(r: TransformResult): number {
  const w = r.changes.filter((c) => c.kind === 'weight');
  return w.reduce((s, c) => s + (c.bytesAfter ?? 0), 0) / w.reduce((s, c) => s + (c.bytesBefore ?? 0), 0);
}

export async function bench(): Promise<void> {
  const flags = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const has = (f: string): string => (new RegExp(`\\b${f}\\b`).test(flags) ? f : `no ${f}`);
  console.log(
    `CPU: ${has('avx512_vnni')}, ${has('avx_vnni')}, ${has('avx512f')}, ${has('avx2')}; ${runtime.intraOpThreads} threads, spinning off`,
  );

  const enc = bertEncoder({ layers: 6, hidden: 384, heads: 6, ffn: 1536 });
  const dims = { batch: 1, seq: 128 };
  const encRuns = { dims, runtime, latencyRuns: 30, warmupRuns: 3, inputSets: 2 };
  console.log('\nBERT-like encoder 6×384 (goal: dynamic ≥ 1.8× faster = latency ≤ 0.556×, size ≤ 0.3×, cosine ≥ 0.99)');
  line('dynamic int8 (per-tensor)', await compare(enc, quantizeDynamic(enc).model, encRuns));
  line('dynamic int8 (per-channel)', await compare(enc, quantizeDynamic(enc, { perChannel: true }).model, encRuns));
  line('fp16', await compare(enc, convertToFp16(enc).model, { ...encRuns, latencyRuns: 10 }));
  for (const blockSize of [32, 128]) {
    const r = quantizeInt4(enc, { blockSize });
    line(
      `int4 block ${blockSize}`,
      await compare(enc, r.model, encRuns),
      `  MatMul weight bytes ${weightRatio(r).toFixed(3)}× (goal ≤ 0.2)`,
    );
  }

  const real = new Map(listRealModels().map((m) => [m.name, m]));
  if (!real.has('ppocr-det') || !real.has('ppocr-rec')) {
    console.log(`\nOCR models skipped: ${SKIP_MESSAGE}`);
    return;
  }
  console.log(
    '\nOCR models, static QDQ per-channel, 16 calibration images, 8 unseen test images (goal: size ≤ 0.3×, cosine ≥ 0.98)',
  );
  const cases: { name: string; kind: 'det' | 'rec'; h: number; w: number; opts: Partial<QuantizeOptions> }[] = [
    { name: 'ppocr-det', kind: 'det', h: 320, w: 320, opts: { calibration: 'minmax' } },
    { name: 'ppocr-det', kind: 'det', h: 320, w: 320, opts: { calibration: 'percentile', keepFirst: true } },
    {
      name: 'ppocr-det',
      kind: 'det',
      h: 320,
      w: 320,
      opts: { calibration: 'percentile', keepFirst: true, sensitiveWeightOnly: 2 },
    },
    {
      name: 'ppocr-det',
      kind: 'det',
      h: 320,
      w: 320,
      opts: { calibration: 'percentile', keepFirst: true, quantizeOutputs: true },
    },
    { name: 'ppocr-rec', kind: 'rec', h: 48, w: 320, opts: { calibration: 'minmax' } },
    { name: 'ppocr-rec', kind: 'rec', h: 48, w: 320, opts: { calibration: 'minmax', keepFirst: true } },
    {
      name: 'ppocr-rec',
      kind: 'rec',
      h: 48,
      w: 320,
      opts: { calibration: 'minmax', keepFirst: true, quantizeOutputs: true },
    },
  ];
  for (const c of cases) {
    const file = real.get(c.name)!.file;
    const model: ModelProto = readModel(file).proto;
    const calibrationInputs = Array.from({ length: 16 }, (_, k) => ({ x: documentTensor(c.h, c.w, 100 + k, c.kind) }));
    const inputs: Record<string, ort.Tensor>[] = Array.from({ length: 8 }, (_, k) => ({
      x: documentTensor(c.h, c.w, 900 + k, c.kind),
    }));
    const q = await quantizeModel(model, { mode: 'static', perChannel: true, calibrationInputs, ...c.opts });
    const o = c.opts;
    const label = `${c.name} ${o.calibration}${o.keepFirst ? ' keep-first' : ''}${o.sensitiveWeightOnly ? ` sensitive=${o.sensitiveWeightOnly}` : ''}${o.quantizeOutputs ? ' +outputs' : ''}`;
    line(label, await compare(file, q.model, { inputs, runtime, latencyRuns: 20 }));
  }
  console.log('\nppocr-rec fp16 (goal: size ≤ 0.52×, cosine ≥ 0.999)');
  const rec = real.get('ppocr-rec')!.file;
  const inputs = Array.from({ length: 4 }, (_, k) => ({ x: documentTensor(48, 320, 900 + k, 'rec') }));
  line(
    'ppocr-rec fp16',
    await compare(rec, convertToFp16(readModel(rec).proto).model, { inputs, runtime, latencyRuns: 20 }),
  );
}
