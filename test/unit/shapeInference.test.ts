import { strict as assert } from 'node:assert';
import { inferShapes } from '../../src/engine/graph/shapeInference';
import { readModel } from '../../src/engine/onnx/readModel';
import type { ModelProto } from '../../src/engine/onnx/types';
import { modelToBuffer } from '../../src/engine/onnx/writeModel';
import { DataType } from '../../src/engine/onnx/types';
import { bertEncoder, ifModel, mlp, tinyCnn } from '../support/models';
import { GraphBuilder } from '../support/onnxBuilder';
import { createSession, feedsFor } from '../support/ortRun';
import { withAllOutputs } from '../support/probe';
import { realModelsOrSkip } from '../support/realModels';
import { regressionEntry, type RegressionEntry } from '../support/regression';

/** Runs the model with every intermediate exposed; returns [ours, ORT's] shape per value. */
async function compareWithOrt(model: ModelProto, entry: RegressionEntry, dims: Record<string, number> = {}) {
  const ours = inferShapes(model, { inputShapes: entry.shapes, dims }).main.types;
  const session = await createSession(modelToBuffer(withAllOutputs(model)), { graphOptimizationLevel: 'disabled' });
  const out = await session.run(feedsFor(session, entry));
  await session.release();
  let exact = 0;
  const unknown: string[] = [];
  const wrong: string[] = [];
  for (const [name, t] of Object.entries(out)) {
    const s = ours.get(name)?.shape;
    if (!s || s.some((d) => typeof d !== 'number')) unknown.push(name);
    else if (JSON.stringify(s) === JSON.stringify(t.dims)) exact++;
    else wrong.push(`${name}: ours ${JSON.stringify(s)}, ORT ${JSON.stringify(t.dims)}`);
  }
  return { exact, unknown, wrong, total: Object.keys(out).length };
}

describe('shape inference', () => {
  it('matches ORT on every intermediate value of the built models', async () => {
    const cases: [string, ModelProto, RegressionEntry][] = [
      ['tinyCnn', tinyCnn(), { shapes: { input: [1, 3, 32, 32] } }],
      ['mlp', mlp(), { shapes: { x: [5, 64] } }],
      ['bert', bertEncoder(), { shapes: { hidden_states: [2, 16, 64] } }],
    ];
    for (const [name, model, entry] of cases) {
      const r = await compareWithOrt(model, entry);
      assert.deepEqual(r.wrong, [], name);
      assert.deepEqual(r.unknown, [], name);
      assert.ok(r.exact > 0);
    }
  });

  it('matches ORT on LSTM, GRU (bidirectional), Split, Squeeze, Slice and a ceil-mode pool', async () => {
    const [seq, batch, inp, hidden] = [5, 2, 8, 16];
    const g = new GraphBuilder('rnn');
    g.input('x', [seq, batch, inp]);
    g.init('lstm.W', [1, 4 * hidden, inp], new Float32Array(4 * hidden * inp).fill(0.01));
    g.init('lstm.R', [1, 4 * hidden, hidden], new Float32Array(4 * hidden * hidden).fill(0.01));
    g.node('LSTM', ['x', 'lstm.W', 'lstm.R'], ['lstm_y', 'lstm_h', 'lstm_c'], { hidden_size: hidden }, 'lstm');
    g.init('gru.W', [2, 3 * hidden, inp], new Float32Array(2 * 3 * hidden * inp).fill(0.01));
    g.init('gru.R', [2, 3 * hidden, hidden], new Float32Array(2 * 3 * hidden * hidden).fill(0.01));
    g.node(
      'GRU',
      ['x', 'gru.W', 'gru.R'],
      ['gru_y', 'gru_h'],
      { hidden_size: hidden, direction: 'bidirectional' },
      'gru',
    );
    g.init('split_sizes', [2], [2, 3], DataType.INT64);
    g.node('Split', ['lstm_y', 'split_sizes'], ['part_a', 'part_b'], { axis: 0 }, 'split');
    g.init('axis1', [1], [1], DataType.INT64);
    g.node('Squeeze', ['part_b', 'axis1'], ['squeezed'], {}, 'squeeze');
    g.init('starts', [1], [1], DataType.INT64);
    g.init('ends', [1], [-1], DataType.INT64);
    g.init('axes', [1], [2], DataType.INT64);
    g.node('Slice', ['squeezed', 'starts', 'ends', 'axes'], ['sliced'], {}, 'slice');
    g.init('shape4', [4], [1, 1, seq * 2 * batch, hidden], DataType.INT64);
    g.node('Reshape', ['gru_y', 'shape4'], ['img'], {}, 'to_image');
    g.node('MaxPool', ['img'], ['pooled'], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }, 'pool');
    for (const o of ['lstm_h', 'lstm_c', 'gru_h', 'part_a', 'sliced', 'pooled']) g.output(o);
    const r = await compareWithOrt(g.model(13, 8), { shapes: { x: [seq, batch, inp] } });
    assert.deepEqual(r.wrong, []);
    assert.deepEqual(r.unknown, []);
    assert.equal(r.exact, r.total);
  });

  it('keeps symbolic dims by name and resolves them from user values', () => {
    const model = bertEncoder();
    const open = inferShapes(model).main.types;
    assert.deepEqual(open.get('last_hidden_state')?.shape, ['batch', 'seq', 64]);
    // Attention scores are [batch, heads, seq, seq]: symbols flow through Reshape(0,0,h,d) and Transpose.
    assert.deepEqual(
      open.get(model.graph!.node!.find((n) => n.name === '/encoder/layer.0/attention/Softmax')!.output![0]!)?.shape,
      ['batch', 4, 'seq', 'seq'],
    );
    const fixed = inferShapes(model, { dims: { batch: 1, seq: 128 } }).main.types;
    assert.deepEqual(fixed.get('last_hidden_state')?.shape, [1, 128, 64]);
  });

  it('infers through If subgraphs from the outer scope', () => {
    const inf = inferShapes(ifModel(), { dims: { N: 3 } });
    const [thenG, elseG] = [...inf.main.subgraphs.values()][0]!;
    assert.deepEqual(thenG!.types.get('then_out')?.shape, [3, 4]);
    assert.deepEqual(elseG!.types.get('else_out')?.shape, [3, 4]);
    assert.deepEqual(inf.main.types.get('y')?.shape, [3, 4]);
  });

  it('matches ORT on every intermediate value of the real models', async function () {
    this.timeout(120_000);
    for (const m of realModelsOrSkip(this)) {
      const entry = regressionEntry(m.name);
      if (entry.heavy) continue; // ISNet's 1024² activations: covered by inspect, too slow to probe every value
      const r = await compareWithOrt(readModel(m.file).proto, entry);
      assert.deepEqual(r.wrong, [], m.name);
      // Silero v5 picks its If branch from the sample rate at run time: its outputs merge two branches'
      // shapes, so a few dims stay unknown by design. Everything else must be exact.
      const allowedUnknown = m.name === 'silero-vad-v5' ? 4 : 0;
      assert.ok(r.unknown.length <= allowedUnknown, `${m.name}: unknown ${r.unknown.join(', ')}`);
    }
  });
});
