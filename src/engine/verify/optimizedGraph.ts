/**
 * What ORT's graph optimizer made of a model: the session saves its optimized graph
 * (`optimizedModelFilePath`), which we read back and count. For a QDQ model this says how many Convs and
 * MatMuls actually run in int8 (QLinearConv, QGemm, ...) and how many stayed float (Conv, FusedConv, NCHWc
 * Conv) — "15 of 15 Conv run in int8". QDQ placement decides this, and with it the speed (DESIGN.md).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readModel } from '../onnx/readModel';
import type { GraphProto } from '../onnx/types';
import type { RuntimeSettings } from '../runtime/sessionOptions';
import { createSession } from './modelSource';

export type OpCounts = ReadonlyMap<string, number>;

/** The graph ORT runs at the given settings (default level `all`), as it saved it. */
export async function optimizedGraph(input: string | Uint8Array, runtime: RuntimeSettings = {}): Promise<GraphProto> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx-tuner-optimized-'));
  try {
    const file = path.join(dir, 'optimized.onnx');
    const s = await createSession(input, { ...runtime, optimizedModelFilePath: file });
    await s.release();
    return readModel(file).proto.graph ?? {};
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Op counts of the graph ORT runs at the given settings (default level `all`). */
export async function optimizedOpCounts(input: string | Uint8Array, runtime: RuntimeSettings = {}): Promise<OpCounts> {
  const counts = new Map<string, number>();
  for (const n of (await optimizedGraph(input, runtime)).node ?? [])
    counts.set(n.op_type ?? '', (counts.get(n.op_type ?? '') ?? 0) + 1);
  return counts;
}

export interface Int8Coverage {
  readonly op: 'Conv' | 'MatMul';
  readonly int8: number;
  readonly total: number;
}

const INT8_KERNELS: Record<Int8Coverage['op'], readonly string[]> = {
  Conv: ['QLinearConv', 'ConvInteger'],
  MatMul: ['QLinearMatMul', 'QGemm', 'MatMulInteger', 'DynamicQuantizeMatMul', 'MatMulIntegerToFloat'],
};
const FLOAT_KERNELS: Record<Int8Coverage['op'], readonly string[]> = {
  Conv: ['Conv', 'FusedConv'],
  MatMul: ['MatMul', 'Gemm', 'FusedMatMul', 'FusedGemm'],
};

/** How many Conv / MatMul-like kernels run in int8, from optimized-graph op counts (NCHWc `Conv` is float). */
export function int8Coverage(counts: OpCounts): Int8Coverage[] {
  const sum = (ops: readonly string[]): number => ops.reduce((s, op) => s + (counts.get(op) ?? 0), 0);
  return (['Conv', 'MatMul'] as const)
    .map((op) => {
      const int8 = sum(INT8_KERNELS[op]);
      const float = sum(FLOAT_KERNELS[op]);
      return { op, int8, total: int8 + float };
    })
    .filter((c) => c.total > 0);
}

export function coverageText(list: readonly Int8Coverage[]): string {
  return list.map((c) => `${c.int8} of ${c.total} ${c.op} run in int8`).join(', ');
}
