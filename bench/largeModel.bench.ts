/**
 * Issue 9: a synthetic 3 GiB model (external data) is inspected and profiled without its weights entering
 * the JS heap. Prints this process's heap growth and the runtime process's peak RSS, each as a ratio to the
 * weight bytes.
 */
import { runProfile } from '../src/engine/profile/runProfile';
import { readModel } from '../src/engine/onnx/readModel';
import { buildInspectReport } from '../src/engine/report/inspectReport';
import { RuntimeClient } from '../src/engine/runtime/runtimeClient';
import { LARGE_DIM, writeLargeModel } from '../test/support/largeModel';
import { makeTempDir, removeDir } from '../test/support/tmp';

const gib = (b: number): string => `${(b / 2 ** 30).toFixed(2)} GiB`;
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;

export async function bench(): Promise<void> {
  const dir = makeTempDir();
  const client = new RuntimeClient();
  try {
    const { file, weightBytes } = writeLargeModel(dir);
    const heap = (): number => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    const h0 = heap();
    const report = buildInspectReport(readModel(file), { dims: { batch: 1 } });
    const h1 = heap();
    const profile = await runProfile(client, {
      model: file,
      settings: { optimizationLevel: 'disabled', intraOpThreads: 2 },
      feeds: { shapes: { x: [1, LARGE_DIM] } },
      runs: 3,
      warmup: 1,
      plain: false,
    });
    const h2 = heap();
    console.log(`model: ${gib(weightBytes)} of weights in external data, ${report.nodeCount} nodes`);
    console.log(
      `inspect: JS heap + buffers grew ${mib(h1 - h0)} (${((h1 - h0) / weightBytes).toFixed(4)}× the weights)`,
    );
    console.log(
      `profile: JS heap + buffers grew ${mib(h2 - h1)} in this process; p50 ${profile.latency.profiled.p50.toFixed(1)} ms`,
    );
    const peak = profile.memory.peakRssBytes;
    console.log(
      `runtime process peak RSS during the runs: ${peak === null ? 'n/a' : `${gib(peak)} (${(peak / weightBytes).toFixed(2)}× the weights)`}`,
    );
  } finally {
    client.dispose();
    removeDir(dir);
  }
}
