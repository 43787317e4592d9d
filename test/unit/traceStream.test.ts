import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  measuredRuns,
  measuredRunsFromFile,
  parseTraceEvents,
  parseTraceFile,
} from '../../src/engine/profile/traceParse';
import { makeTempDir, removeDir } from '../support/tmp';

/** One event per line with the name unescaped, as onnxruntime writes its trace. */
function ortLine(cat: string, name: string, ts: number, dur: number, op = ''): string {
  const args = op ? `{"op_name" :"${op}","provider" :"CPUExecutionProvider","output_size" :"16"}` : '{}';
  return `{"cat" :"${cat}","pid" :1,"tid" :1,"dur" :${dur},"ts" :${ts},"ph" :"X","name" :"${name}","args" :${args}}`;
}

describe('profile trace streaming', () => {
  let dir: string;
  before(() => (dir = makeTempDir()));
  after(() => removeDir(dir));

  it('reads a multi-MiB trace file line by line with the same events as the in-memory parser', () => {
    // 3 runs × 12k kernels, names with multi-byte UTF-8 and quotes, so lines straddle the 1 MiB chunks.
    const lines: string[] = [];
    let ts = 0;
    for (let r = 0; r < 3; r++) {
      const runTs = ts;
      const kernels: string[] = [];
      for (let k = 0; k < 12_000; k++) kernels.push(ortLine('Node', `层_${k}"q_kernel_time`, ++ts, 1, 'Relu'));
      ts += 2;
      lines.push(ortLine('Session', 'model_run', runTs, ts - runTs), ...kernels);
    }
    const text = `[\n${lines.join(',\n')}\n]\n`;
    assert.ok(Buffer.byteLength(text) > 3 * 2 ** 20);
    const file = path.join(dir, 'trace.json');
    fs.writeFileSync(file, text);
    const streamed = parseTraceFile(file);
    const whole = parseTraceEvents(text);
    assert.equal(streamed.kernels.length, 36_000);
    assert.equal(streamed.runs.length, 3);
    assert.deepEqual(streamed, whole);
    assert.equal(streamed.kernels[5]!.name, '层_5"q');
    const runs = measuredRunsFromFile(file, 1);
    assert.deepEqual(runs, measuredRuns(text, 1));
    assert.equal(runs.length, 2);
    assert.equal(runs[0]!.kernels.length, 12_000);
  });

  it('reads plain-JSON traces and reports unreadable lines as trace errors', () => {
    const plain = path.join(dir, 'plain.json');
    fs.writeFileSync(plain, JSON.stringify([{ cat: 'Session', name: 'model_run', ts: 0, dur: 5 }]));
    assert.equal(parseTraceFile(plain).runs.length, 1);
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, `[\n${ortLine('Session', 'model_run', 0, 5)},\n{"cat" :broken\n]\n`);
    assert.throws(() => parseTraceFile(bad), /unreadable onnxruntime profile trace line/);
  });
});
