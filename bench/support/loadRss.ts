/**
 * Child-process probe: peak resident memory (VmHWM) while loading + analysing one model, and the baseline
 * before it. Linux only (reads /proc/self/status; writing 5 to clear_refs resets the high-water mark).
 */
import * as fs from 'node:fs';
import { costModel } from '../../src/engine/graph/costModel';
import { inferShapes } from '../../src/engine/graph/shapeInference';
import { readModel } from '../../src/engine/onnx/readModel';

function status(key: string): number {
  const line = fs
    .readFileSync('/proc/self/status', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(key));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) * 1024;
}

const file = process.argv[2]!;
const baselineRss = status('VmRSS:');
fs.writeFileSync('/proc/self/clear_refs', '5');
const model = readModel(file);
costModel(inferShapes(model.proto));
const peakRss = status('VmHWM:');
process.stdout.write(JSON.stringify({ baselineRss, peakRss, nodes: model.proto.graph?.node?.length ?? 0 }));
