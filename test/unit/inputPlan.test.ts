/**
 * Input planning without flags: representative dims (defaultDims.ts), value ranges read from the graph
 * (inputValueRanges.ts), the one CLI grammar (inputOptions.ts), and the BERT-style FLOPs against a hand count.
 */
import * as assert from 'node:assert/strict';
import { parseArgs } from '../../src/cli/args';
import { inputOptions, namedParts } from '../../src/cli/inputOptions';
import { defaultDims } from '../../src/engine/graph/defaultDims';
import { planInputs, summarizeAssumedDims, summarizeInputPlan } from '../../src/engine/graph/inputPlan';
import { buildInspectReport } from '../../src/engine/report/inspectReport';
import type { LoadedModel } from '../../src/engine/onnx/readModel';
import type { ModelProto } from '../../src/engine/onnx/types';
import {
  BERT,
  bertStyleEncoder,
  bertStyleFlops,
  dynamicCnn,
  gptStyleDecoder,
  oneHotClassifier,
  statefulAudio,
} from '../support/familyModels';
import { bertEncoder, ifModel } from '../support/models';

const loaded = (proto: ModelProto): LoadedModel =>
  ({ file: 'built-in-code.onnx', proto, fileBytes: 0, externalBytes: 0 }) as LoadedModel;

const rangeOf = (model: ModelProto, input: string) => planInputs(model).ranges.find((r) => r.input === input);

describe('input plan: dims', () => {
  it('BERT-style: batch 1, sequence 128, each assumption with its reason', () => {
    const plan = defaultDims(bertStyleEncoder());
    assert.deepEqual(plan.dims, { batch: 1, sequence: 128 });
    assert.deepEqual(plan.inputShapes.token_type_ids, [1, 128]);
    assert.deepEqual(
      plan.assumed.map((a) => [a.input, a.axis, a.value]),
      [
        ['input_ids', 0, 1],
        ['input_ids', 1, 128],
      ],
    );
    assert.match(plan.assumed[1]!.reason, /sequence-like/);
  });

  it('user dims and shapes win over the defaults and are not listed as assumed', () => {
    const plan = defaultDims(bertStyleEncoder(), { dims: { sequence: 7 } });
    assert.equal(plan.dims.sequence, 7);
    assert.deepEqual(plan.inputShapes.input_ids, [1, 7]);
    assert.deepEqual(
      plan.assumed.map((a) => a.symbol),
      ['batch'],
    );
    const shaped = defaultDims(dynamicCnn(), { inputShapes: { pixel_values: [2, 3, 96, 64] } });
    assert.deepEqual(shaped.inputShapes.pixel_values, [2, 3, 96, 64]);
    assert.equal(shaped.assumed.length, 0);
  });

  it('dynamic CNN [?,3,?,?]: batch 1 and 224×224 (a multiple of the stride-4 chain), never 1×1', () => {
    const plan = defaultDims(dynamicCnn());
    assert.deepEqual(plan.inputShapes.pixel_values, [1, 3, 224, 224]);
    assert.match(plan.assumed[1]!.reason, /stride chain's multiple of 4/);
  });

  it('GPT-style: the KV-cache mask dim named past + new is their sum', () => {
    const plan = defaultDims(gptStyleDecoder());
    assert.equal(plan.dims.past_sequence_length, 128);
    assert.equal(plan.dims.sequence, 128);
    assert.deepEqual(plan.inputShapes.attention_mask, [1, 256]);
    assert.deepEqual(plan.inputShapes['past_key_values.0.key'], [1, 4, 128, 16]);
    const sum = plan.assumed.find((a) => a.input === 'attention_mask');
    assert.match(sum!.reason, /past_sequence_length=128 \+ sequence=128/);
    assert.equal(plan.assumed.filter((a) => a.symbol === 'batch').length, 1);
  });
});

describe('input plan: values from the graph', () => {
  it('BERT-style: ids bounded by their embedding tables, the mask all ones', () => {
    const model = bertStyleEncoder();
    assert.deepEqual(rangeOf(model, 'input_ids')!.distribution, { kind: 'int-uniform', min: 0, max: BERT.vocab });
    assert.deepEqual(rangeOf(model, 'token_type_ids')!.distribution, { kind: 'int-uniform', min: 0, max: 2 });
    assert.match(rangeOf(model, 'token_type_ids')!.reason, /table of 2 rows/);
    assert.deepEqual(rangeOf(model, 'attention_mask')!.distribution, { kind: 'constant', value: 1 });
    assert.match(rangeOf(model, 'attention_mask')!.reason, /mask/);
  });

  it('OneHot indices lie in [0, depth); a sample rate compared with 16000 is 16000; audio in [-1,1]; state 0', () => {
    assert.deepEqual(rangeOf(oneHotClassifier(), 'labels')!.distribution, { kind: 'int-uniform', min: 0, max: 10 });
    const audio = statefulAudio();
    assert.deepEqual(rangeOf(audio, 'sr')!.distribution, { kind: 'constant', value: 16000 });
    assert.deepEqual(rangeOf(audio, 'input')!.distribution, { kind: 'uniform', min: -1, max: 1 });
    assert.deepEqual(rangeOf(audio, 'state')!.distribution, { kind: 'constant', value: 0 });
    assert.deepEqual(rangeOf(dynamicCnn(), 'pixel_values')!.distribution, { kind: 'normal', mean: 0, std: 1 });
  });

  it('a transformer block fed `hidden_states` gets data, not recurrent state: N(0,1) and a sequence length', () => {
    // The same block with its sequence dim renamed to a symbol that says nothing ('L'), as some exporters write.
    const model = structuredClone(bertEncoder());
    const dims = model.graph!.input![0]!.type!.tensor_type!.shape!.dim!;
    dims[1] = { dim_param: 'L' };
    assert.deepEqual(rangeOf(model, 'hidden_states')!.distribution, { kind: 'normal', mean: 0, std: 1 });
    const plan = defaultDims(model);
    assert.equal(plan.inputShapes['hidden_states']![1], 128, 'not 1: it is not the batch position of a state');
    // Recurrent state keeps its zeros and [layers, batch, hidden] reading.
    assert.deepEqual(rangeOf(statefulAudio(), 'state')!.distribution, { kind: 'constant', value: 0 });
  });

  it("--value overrides a range (constant or LO..HI) and is marked as the user's", () => {
    const plan = planInputs(bertStyleEncoder(), { values: { token_type_ids: 0, input_ids: { min: 5, max: 9 } } });
    const by = Object.fromEntries(plan.ranges.map((r) => [r.input, r]));
    assert.deepEqual(by.token_type_ids!.distribution, { kind: 'constant', value: 0 });
    assert.deepEqual(by.input_ids!.distribution, { kind: 'int-uniform', min: 5, max: 10 });
    assert.equal(by.input_ids!.source, 'user');
  });
});

describe('inspect without flags', () => {
  it(`BERT-style encoder: total FLOPs within 5% of a hand count at sequence 128`, () => {
    const report = buildInspectReport(loaded(bertStyleEncoder()));
    const hand = bertStyleFlops(1, 128);
    assert.equal(report.totals.unknownCostNodes, 0);
    assert.ok(
      Math.abs(report.totals.flops - hand) / hand < 0.05,
      `inspect ${report.totals.flops} FLOPs vs hand count ${hand}`,
    );
    // The top node is a real matrix op, not a 4-FLOP Mul on unknown dims.
    assert.equal(report.topByFlops[0]!.op, 'MatMul');
    assert.ok(report.inputPlan.assumed.some((a) => a.symbol === 'sequence' && a.value === 128));
  });

  it('outer-scope reads in subgraphs are not problems', () => {
    // ifModel's branches read 'x', 'two' and 'one_shared' from the main graph.
    assert.deepEqual(buildInspectReport(loaded(ifModel())).problems, []);
  });
});

describe('one input grammar', () => {
  const parse = (...argv: string[]) => inputOptions(parseArgs(argv, { values: ['dims', 'shape', 'value', 'inputs'] }));

  it('--shape accepts 1x3x224x224 and 1,3,224,224, several inputs in one flag', () => {
    assert.deepEqual(parse('--shape', 'x=1,3,320,320').shapes, { x: [1, 3, 320, 320] });
    assert.deepEqual(parse('--shape', 'x=1x3x320x320').shapes, { x: [1, 3, 320, 320] });
    assert.deepEqual(parse('--shape', 'a=1x3,b=2,4', '--shape=c=5').shapes, { a: [1, 3], b: [2, 4], c: [5] });
    assert.deepEqual(namedParts('a=1,2,b=3'), ['a=1,2', 'b=3']);
    assert.throws(() => parse('--shape', 'x=1x0'), /positive integers/);
  });

  it('--value takes a constant or an integer range; --dims pairs', () => {
    const o = parse('--value', 'sr=16000,ids=0..99', '--dims', 'batch=2,seq=64');
    assert.deepEqual(o.values, { sr: 16000 });
    assert.deepEqual(o.valueRanges, { ids: { min: 0, max: 99 } });
    assert.deepEqual(o.dims, { batch: 2, seq: 64 });
    assert.throws(() => parse('--value', 'ids=9..1'), /empty/);
  });
});

describe('input plan one-liners (Layer Costs header, comparison notes)', () => {
  it("names each assumed dim once, then each input's values", () => {
    const plan = planInputs(gptStyleDecoder());
    assert.equal(
      summarizeAssumedDims(plan.assumed),
      'assumed batch=1, sequence=128, past_sequence_length + sequence=256, past_sequence_length=128',
    );
    assert.match(
      summarizeInputPlan(plan),
      /^inputs: assumed batch=1, .*; values input_ids ints in \[0, 500\); attention_mask all 1;/,
    );
    assert.equal(summarizeAssumedDims([]), '');
  });
});
