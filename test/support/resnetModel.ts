/**
 * A ResNet-style CNN built in code (He et al., "Deep Residual Learning", basic blocks): a 3×3 stem,
 * stages of two basic blocks each (Conv-BN-Relu-Conv-BN, residual Add, Relu), a 1×1 Conv-BN projection
 * on the shortcut where a stage halves the resolution and widens, then GlobalAveragePool → Flatten → Gemm.
 * Weights are seeded random (He-normal) and BN statistics non-trivial, so BN folding and pruning have real
 * numbers to work on. Layer names follow torchvision (`layer2.0.conv1`, `layer2.0.downsample.0`).
 */
import type { ModelProto } from '../../src/engine/onnx/types';
import { float, GraphBuilder } from './onnxBuilder';
import { randomNormal } from './random';

export interface ResnetOptions {
  /** Input height = width. */
  readonly size?: number;
  /** Channels of each stage (the first stage keeps the stem's width). */
  readonly widths?: readonly number[];
  /** Basic blocks per stage. */
  readonly blocks?: number;
  readonly classes?: number;
  readonly batch?: number | string;
  /** Put BN weights in Constant nodes instead of initializers (as some exporters do). */
  readonly constantNodes?: boolean;
}

export interface ConvSpec {
  readonly name: string;
  readonly cin: number;
  readonly cout: number;
  readonly k: number;
  readonly stride: number;
  /** Output height = width. */
  readonly out: number;
}

export interface ResnetModel {
  readonly model: ModelProto;
  /** Every Conv with its geometry, for FLOP counts computed independently of the engine. */
  readonly convs: readonly ConvSpec[];
  readonly input: { readonly name: string; readonly shape: readonly number[] };
  readonly output: string;
  readonly fc: { readonly in: number; readonly out: number };
}

export function resnetModel(opts: ResnetOptions = {}): ResnetModel {
  const size = opts.size ?? 64;
  const widths = opts.widths ?? [32, 64, 128];
  const blocks = opts.blocks ?? 2;
  const classes = opts.classes ?? 10;
  const batch = opts.batch ?? 1;
  let seed = 5000;
  const g = new GraphBuilder('resnet');
  const convs: ConvSpec[] = [];
  const param = (name: string, dims: number[], data: Float32Array): string =>
    opts.constantNodes ? g.constant(name, dims, data) : g.init(name, dims, data);

  const conv = (x: string, name: string, cin: number, cout: number, k: number, stride: number, hw: number): string => {
    const w = g.init(
      `${name}.weight`,
      [cout, cin, k, k],
      randomNormal(cout * cin * k * k, Math.sqrt(2 / (cin * k * k)), seed++),
    );
    const pad = (k - 1) / 2;
    const out = Math.floor((hw + 2 * pad - k) / stride) + 1;
    convs.push({ name, cin, cout, k, stride, out });
    return g.op('Conv', [x, w], { kernel_shape: [k, k], strides: [stride, stride], pads: [pad, pad, pad, pad] }, name);
  };
  const bn = (x: string, name: string, c: number): string => {
    const r = randomNormal(4 * c, 1, seed++);
    const scale = param(
      `${name}.weight`,
      [c],
      Float32Array.from({ length: c }, (_, i) => 0.5 + Math.abs(r[i]!) * 0.5),
    );
    const bias = param(
      `${name}.bias`,
      [c],
      Float32Array.from({ length: c }, (_, i) => 0.1 * r[c + i]!),
    );
    const mean = param(
      `${name}.running_mean`,
      [c],
      Float32Array.from({ length: c }, (_, i) => 0.1 * r[2 * c + i]!),
    );
    const v = param(
      `${name}.running_var`,
      [c],
      Float32Array.from({ length: c }, (_, i) => 0.5 + Math.abs(r[3 * c + i]!)),
    );
    return g.op('BatchNormalization', [x, scale, bias, mean, v], { epsilon: float(1e-5) }, name);
  };

  const x = g.input('input', [batch, 3, size, size]);
  let hw = size;
  let h = conv(x, 'conv1', 3, widths[0]!, 3, 1, hw);
  h = g.op('Relu', [bn(h, 'bn1', widths[0]!)], {}, 'relu');
  let cin = widths[0]!;
  widths.forEach((cout, s) => {
    for (let b = 0; b < blocks; b++) {
      const stride = s > 0 && b === 0 ? 2 : 1;
      const p = `layer${s + 1}.${b}`;
      const outHw = Math.floor((hw + 2 - 3) / stride) + 1;
      let y = conv(h, `${p}.conv1`, cin, cout, 3, stride, hw);
      y = g.op('Relu', [bn(y, `${p}.bn1`, cout)], {}, `${p}.relu1`);
      y = bn(conv(y, `${p}.conv2`, cout, cout, 3, 1, outHw), `${p}.bn2`, cout);
      const shortcut =
        stride !== 1 || cin !== cout
          ? bn(conv(h, `${p}.downsample.0`, cin, cout, 1, stride, hw), `${p}.downsample.1`, cout)
          : h;
      const sum = g.op('Add', [y, shortcut], {}, `${p}.add`);
      h = g.op('Relu', [sum], {}, `${p}.relu2`);
      hw = outHw;
      cin = cout;
    }
  });
  const gap = g.op('GlobalAveragePool', [h], {}, 'avgpool');
  const flat = g.op('Flatten', [gap], { axis: 1 }, 'flatten');
  const last = widths[widths.length - 1]!;
  g.init('fc.weight', [classes, last], randomNormal(classes * last, Math.sqrt(1 / last), seed++));
  g.init('fc.bias', [classes], randomNormal(classes, 0.01, seed++));
  g.node('Gemm', [flat, 'fc.weight', 'fc.bias'], ['logits'], { transB: 1 }, 'fc');
  g.output('logits', [batch, classes]);
  return {
    model: g.model(13, 8),
    convs,
    input: { name: 'input', shape: [typeof batch === 'number' ? batch : 1, 3, size, size] },
    output: 'logits',
    fc: { in: last, out: classes },
  };
}

/** Conv MACs by the textbook formula N·Cout·Hout·Wout·(Cin/group)·kH·kW (group 1 here). */
export function convMacs(convs: readonly { cin: number; cout: number; k: number; out: number }[], batch = 1): number {
  return convs.reduce((s, c) => s + batch * c.cout * c.out * c.out * c.cin * c.k * c.k, 0);
}
