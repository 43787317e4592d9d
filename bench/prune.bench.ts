/**
 * Issue 5 goals for pruning, measured side by side in one run:
 * - ResNet-style CNN (test/support/resnetModel.ts), structured 30%: conv FLOPs −25% or more (counted from
 *   the weights' shapes) and ≥ 1.2× faster at 2 threads (A/B alternating runs, spinning off).
 * - Unstructured 50%: the same speed (dense kernels), a smaller gzip.
 * - ppocr-det structured 30% (real model, if fetched): speed and how many channel groups were skipped.
 */
import * as ort from 'onnxruntime-node';
import { tensorDims } from '../src/engine/graph/tensorData';
import { readModel } from '../src/engine/onnx/readModel';
import type { ModelProto } from '../src/engine/onnx/types';
import { modelToBuffer } from '../src/engine/onnx/writeModel';
import { compressedSize, pruneMagnitude, pruneStructured, sensitivityScan } from '../src/engine/transform/prune';
import { synthesizeFeeds } from '../src/engine/verify/feeds';
import { measureAB } from '../src/engine/verify/latency';
import { createSession } from '../src/engine/verify/modelSource';
import { listRealModels } from '../test/support/realModels';
import { regressionEntry } from '../test/support/regression';
import { convMacs, resnetModel, type ConvSpec } from '../test/support/resnetModel';

function convMacsOf(m: ModelProto, specs: readonly ConvSpec[]): number {
  const init = new Map((m.graph!.initializer ?? []).map((t) => [t.name, t]));
  return (m.graph!.node ?? [])
    .filter((n) => n.op_type === 'Conv')
    .reduce((s, n) => {
      const spec = specs.find((c) => c.name === n.name)!;
      const [cout, cin, kh, kw] = tensorDims(init.get(n.input![1]!)!);
      return s + cout! * spec.out * spec.out * cin! * kh! * kw!;
    }, 0);
}

async function speed(
  a: ModelProto | string,
  b: ModelProto,
  inputShapes: Record<string, readonly number[]>,
  runs: number,
): Promise<string> {
  const sa = await createSession(typeof a === 'string' ? a : modelToBuffer(a), { intraOpThreads: 2 });
  const sb = await createSession(modelToBuffer(b), { intraOpThreads: 2 });
  const feeds = synthesizeFeeds(sa, { inputShapes });
  const r = await measureAB(sa, sb, feeds, feeds, { runs, warmupRuns: 3 });
  await Promise.all([sa.release(), sb.release()]);
  return `${(1 / r.ratio).toFixed(2)}× faster (median ${r.aMedianMs.toFixed(2)} → ${r.bMedianMs.toFixed(2)} ms, paired IQR ${(1 / r.spread[1]).toFixed(2)}–${(1 / r.spread[0]).toFixed(2)}×)`;
}

export async function bench(): Promise<void> {
  ort.env.logLevel = 'error';
  const net = resnetModel();
  const shapes = { [net.input.name]: net.input.shape };
  const s = pruneStructured(net.model, { ratio: 0.3 });
  const macs0 = convMacs(net.convs);
  const macs1 = convMacsOf(s.model, net.convs);
  console.log(`ResNet-style CNN, input ${net.input.shape.join('×')}, 2 threads, level all`);
  console.log(
    `  structured 30%: conv MACs ${(macs0 / 1e6).toFixed(1)}M → ${(macs1 / 1e6).toFixed(1)}M (−${(100 * (1 - macs1 / macs0)).toFixed(1)}%, goal ≥ 25%)`,
  );
  console.log(`                  ${await speed(net.model, s.model, shapes, 40)} (goal ≥ 1.2×)`);
  const m = pruneMagnitude(net.model, { ratio: 0.5 });
  const [za, zb] = [compressedSize(net.model), compressedSize(m.model)];
  console.log(
    `  magnitude 50% (sparsity ${(100 * m.sparsity).toFixed(1)}%): ${await speed(net.model, m.model, shapes, 40)} (dense kernels: expect ~1.0×)`,
  );
  console.log(
    `                  file ${(za.bytes / 1e6).toFixed(2)} → ${(zb.bytes / 1e6).toFixed(2)} MB; gzip ${(za.gzipBytes / 1e6).toFixed(2)} → ${(zb.gzipBytes / 1e6).toFixed(2)} MB (${(zb.gzipBytes / za.gzipBytes).toFixed(2)}×)`,
  );

  const scan = await sensitivityScan(net.model, { ratios: [0.25, 0.5, 0.75], maxLayers: 4 });
  console.log('  sensitivity (one group pruned alone; max |Δ| / max |ref| of the logits, cosine):');
  for (const row of scan.rows)
    console.log(
      `    ${row.layer.padEnd(58)} ${String(row.ratio).padStart(5)}  ${row.relMaxError.toFixed(3)}  ${row.cosine.toFixed(4)}`,
    );

  const det = listRealModels().find((x) => x.name === 'ppocr-det');
  if (!det) return console.log('ppocr-det not fetched: skipped');
  const entry = regressionEntry('ppocr-det');
  const p = pruneStructured(readModel(det.file).proto, { ratio: 0.3, inputShapes: entry.shapes });
  console.log(`ppocr-det structured 30%: ${p.pruned.length} channel groups pruned, ${p.skipped.length} skipped`);
  console.log(`  ${await speed(det.file, p.model, entry.shapes, 20)}`);
}
