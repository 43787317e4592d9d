/**
 * Recipes for the small models the tests use. Each is a plain function returning a ModelProto; weights
 * are seeded random so results are reproducible. Shapes are documented so tests can compute expected
 * costs by hand.
 */
import { DataType } from '../../src/engine/onnx/types';
import type { ModelProto } from '../../src/engine/onnx/types';
import { float, GraphBuilder } from './onnxBuilder';
import { randomNormal } from './random';

/** A weight generator with its own seed sequence, so each recipe gives the same weights on every call. */
function weights(seed: number): (n: number, std?: number) => Float32Array {
  let s = seed;
  return (n, std = 0.1) => randomNormal(n, std, s++);
}

/** Conv(3→8,3x3,pad1) → BN → Relu → MaxPool(2) → Conv(8→16,3x3) → Relu → GlobalAvgPool → Flatten → Gemm(16→10). Input [N,3,32,32]. */
export function tinyCnn(batch: number | string = 1): ModelProto {
  const w = weights(1000);
  const g = new GraphBuilder('tiny_cnn');
  const x = g.input('input', [batch, 3, 32, 32]);
  g.init('conv1.w', [8, 3, 3, 3], w(8 * 27));
  g.init('conv1.b', [8], w(8));
  const c1 = g.op('Conv', [x, 'conv1.w', 'conv1.b'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, 'conv1');
  g.init(
    'bn1.scale',
    [8],
    Float32Array.from(w(8), (v) => 1 + v),
  );
  g.init('bn1.bias', [8], w(8));
  g.init('bn1.mean', [8], w(8));
  g.init(
    'bn1.var',
    [8],
    Float32Array.from(w(8), (v) => 1 + Math.abs(v)),
  );
  const b1 = g.op(
    'BatchNormalization',
    [c1, 'bn1.scale', 'bn1.bias', 'bn1.mean', 'bn1.var'],
    { epsilon: float(1e-5) },
    'bn1',
  );
  const r1 = g.op('Relu', [b1], {}, 'relu1');
  const p1 = g.op('MaxPool', [r1], { kernel_shape: [2, 2], strides: [2, 2] }, 'pool1');
  g.init('conv2.w', [16, 8, 3, 3], w(16 * 72));
  g.init('conv2.b', [16], w(16));
  const c2 = g.op('Conv', [p1, 'conv2.w', 'conv2.b'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, 'conv2');
  const r2 = g.op('Relu', [c2], {}, 'relu2');
  const gap = g.op('GlobalAveragePool', [r2], {}, 'gap');
  const flat = g.op('Flatten', [gap], { axis: 1 }, 'flatten');
  g.init('fc.w', [10, 16], w(160));
  g.init('fc.b', [10], w(10));
  g.node('Gemm', [flat, 'fc.w', 'fc.b'], ['logits'], { transB: 1 }, 'fc');
  g.output('logits', [batch, 10]);
  return g.model(13, 7);
}

/** MatMul(in→hidden) → Add → Relu → MatMul(hidden→out) → Add. Input [batch, in]. */
export function mlp(inDim = 64, hidden = 128, outDim = 10, batch: number | string = 'batch'): ModelProto {
  const w = weights(2000);
  const g = new GraphBuilder('mlp');
  const x = g.input('x', [batch, inDim]);
  g.init('w1', [inDim, hidden], w(inDim * hidden));
  g.init('b1', [hidden], w(hidden));
  g.init('w2', [hidden, outDim], w(hidden * outDim));
  g.init('b2', [outDim], w(outDim));
  const h = g.op('Relu', [g.op('Add', [g.op('MatMul', [x, 'w1'], {}, 'fc1'), 'b1'], {}, 'fc1_bias')], {}, 'act');
  g.node('Add', [g.op('MatMul', [h, 'w2'], {}, 'fc2'), 'b2'], ['y'], {}, 'fc2_bias');
  g.output('y', [batch, outDim]);
  return g.model(17, 8);
}

export interface EncoderConfig {
  layers: number;
  hidden: number;
  heads: number;
  ffn: number;
}

/**
 * A BERT-style encoder: per layer, Q/K/V MatMul+Add, Reshape/Transpose to heads, scaled QKᵀ, Softmax, ·V,
 * output projection, residual + LayerNormalization, FFN with erf-GELU, residual + LayerNormalization.
 * Input `hidden_states` [batch, seq, hidden] with symbolic batch and seq. Opset 17 (LayerNormalization).
 */
export function bertEncoder(cfg: EncoderConfig = { layers: 2, hidden: 64, heads: 4, ffn: 256 }): ModelProto {
  const w = weights(3000);
  const { layers, hidden, heads, ffn } = cfg;
  const headDim = hidden / heads;
  const g = new GraphBuilder('bert_encoder');
  let x = g.input('hidden_states', ['batch', 'seq', hidden]);
  g.init('heads_shape', [4], [0, 0, heads, headDim], DataType.INT64);
  g.init('merge_shape', [3], [0, 0, hidden], DataType.INT64);
  g.init('scale', [], [1 / Math.sqrt(headDim)]);
  g.init('half', [], [0.5]);
  g.init('one', [], [1]);
  g.init('sqrt2', [], [Math.SQRT2]);
  const linear = (inp: string, name: string, i: number, o: number): string => {
    g.init(`${name}.weight`, [i, o], w(i * o, 1 / Math.sqrt(i)));
    g.init(`${name}.bias`, [o], w(o, 0.02));
    return g.op(
      'Add',
      [g.op('MatMul', [inp, `${name}.weight`], {}, `${name}/MatMul`), `${name}.bias`],
      {},
      `${name}/Add`,
    );
  };
  const layerNorm = (inp: string, name: string): string => {
    g.init(
      `${name}.gamma`,
      [hidden],
      Float32Array.from(w(hidden, 0.02), (v) => 1 + v),
    );
    g.init(`${name}.beta`, [hidden], w(hidden, 0.02));
    return g.op(
      'LayerNormalization',
      [inp, `${name}.gamma`, `${name}.beta`],
      { axis: -1, epsilon: float(1e-12) },
      name,
    );
  };
  for (let l = 0; l < layers; l++) {
    const p = `/encoder/layer.${l}`;
    const split = (t: string, n: string): string =>
      g.op(
        'Transpose',
        [g.op('Reshape', [t, 'heads_shape'], {}, `${p}/attention/${n}/Reshape`)],
        { perm: [0, 2, 1, 3] },
        `${p}/attention/${n}/Transpose`,
      );
    const q = split(linear(x, `${p}/attention/query`, hidden, hidden), 'q');
    const k = g.op(
      'Transpose',
      [
        g.op(
          'Reshape',
          [linear(x, `${p}/attention/key`, hidden, hidden), 'heads_shape'],
          {},
          `${p}/attention/k/Reshape`,
        ),
      ],
      { perm: [0, 2, 3, 1] },
      `${p}/attention/k/Transpose`,
    );
    const v = split(linear(x, `${p}/attention/value`, hidden, hidden), 'v');
    const scores = g.op('Mul', [g.op('MatMul', [q, k], {}, `${p}/attention/QK`), 'scale'], {}, `${p}/attention/scale`);
    const probs = g.op('Softmax', [scores], { axis: -1 }, `${p}/attention/Softmax`);
    const ctx = g.op('MatMul', [probs, v], {}, `${p}/attention/PV`);
    const merged = g.op(
      'Reshape',
      [g.op('Transpose', [ctx], { perm: [0, 2, 1, 3] }, `${p}/attention/merge/Transpose`), 'merge_shape'],
      {},
      `${p}/attention/merge/Reshape`,
    );
    const attnOut = linear(merged, `${p}/attention/output`, hidden, hidden);
    const h1 = layerNorm(g.op('Add', [attnOut, x], {}, `${p}/attention/residual`), `${p}/attention/LayerNorm`);
    const up = linear(h1, `${p}/ffn/up`, hidden, ffn);
    const erf = g.op('Erf', [g.op('Div', [up, 'sqrt2'], {}, `${p}/ffn/gelu/Div`)], {}, `${p}/ffn/gelu/Erf`);
    const gelu = g.op(
      'Mul',
      [g.op('Mul', [up, g.op('Add', [erf, 'one'], {}, `${p}/ffn/gelu/Add`)], {}, `${p}/ffn/gelu/Mul`), 'half'],
      {},
      `${p}/ffn/gelu/Mul2`,
    );
    const down = linear(gelu, `${p}/ffn/down`, ffn, hidden);
    x = layerNorm(g.op('Add', [down, h1], {}, `${p}/ffn/residual`), `${p}/ffn/LayerNorm`);
  }
  g.node('Identity', [x], ['last_hidden_state'], {}, 'output');
  g.output('last_hidden_state', ['batch', 'seq', hidden]);
  return g.model(17, 8);
}

/** If(cond) → then: x·2, else: x+1, with a weight in a Constant node and shared through Identity. Inputs cond [] bool, x [N,4]. */
export function ifModel(): ModelProto {
  const thenB = new GraphBuilder('then_branch');
  thenB.node('Mul', ['x', 'two'], ['then_out'], {}, 'then_mul');
  thenB.output('then_out', ['N', 4]);
  const elseB = new GraphBuilder('else_branch');
  elseB.node('Add', ['x', 'one_shared'], ['else_out'], {}, 'else_add');
  elseB.output('else_out', ['N', 4]);
  const g = new GraphBuilder('if_model');
  g.input('cond', [], DataType.BOOL);
  g.input('x', ['N', 4]);
  g.constant('two', [], [2]);
  g.constant('one', [4], [1, 1, 1, 1]);
  g.node('Identity', ['one'], ['one_shared'], {}, 'share_one');
  g.node('If', ['cond'], ['y'], { then_branch: thenB.graph(), else_branch: elseB.graph() }, 'branch');
  g.output('y', ['N', 4]);
  return g.model(17, 8);
}

/** One MatMul [1,m,k]×[k,n] that dominates a few cheap ops; for checking that profiling ranks it first. */
export function dominantMatMul(m = 256, k = 1024, n = 1024): ModelProto {
  const w = weights(5000);
  const g = new GraphBuilder('dominant');
  const x = g.input('x', [1, m, k]);
  g.init('big.w', [k, n], w(k * n, 0.02));
  const a = g.op('Relu', [x], {}, 'cheap_relu');
  const y = g.op('MatMul', [a, 'big.w'], {}, 'huge_matmul');
  g.node('Sigmoid', [y], ['out'], {}, 'cheap_sigmoid');
  g.output('out', [1, m, n]);
  return g.model(17, 8);
}

/** x [1,8,dim] → n × (MatMul W_i [dim,dim] → Relu); W_outlier gets one huge entry (int8 then zeroes the rest). */
export function outlierMlp(layers: number, dim: number, outlierLayer?: number): ModelProto {
  const g = new GraphBuilder('deep_mlp');
  let x = g.input('x', [1, 8, dim]);
  for (let i = 0; i < layers; i++) {
    const w = randomNormal(dim * dim, 1 / Math.sqrt(dim), 700 + i);
    // Row 3 reads a feature the previous layer's bias forces to 0 through Relu: the outlier adds nothing to
    // the float output, but sets the per-tensor int8 scale so that every other weight rounds to 0.
    if (i === outlierLayer) w[3 * dim] = 400;
    const b = new Float32Array(dim);
    if (outlierLayer !== undefined && i === outlierLayer - 1) b[3] = -1e4;
    g.init(`w${i}`, [dim, dim], w);
    g.init(`b${i}`, [dim], b);
    const mm = g.op('MatMul', [x, `w${i}`], {}, `fc${i}`);
    x = g.op('Relu', [g.op('Add', [mm, `b${i}`], {}, `bias${i}`)], {}, `act${i}`);
  }
  g.node('Identity', [x], ['y'], {}, 'out');
  g.output('y', [1, 8, dim]);
  return g.model(17, 8);
}

/** Relu, Identity, Relu, … on [1, 8]: one box per node, no name scopes; half the nodes are no-ops simplify removes. */
export function reluIdentityChain(n: number): ModelProto {
  const g = new GraphBuilder('chain');
  let x = g.input('x', [1, 8]);
  for (let i = 0; i < n; i++) x = g.op(i % 2 ? 'Identity' : 'Relu', [x]);
  g.output(x, [1, 8]);
  return g.model(17);
}

/**
 * The CNN counterpart of outlierMlp (issue 18): x [1,c,16,16] → n × (3×3 Conv with bias → Relu). Conv
 * `conv{outlierLayer}` reads input channel 3, which the previous layer's bias forces to 0 through Relu, with
 * one huge weight: it adds nothing in float, but per-tensor int8 rounds every other weight of that Conv to 0.
 */
export function outlierCnn(layers: number, channels: number, outlierLayer?: number): ModelProto {
  const g = new GraphBuilder('outlier_cnn');
  let x = g.input('x', [1, channels, 16, 16]);
  const k = 3;
  for (let i = 0; i < layers; i++) {
    const fanIn = channels * k * k;
    const w = randomNormal(channels * fanIn, Math.sqrt(2 / fanIn), 900 + i);
    if (i === outlierLayer) w[3 * k * k + 4] = 400; // output channel 0, input channel 3, kernel centre
    const b = new Float32Array(channels);
    if (outlierLayer !== undefined && i === outlierLayer - 1) b[3] = -1e4;
    g.init(`conv${i}.weight`, [channels, channels, k, k], w);
    g.init(`conv${i}.bias`, [channels], b);
    const c = g.op(
      'Conv',
      [x, `conv${i}.weight`, `conv${i}.bias`],
      { kernel_shape: [k, k], pads: [1, 1, 1, 1] },
      `conv${i}`,
    );
    x = g.op('Relu', [c], {}, `relu${i}`);
  }
  g.node('Identity', [x], ['y'], {}, 'out');
  g.output('y', [1, channels, 16, 16]);
  return g.model(17, 8);
}

/**
 * x [1,8,dim] → n × (MatMul W_i → Relu) where W_{culprit} has one weight `outlier`× the typical size: per-tensor
 * int8 rounds that layer's other weights coarsely (it adds clearly more error than the others) while the later
 * layers add their own error on top, so each later output is worse than the culprit's (issue 18: the
 * accumulated error points downstream, the added error at the culprit). Layer i's weights have seed 1700+i,
 * so `culpritMlp(k, …)` is the first k layers of a longer one.
 */
export function culpritMlp(layers: number, dim: number, culprit: number, outlier = 40): ModelProto {
  const g = new GraphBuilder('culprit_mlp');
  let x = g.input('x', [1, 8, dim]);
  for (let i = 0; i < layers; i++) {
    const w = randomNormal(dim * dim, Math.sqrt(2 / dim), 1700 + i);
    if (i === culprit) w[5] = outlier * Math.sqrt(2 / dim);
    g.init(`w${i}`, [dim, dim], w);
    x = g.op('Relu', [g.op('MatMul', [x, `w${i}`], {}, `fc${i}`)], {}, `act${i}`);
  }
  g.output(x, [1, 8, dim]);
  return g.model(17, 8);
}
