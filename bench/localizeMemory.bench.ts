/**
 * Issue 18: per-node error on a 30k-node graph within bounded memory. A chain of 15k MatMul [1,16]×[16,16]
 * + Relu pairs is quantized (dynamic int8) and localised node by node, once fetching every exposed tensor in
 * one run and once in chunks of 8 MiB; each in its own process, so the peak RSS printed is that run's.
 * Set LOCALIZE_NODES to change the size.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeModel } from '../src/engine/onnx/writeModel';
import type { ModelProto } from '../src/engine/onnx/types';
import { quantizeDynamic } from '../src/engine/transform/quantize/dynamic';
import { GraphBuilder } from '../test/support/onnxBuilder';
import { randomNormal } from '../test/support/random';

function matmulChain(nodes: number, width: number): ModelProto {
  const g = new GraphBuilder('chain');
  let x = g.input('x', [1, 256, width]);
  for (let i = 0; i < nodes / 2; i++) {
    g.init(`w${i}`, [width, width], randomNormal(width * width, 1 / Math.sqrt(width), i));
    x = g.op('Relu', [g.op('MatMul', [x, `w${i}`], {}, `mm${i}`)], {}, `relu${i}`);
  }
  g.output(x, [1, 256, width]);
  return g.model(17);
}

export async function bench(): Promise<void> {
  const nodes = Number(process.env.LOCALIZE_NODES ?? 30_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx-tuner-bench-localize-'));
  try {
    const model = matmulChain(nodes, 16);
    const a = writeModel(model, path.join(dir, 'float.onnx'));
    const b = writeModel(quantizeDynamic(model).model, path.join(dir, 'int8.onnx'));
    const activations = (nodes * 256 * 16 * 4) / 2 ** 20;
    console.log(
      `${nodes}-node chain: float file ${(a.bytes / 2 ** 20).toFixed(1)} MiB, int8 file ${(b.bytes / 2 ** 20).toFixed(1)} MiB, all activations together ${activations.toFixed(0)} MiB`,
    );
    for (const [label, chunk] of [
      ['one run', Number.MAX_SAFE_INTEGER],
      ['chunks of 8 MiB', 8 * 2 ** 20],
    ] as const) {
      const r = spawnSync(
        process.execPath,
        [require.resolve('tsx/cli'), path.join(__dirname, 'support', 'localizeOnce.ts'), a.file, b.file, String(chunk)],
        { encoding: 'utf8', maxBuffer: 1 << 26 },
      );
      const last = r.stdout.trim().split('\n').pop() ?? '';
      if (r.status !== 0) console.log(`  ${label}: failed (${r.stderr.trim().split('\n').pop()})`);
      else {
        const m = JSON.parse(last) as { nodes: number; seconds: number; peakRssMb: number };
        console.log(
          `  ${label.padEnd(16)} ${m.nodes} nodes compared in ${m.seconds.toFixed(1)} s, peak RSS ${m.peakRssMb.toFixed(0)} MiB`,
        );
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
