/**
 * Issue 3: the profiler's overhead, profiled p50 / plain p50, on ppocr-det and on built models (a small BERT
 * encoder: many cheap nodes, where per-node profiling costs show most; one large MatMul: where they vanish).
 * Each profile job times a plain session and then a profiled one with the same settings and inputs in the
 * runtime process; three jobs per model, the median ratio is printed with the three ratios for spread.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { writeModel } from '../src/engine/onnx/writeModel';
import { runProfile, type ProfileJob } from '../src/engine/profile/runProfile';
import { RuntimeClient } from '../src/engine/runtime/runtimeClient';
import { bertEncoder, dominantMatMul } from '../test/support/models';
import { listRealModels } from '../test/support/realModels';
import { regressionEntry } from '../test/support/regression';
import { makeTempDir, removeDir } from '../test/support/tmp';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function bench(): Promise<void> {
  const dir = makeTempDir('onnx-tuner-bench-');
  const client = new RuntimeClient();
  try {
    const jobs: [string, ProfileJob][] = [];
    const ppocr = listRealModels().find((m) => m.name === 'ppocr-det');
    if (ppocr)
      jobs.push([
        'ppocr-det [1,3,320,320]',
        {
          model: ppocr.file,
          settings: { intraOpThreads: 1 },
          feeds: { shapes: regressionEntry('ppocr-det').shapes },
          runs: 30,
          warmup: 5,
        },
      ]);
    else console.log('ppocr-det not fetched: skipped');
    const bert = path.join(dir, 'bert.onnx');
    writeModel(bertEncoder({ layers: 4, hidden: 128, heads: 4, ffn: 512 }), bert);
    jobs.push([
      'built BERT encoder (4 layers, hidden 128)',
      { model: bert, settings: { intraOpThreads: 1 }, feeds: { dims: { batch: 1, seq: 128 } }, runs: 50, warmup: 5 },
    ]);
    const mm = path.join(dir, 'matmul.onnx');
    writeModel(dominantMatMul(256, 1024, 1024), mm);
    jobs.push([
      'built dominant MatMul [256,1024]x[1024,1024]',
      { model: mm, settings: { intraOpThreads: 1 }, feeds: {}, runs: 30, warmup: 5 },
    ]);
    console.log(`cpu: ${os.cpus()[0]?.model ?? '?'}, 1 intra-op thread`);
    for (const [label, job] of jobs) {
      const ratios: number[] = [];
      let last;
      for (let i = 0; i < 3; i++) {
        last = await runProfile(client, job);
        ratios.push(last.latency.profilerOverhead!);
      }
      console.log(
        `${label}: profiler overhead ${median(ratios).toFixed(2)}x (runs: ${ratios.map((r) => r.toFixed(2)).join(', ')}); ` +
          `plain p50 ${last!.latency.plain!.p50.toFixed(2)} ms, ${last!.nodes.length} nodes, nodes explain ${(last!.attribution.coverage * 100).toFixed(1)}% of model_run`,
      );
    }
  } finally {
    client.dispose();
    removeDir(dir);
  }
}
