/**
 * One per-node error localisation in its own process (bench/localizeMemory.bench.ts): prints the nodes
 * compared, the seconds taken and the process's peak RSS, so chunked and one-shot runs are measured apart.
 * Usage: tsx bench/support/localizeOnce.ts FLOAT.onnx QUANTIZED.onnx CHUNK_BYTES
 */
import * as ort from 'onnxruntime-node';
import { readModel } from '../../src/engine/onnx/readModel';
import { synthesizeFeeds } from '../../src/engine/verify/feeds';
import { localizeError } from '../../src/engine/verify/localize';

async function once(): Promise<void> {
  const [a, b, chunk] = process.argv.slice(2);
  const A = readModel(a!).proto;
  const B = readModel(b!).proto;
  const s = await ort.InferenceSession.create(a!);
  const feeds = synthesizeFeeds(s, { model: A });
  await s.release();
  const t = performance.now();
  const errs = await localizeError(A, B, feeds, { chunkBytes: Number(chunk) });
  const seconds = (performance.now() - t) / 1000;
  console.log(JSON.stringify({ nodes: errs.length, seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
}

once().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
