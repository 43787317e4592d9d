import * as assert from 'node:assert/strict';
import { measuredRuns, parseTraceEvents } from '../../src/engine/profile/traceParse';
import { latencyStats, quantile } from '../../src/engine/profile/stats';

/** A trace-event list shaped like onnxruntime's (only the fields the parser reads, plus noise it must ignore). */
function kernel(name: string, op: string, ts: number, dur: number, extra: Record<string, unknown> = {}): object {
  // Key order as onnxruntime writes it: the name comes right before args.
  return {
    cat: 'Node',
    ph: 'X',
    ts,
    dur,
    name: `${name}_kernel_time`,
    args: {
      op_name: op,
      provider: 'CPUExecutionProvider',
      node_index: '0',
      output_size: '16',
      activation_size: '8',
      parameter_size: '4',
      ...extra,
    },
  };
}
const run = (ts: number, dur: number): object => ({ cat: 'Session', ph: 'X', ts, dur, name: 'model_run', args: {} });

describe('profile trace parsing', () => {
  // Run 0 (warm-up) and two measured runs. In run 2 an If [200, 260] contains two subgraph kernels.
  const events = [
    { cat: 'Session', ph: 'X', ts: 0, dur: 50, name: 'session_initialization', args: {} },
    run(100, 40),
    kernel('a', 'Relu', 101, 30),
    { cat: 'Node', ph: 'X', ts: 101, dur: 0, name: 'a_fence_before', args: {} },
    run(200, 70),
    kernel('if', 'If', 201, 60),
    kernel('then/mul', 'Mul', 205, 20, { output_type_shape: [{ float: [2, 4] }], mem_in_use_peak: '1024' }),
    kernel('then/add', 'Add', 230, 25),
    kernel('tail', 'Relu', 262, 5),
    run(300, 20),
    kernel('tail', 'Relu', 301, 7),
  ];
  const text = JSON.stringify(events);

  it('reads kernel and model_run events with their byte counts and shapes', () => {
    const { kernels, runs } = parseTraceEvents(text);
    assert.equal(runs.length, 3);
    assert.equal(kernels.length, 6);
    const mul = kernels.find((k) => k.name === 'then/mul')!;
    assert.equal(mul.op, 'Mul');
    assert.equal(mul.outputBytes, 16);
    assert.equal(mul.activationBytes, 8);
    assert.equal(mul.paramBytes, 4);
    assert.equal(mul.arenaPeakBytes, 1024);
    assert.deepEqual(mul.outputShapes, [{ type: 'float', dims: [2, 4] }]);
  });

  it('drops warm-up runs and subtracts nested subgraph kernels from their If', () => {
    const runs = measuredRuns(text, 1);
    assert.equal(runs.length, 2);
    const self = Object.fromEntries(runs[0]!.kernels.map((k) => [k.event.name, k.selfUs]));
    // If self time: 60 − (20 + 25) = 15; children and the later node keep their own durations.
    assert.deepEqual(self, { if: 15, 'then/mul': 20, 'then/add': 25, tail: 5 });
    // Self times never exceed the run they belong to.
    assert.ok(Object.values(self).reduce((a, b) => a + b, 0) <= runs[0]!.dur);
    assert.deepEqual(
      runs[1]!.kernels.map((k) => [k.event.name, k.selfUs]),
      [['tail', 7]],
    );
  });

  it('reads node names that onnxruntime wrote without JSON escaping (one event per line)', () => {
    const name = 'x"y\\z <b>';
    const ortText = ['[', ...events.map((e) => `${JSON.stringify(e)},`), ']']
      .join('\n')
      .replace('"a_kernel_time"', `"${name}_kernel_time"`);
    assert.throws(() => JSON.parse(ortText));
    const { kernels } = parseTraceEvents(ortText);
    assert.equal(kernels[0]!.name, name);
    assert.equal(kernels.length, 6);
  });

  it('rejects a trace with no measured run', () => {
    assert.throws(() => measuredRuns(JSON.stringify([run(0, 5)]), 1), /model_run/);
    assert.throws(() => parseTraceEvents('{not json'), /not JSON/);
  });

  it('computes linear-interpolated quantiles as numpy does', () => {
    // numpy.percentile([1, 2, 3, 4], 90) = 3.7; median of an even count is the midpoint.
    assert.equal(quantile([4, 1, 3, 2], 0.9).toFixed(6), '3.700000');
    assert.equal(quantile([4, 1, 3, 2], 0.5), 2.5);
    const s = latencyStats([5, 1, 3]);
    assert.deepEqual([s.p50, s.min, s.max, s.mean, s.runs], [3, 1, 5, 3, 3]);
  });
});
