/**
 * A Swin-Transformer-like export built by code, for the graph view's benchmark: the node mix of a torch.onnx
 * export (LayerNorm decomposed into ReduceMean/Sub/Pow/…, window partition and reverse through Reshape/Transpose
 * with shapes computed by Shape/Gather/Mul/Unsqueeze/Concat, cyclic shifts as Slice+Concat, relative position
 * bias gathered from a table, GELU as Div/Erf/Add/Mul, scalars as Constant nodes) under `/layers.N/blocks.M/…`
 * name scopes. With the default depths [2, 2, 34, 2] it has about 6.4k nodes, like the 6.4k-node Swin-T export
 * the issue measured Netron on. Weights are small (embed 32): the graph's size is what matters here.
 */
import { DataType, type ModelProto } from '../../src/engine/onnx/types';
import { GraphBuilder } from './onnxBuilder';

export interface SwinConfig {
  readonly depths: readonly number[];
  readonly embed: number;
  readonly heads: readonly number[];
  readonly image: number;
  readonly window: number;
}

export const SWIN_DEFAULT: SwinConfig = {
  depths: [2, 2, 34, 2],
  embed: 32,
  heads: [1, 2, 4, 8],
  image: 224,
  window: 7,
};

export function swinLikeModel(cfg: SwinConfig = SWIN_DEFAULT): ModelProto {
  const g = new GraphBuilder('swin_like');
  let seed = 1;
  const rand = (n: number, s: number): Float32Array =>
    Float32Array.from({ length: n }, () => (((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1) * s);
  let scope = '';
  const op = (type: string, inputs: string[], attrs: Record<string, number | number[]> = {}): string =>
    g.op(type, inputs, attrs, `${scope}/${type}_${g.fresh('n')}`);
  const konst = (dims: number[], data: number[], dtype: number = DataType.INT64): string => {
    const name = g.fresh(`${scope}/Constant_output`);
    g.node('Constant', [], [name], { value: tensorOf(name, dims, data, dtype) }, `${scope}/Constant_${g.fresh('c')}`);
    return name;
  };
  const scalar = (v: number): string => konst([], [v], DataType.FLOAT);
  const init = (name: string, dims: number[], s = 0.02): string =>
    g.init(
      `${scope.slice(1).replace(/\//g, '.')}.${name}`,
      dims,
      rand(
        dims.reduce((a, b) => a * b, 1),
        s,
      ),
    );

  /** A shape computed as export does: the batch read with Shape/Gather, times `mul` (a fraction: divided), then the fixed dims. */
  const dynamicShape = (x: string, mul: number, rest: number[]): string => {
    const b = op('Gather', [op('Shape', [x]), konst([], [0])], { axis: 0 });
    const scaled =
      mul === 1 ? b : mul > 1 ? op('Mul', [b, konst([], [mul])]) : op('Div', [b, konst([], [Math.round(1 / mul)])]);
    return op('Concat', [op('Unsqueeze', [scaled, konst([1], [0])]), konst([rest.length], rest)], { axis: 0 });
  };
  const reshape = (x: string, mul: number, rest: number[]): string => op('Reshape', [x, dynamicShape(x, mul, rest)]);
  const layerNorm = (x: string, c: number): string => {
    const mean = op('ReduceMean', [x], { axes: [-1] });
    const d = op('Sub', [x, mean]);
    const v = op('ReduceMean', [op('Pow', [d, scalar(2)])], { axes: [-1] });
    const n = op('Div', [d, op('Sqrt', [op('Add', [v, scalar(1e-5)])])]);
    return op('Add', [op('Mul', [n, init('norm.weight', [c], 1)]), init('norm.bias', [c])]);
  };
  const linear = (x: string, name: string, i: number, o: number): string =>
    op('Add', [op('MatMul', [x, init(`${name}.weight`, [i, o])]), init(`${name}.bias`, [o])]);
  const gelu = (x: string): string =>
    op('Mul', [op('Mul', [x, op('Add', [op('Erf', [op('Div', [x, scalar(Math.SQRT2)])]), scalar(1)])]), scalar(0.5)]);
  /** torch.roll over the two spatial axes of [B, H, W, C]: Slice + Concat per axis. */
  const roll = (x: string, shift: number, size: number): string => {
    let y = x;
    for (const axis of [1, 2]) {
      const s = ((-shift % size) + size) % size;
      const head = op('Slice', [y, konst([1], [s]), konst([1], [size]), konst([1], [axis]), konst([1], [1])]);
      const tail = op('Slice', [y, konst([1], [0]), konst([1], [s]), konst([1], [axis]), konst([1], [1])]);
      y = op('Concat', [head, tail], { axis });
    }
    return y;
  };

  const block = (x: string, res: number, c: number, heads: number, shifted: boolean): string => {
    const w = cfg.window;
    const nW = (res / w) * (res / w);
    const base = scope;
    scope = `${base}/norm1`;
    let h = layerNorm(x, c);
    scope = `${base}/attn`;
    h = reshape(h, 1, [res, res, c]);
    if (shifted) h = roll(h, -Math.floor(w / 2), res);
    h = reshape(h, 1, [res / w, w, res / w, w, c]);
    h = reshape(op('Transpose', [h], { perm: [0, 1, 3, 2, 4, 5] }), nW, [w * w, c]);
    const qkv = linear(h, 'qkv', c, 3 * c);
    const split = op('Transpose', [reshape(qkv, 1, [w * w, 3, heads, c / heads])], { perm: [2, 0, 3, 1, 4] });
    const [q, k, v] = [0, 1, 2].map((i) => op('Gather', [split, konst([], [i])], { axis: 0 }));
    let att = op('MatMul', [
      op('Mul', [q!, scalar(1 / Math.sqrt(c / heads))]),
      op('Transpose', [k!], { perm: [0, 1, 3, 2] }),
    ]);
    const table = init('relative_position_bias_table', [(2 * w - 1) ** 2, heads]);
    const index = konst(
      [w * w * w * w],
      Array.from({ length: w ** 4 }, (_, i) => i % (2 * w - 1) ** 2),
    );
    const bias = op('Unsqueeze', [
      op('Transpose', [op('Reshape', [op('Gather', [table, index], { axis: 0 }), konst([3], [w * w, w * w, heads])])], {
        perm: [2, 0, 1],
      }),
      konst([1], [0]),
    ]);
    att = op('Add', [att, bias]);
    if (shifted) att = op('Add', [att, init('attn_mask', [nW, 1, w * w, w * w], 0)]);
    const ctx = op('MatMul', [op('Softmax', [att], { axis: -1 }), v!]);
    h = reshape(op('Transpose', [ctx], { perm: [0, 2, 1, 3] }), 1, [w * w, c]);
    h = linear(h, 'proj', c, c);
    h = reshape(h, 1 / nW, [res / w, res / w, w, w, c]);
    h = reshape(op('Transpose', [h], { perm: [0, 1, 3, 2, 4, 5] }), 1, [res, res, c]);
    if (shifted) h = roll(h, Math.floor(w / 2), res);
    scope = base;
    x = op('Add', [x, reshape(h, 1, [res * res, c])]);
    scope = `${base}/norm2`;
    h = layerNorm(x, c);
    scope = `${base}/mlp`;
    h = linear(gelu(linear(h, 'fc1', c, 4 * c)), 'fc2', 4 * c, c);
    scope = base;
    return op('Add', [x, h]);
  };

  /** Patch merging: the four 2×2 phases by strided Slice, concatenated, normalised and projected to 2C. */
  const merge = (x: string, res: number, c: number): string => {
    const h = reshape(x, 1, [res, res, c]);
    const phase = (dy: number, dx: number): string =>
      op('Slice', [h, konst([2], [dy, dx]), konst([2], [res, res]), konst([2], [1, 2]), konst([2], [2, 2])]);
    const cat = op('Concat', [phase(0, 0), phase(1, 0), phase(0, 1), phase(1, 1)], { axis: -1 });
    const flat = reshape(cat, 1, [(res / 2) * (res / 2), 4 * c]);
    return op('MatMul', [layerNorm(flat, 4 * c), init('reduction.weight', [4 * c, 2 * c])]);
  };

  const image = g.input('pixel_values', [1, 3, cfg.image, cfg.image]);
  scope = '/patch_embed';
  let res = cfg.image / 4;
  let c = cfg.embed;
  let x = op('Conv', [image, init('proj.weight', [c, 3, 4, 4]), init('proj.bias', [c])], {
    kernel_shape: [4, 4],
    strides: [4, 4],
  });
  x = op('Transpose', [reshape(x, 1, [c, res * res])], { perm: [0, 2, 1] });
  x = layerNorm(x, c);
  cfg.depths.forEach((depth, stage) => {
    for (let b = 0; b < depth; b++) {
      scope = `/layers.${stage}/blocks.${b}`;
      x = block(x, res, c, cfg.heads[stage]!, b % 2 === 1 && res > cfg.window);
    }
    if (stage < cfg.depths.length - 1) {
      scope = `/layers.${stage}/downsample`;
      x = merge(x, res, c);
      res /= 2;
      c *= 2;
    }
  });
  scope = '/head';
  x = op('ReduceMean', [layerNorm(x, c)], { axes: [1], keepdims: 0 });
  g.output(linear(x, 'fc', c, 1000), [1, 1000]);
  return g.model(17);
}

function tensorOf(name: string, dims: number[], data: number[], dtype: number) {
  const raw =
    dtype === DataType.INT64
      ? new Uint8Array(BigInt64Array.from(data, (v) => BigInt(v)).buffer)
      : new Uint8Array(Float32Array.from(data).buffer);
  return { name, dims, data_type: dtype, raw_data: raw };
}
