/**
 * The model families users bring, built in code with every dim left open the way exporters leave them:
 * a BERT-style encoder (input_ids, attention_mask, token_type_ids, pooled output), a GPT-style decoder with
 * past key/values, a CNN with fully dynamic [N,3,H,W], an audio model with recurrent state and a sample-rate
 * scalar, and a model whose int input feeds OneHot. Shapes and sizes are documented so tests can count
 * FLOPs by hand.
 */
import { DataType } from '../../src/engine/onnx/types';
import type { ModelProto } from '../../src/engine/onnx/types';
import { float, GraphBuilder } from './onnxBuilder';
import { randomNormal } from './random';

function weights(seed: number): (n: number, std?: number) => Float32Array {
  let s = seed;
  return (n, std = 0.1) => randomNormal(n, std, s++);
}

export const BERT = { vocab: 1000, types: 2, positions: 512, hidden: 64, heads: 4, ffn: 256, layers: 2 };

/**
 * BERT-style encoder: word + token-type + position embeddings (positions from Range over the ids' length),
 * LayerNorm, `layers` × (self-attention with the additive mask (1 − mask)·−10000, FFN with erf-GELU), and a
 * pooler: Gemm + Tanh over the first token. Inputs int64 [batch, seq]; outputs last_hidden_state, pooler_output.
 */
export function bertStyleEncoder(): ModelProto {
  const { vocab, types, positions, hidden: H, heads, ffn, layers } = BERT;
  const hd = H / heads;
  const w = weights(7000);
  const g = new GraphBuilder('bert_style');
  const ids = g.input('input_ids', ['batch', 'sequence'], DataType.INT64);
  const mask = g.input('attention_mask', ['batch', 'sequence'], DataType.INT64);
  const tt = g.input('token_type_ids', ['batch', 'sequence'], DataType.INT64);
  g.init('word_embeddings', [vocab, H], w(vocab * H));
  g.init('token_type_embeddings', [types, H], w(types * H));
  g.init('position_embeddings', [positions, H], w(positions * H));
  g.init('i0', [], [0], DataType.INT64);
  g.init('i1', [], [1], DataType.INT64);
  g.init('heads_shape', [4], [0, 0, heads, hd], DataType.INT64);
  g.init('merge_shape', [3], [0, 0, H], DataType.INT64);
  g.init('one', [], [1]);
  g.init('neg', [], [-10000]);
  g.init('scale', [], [1 / Math.sqrt(hd)]);
  g.init('half', [], [0.5]);
  g.init('sqrt2', [], [Math.SQRT2]);
  const seqLen = g.op('Gather', [g.op('Shape', [ids]), 'i1'], { axis: 0 }, 'seq_len');
  const pos = g.op('Range', ['i0', seqLen, 'i1'], {}, 'position_ids');
  const emb = g.op(
    'Add',
    [
      g.op(
        'Add',
        [
          g.op('Gather', ['word_embeddings', ids], {}, 'word_gather'),
          g.op('Gather', ['token_type_embeddings', tt], {}, 'type_gather'),
        ],
        {},
        'emb_add1',
      ),
      g.op('Gather', ['position_embeddings', pos], {}, 'pos_gather'),
    ],
    {},
    'emb_add2',
  );
  const layerNorm = (x: string, name: string): string => {
    g.init(
      `${name}.g`,
      [H],
      Float32Array.from(w(H, 0.02), (v) => 1 + v),
    );
    g.init(`${name}.b`, [H], w(H, 0.02));
    return g.op('LayerNormalization', [x, `${name}.g`, `${name}.b`], { axis: -1, epsilon: float(1e-12) }, name);
  };
  const linear = (x: string, name: string, i: number, o: number): string => {
    g.init(`${name}.w`, [i, o], w(i * o, 1 / Math.sqrt(i)));
    g.init(`${name}.b`, [o], w(o, 0.02));
    return g.op('Add', [g.op('MatMul', [x, `${name}.w`], {}, `${name}/MatMul`), `${name}.b`], {}, `${name}/Add`);
  };
  let x = layerNorm(emb, 'emb_ln');
  const maskF = g.op('Cast', [g.op('Unsqueeze', [mask, g.init('mask_axes', [2], [1, 2], DataType.INT64)])], {
    to: DataType.FLOAT,
  });
  const maskBias = g.op('Mul', [g.op('Sub', ['one', maskF], {}, 'mask_invert'), 'neg'], {}, 'mask_bias');
  for (let l = 0; l < layers; l++) {
    const p = `layer${l}`;
    const split = (t: string, perm: number[]): string =>
      g.op('Transpose', [g.op('Reshape', [t, 'heads_shape'])], { perm });
    const q = split(linear(x, `${p}.q`, H, H), [0, 2, 1, 3]);
    const k = split(linear(x, `${p}.k`, H, H), [0, 2, 3, 1]);
    const v = split(linear(x, `${p}.v`, H, H), [0, 2, 1, 3]);
    const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [q, k], {}, `${p}.qk`), 'scale']), maskBias]);
    const ctx = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), v], {}, `${p}.pv`);
    const merged = g.op('Reshape', [g.op('Transpose', [ctx], { perm: [0, 2, 1, 3] }), 'merge_shape']);
    const h1 = layerNorm(g.op('Add', [linear(merged, `${p}.o`, H, H), x]), `${p}.ln1`);
    const up = linear(h1, `${p}.up`, H, ffn);
    const erf = g.op('Erf', [g.op('Div', [up, 'sqrt2'])]);
    const gelu = g.op('Mul', [g.op('Mul', [up, g.op('Add', [erf, 'one'])]), 'half']);
    x = layerNorm(g.op('Add', [linear(gelu, `${p}.down`, ffn, H), h1]), `${p}.ln2`);
  }
  g.node('Identity', [x], ['last_hidden_state']);
  g.init('pool.w', [H, H], w(H * H, 1 / Math.sqrt(H)));
  g.init('pool.b', [H], w(H, 0.02));
  const first = g.op('Gather', [x, 'i0'], { axis: 1 }, 'first_token');
  g.node('Tanh', [g.op('Gemm', [first, 'pool.w', 'pool.b'], { transB: 1 }, 'pooler')], ['pooler_output']);
  g.output('last_hidden_state', ['batch', 'sequence', H]);
  g.output('pooler_output', ['batch', H]);
  return g.model(17, 8);
}

/**
 * The FLOPs of bertStyleEncoder at batch b and sequence s, counted from the architecture with opCost's
 * conventions (2 per MAC; one per element for elementwise ops and bias adds; Softmax 3, LayerNorm 5).
 */
export function bertStyleFlops(b: number, s: number): number {
  const { hidden: H, heads, ffn: F, layers } = BERT;
  const tokens = b * s;
  const attn = b * heads * s * s;
  const embeddings = 2 * tokens * H + 5 * tokens * H; // two adds, LayerNorm
  const mask = 2 * b * s; // 1 − m, ·−10000
  const perLayer =
    4 * (2 * tokens * H * H + tokens * H) + // q, k, v, o projections with bias
    2 * (2 * attn * (H / heads)) + // QKᵀ and ·V
    attn * (1 + 1 + 3) + // scale, mask add, Softmax
    2 * tokens * H +
    2 * 5 * tokens * H + // two residual adds, two LayerNorms
    (2 * tokens * H * F + tokens * F) +
    (2 * tokens * F * H + tokens * H) + // FFN up/down with bias
    5 * tokens * F; // GELU: Div, Erf, Add, Mul, Mul
  const pooler = 2 * b * H * H + b * H + b * H; // Gemm with bias, Tanh
  return embeddings + mask + layers * perLayer + pooler;
}

/**
 * GPT-style decoder layer with a KV cache: input_ids [batch, sequence], attention_mask
 * [batch, past_sequence_length + sequence], past_key_values.0.{key,value} [batch, 4, past_sequence_length, 16];
 * outputs logits [batch, sequence, 500] and present.0.{key,value}.
 */
export function gptStyleDecoder(): ModelProto {
  const H = 64;
  const heads = 4;
  const hd = 16;
  const vocab = 500;
  const w = weights(8000);
  const g = new GraphBuilder('gpt_style');
  const ids = g.input('input_ids', ['batch', 'sequence'], DataType.INT64);
  const mask = g.input('attention_mask', ['batch', 'past_sequence_length + sequence'], DataType.INT64);
  const pk = g.input('past_key_values.0.key', ['batch', heads, 'past_sequence_length', hd]);
  const pv = g.input('past_key_values.0.value', ['batch', heads, 'past_sequence_length', hd]);
  g.init('wte', [vocab, H], w(vocab * H));
  g.init('heads_shape', [4], [0, 0, heads, hd], DataType.INT64);
  g.init('merge_shape', [3], [0, 0, H], DataType.INT64);
  g.init('one', [], [1]);
  g.init('neg', [], [-10000]);
  g.init('scale', [], [1 / Math.sqrt(hd)]);
  const x = g.op('Gather', ['wte', ids], {}, 'embed');
  const proj = (name: string): string => {
    g.init(`${name}.w`, [H, H], w(H * H, 1 / Math.sqrt(H)));
    return g.op('Transpose', [g.op('Reshape', [g.op('MatMul', [x, `${name}.w`], {}, name), 'heads_shape'])], {
      perm: [0, 2, 1, 3],
    });
  };
  const q = proj('q');
  g.node('Concat', [pk, proj('k')], ['present.0.key'], { axis: 2 }, 'cache_k');
  g.node('Concat', [pv, proj('v')], ['present.0.value'], { axis: 2 }, 'cache_v');
  const kT = g.op('Transpose', ['present.0.key'], { perm: [0, 1, 3, 2] });
  const maskF = g.op('Cast', [g.op('Unsqueeze', [mask, g.init('mask_axes', [2], [1, 2], DataType.INT64)])], {
    to: DataType.FLOAT,
  });
  const bias = g.op('Mul', [g.op('Sub', ['one', maskF]), 'neg']);
  const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [q, kT], {}, 'qk'), 'scale']), bias]);
  const ctx = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), 'present.0.value'], {}, 'pv');
  const merged = g.op('Reshape', [g.op('Transpose', [ctx], { perm: [0, 2, 1, 3] }), 'merge_shape']);
  g.init('lm_head', [H, vocab], w(H * vocab, 1 / Math.sqrt(H)));
  g.node('MatMul', [g.op('Add', [merged, x]), 'lm_head'], ['logits'], {}, 'lm_head_matmul');
  g.output('logits', ['batch', 'sequence', vocab]);
  g.output('present.0.key', ['batch', heads, 'past_sequence_length + sequence', hd]);
  g.output('present.0.value', ['batch', heads, 'past_sequence_length + sequence', hd]);
  return g.model(17, 8);
}

/** Conv(3→16, 3x3, stride 2) → Relu → Conv(16→32, stride 2) → Relu → GlobalAveragePool → Flatten → Gemm(32→10); input [?, 3, ?, ?] (unnamed dims). */
export function dynamicCnn(): ModelProto {
  const w = weights(9000);
  const g = new GraphBuilder('dynamic_cnn');
  const x = g.input('pixel_values', ['', 3, '', '']);
  g.init('c1.w', [16, 3, 3, 3], w(16 * 27, 0.2));
  g.init('c1.b', [16], w(16));
  g.init('c2.w', [32, 16, 3, 3], w(32 * 144, 0.1));
  g.init('c2.b', [32], w(32));
  g.init('fc.w', [10, 32], w(320, 0.2));
  g.init('fc.b', [10], w(10));
  const conv = (inp: string, name: string): string =>
    g.op('Relu', [
      g.op(
        'Conv',
        [inp, `${name}.w`, `${name}.b`],
        { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] },
        name,
      ),
    ]);
  const pooled = g.op('GlobalAveragePool', [conv(conv(x, 'c1'), 'c2')]);
  g.node('Gemm', [g.op('Flatten', [pooled], { axis: 1 }), 'fc.w', 'fc.b'], ['logits'], { transB: 1 }, 'fc');
  g.output('logits', ['', 10]);
  return g.model(13, 8);
}

/**
 * A streaming audio model: input [batch, 512] samples, state [2, batch, 64], sr [] int64. The sample rate is
 * checked against 16000 (Equal → Where, as Silero does); a strided Conv1d front end, mean over time, a
 * recurrent cell mixing the features with state[0]; outputs a speech probability [batch, 1] and the new state.
 */
export function statefulAudio(): ModelProto {
  const w = weights(10000);
  const g = new GraphBuilder('stateful_audio');
  const x = g.input('input', ['batch', 512]);
  const state = g.input('state', [2, 'batch', 64]);
  const sr = g.input('sr', [], DataType.INT64);
  g.init('sr16k', [], [16000], DataType.INT64);
  g.init('zero', [], [0]);
  g.init('i0', [], [0], DataType.INT64);
  g.init('ax1', [1], [1], DataType.INT64);
  g.init('ax0', [1], [0], DataType.INT64);
  const ok = g.op('Equal', [sr, 'sr16k'], {}, 'check_sr');
  const audio = g.op('Where', [ok, x, g.op('Mul', [x, 'zero'])], {}, 'gate_sr');
  g.init('conv.w', [16, 1, 64], w(16 * 64, 0.1));
  g.init('conv.b', [16], w(16));
  const feat = g.op('Relu', [
    g.op(
      'Conv',
      [g.op('Unsqueeze', [audio, 'ax1']), 'conv.w', 'conv.b'],
      { kernel_shape: [64], strides: [32] },
      'frontend',
    ),
  ]);
  const pooled = g.op('ReduceMean', [feat], { axes: [2], keepdims: 0 }, 'time_mean');
  const h0 = g.op('Gather', [state, 'i0'], { axis: 0 }, 'state_h');
  g.init('cell.w', [80, 64], w(80 * 64, 0.1));
  g.init('cell.b', [64], w(64));
  const h = g.op('Tanh', [
    g.op('Add', [g.op('MatMul', [g.op('Concat', [pooled, h0], { axis: 1 }), 'cell.w'], {}, 'cell'), 'cell.b']),
  ]);
  g.init('head.w', [64, 1], w(64, 0.2));
  g.node('Sigmoid', [g.op('MatMul', [h, 'head.w'], {}, 'head')], ['output']);
  const hu = g.op('Unsqueeze', [h, 'ax0']);
  g.node('Concat', [hu, hu], ['stateN'], { axis: 0 }, 'new_state');
  g.output('output', ['batch', 1]);
  g.output('stateN', [2, 'batch', 64]);
  return g.model(17, 8);
}

/** labels [batch] int64 → OneHot(depth 10) → MatMul(10→8) → Relu; output [batch, 8]. */
export function oneHotClassifier(): ModelProto {
  const w = weights(11000);
  const g = new GraphBuilder('one_hot');
  const labels = g.input('labels', ['batch'], DataType.INT64);
  g.init('depth', [], [10], DataType.INT64);
  g.init('on_off', [2], [0, 1]);
  g.init('proj.w', [10, 8], w(80, 0.5));
  const hot = g.op('OneHot', [labels, 'depth', 'on_off'], { axis: -1 }, 'one_hot');
  g.node('Relu', [g.op('MatMul', [hot, 'proj.w'], {}, 'proj')], ['y']);
  g.output('y', ['batch', 8]);
  return g.model(17, 8);
}
