/**
 * A MobileNetV2-style CNN built in code (Sandler et al., "MobileNetV2: Inverted Residuals and Linear
 * Bottlenecks"): a 3×3 stem, inverted residual blocks (1×1 expand Conv-BN-ReLU6, 3×3 depthwise Conv-BN-ReLU6,
 * 1×1 linear projection Conv-BN, residual Add when the shape allows), then GlobalAveragePool → Flatten →
 * Gemm. ReLU6 is Clip(0, 6) as exporters write it. Depthwise convolutions are where int8 often loses on
 * x86: the model optimize must never hand back slower.
 */
import type { ModelProto } from '../../src/engine/onnx/types';
import { float, GraphBuilder } from './onnxBuilder';
import { randomNormal } from './random';

export interface MobilenetOptions {
  readonly size?: number;
  /** [expansion, output channels, repeats, first stride] per stage, as in the paper's table 2. */
  readonly stages?: readonly (readonly [number, number, number, number])[];
  readonly classes?: number;
}

export function mobilenetModel(opts: MobilenetOptions = {}): { model: ModelProto; inputShape: number[] } {
  const size = opts.size ?? 96;
  const stages = opts.stages ?? [
    [1, 16, 1, 1],
    [6, 24, 2, 2],
    [6, 32, 3, 2],
    [6, 64, 2, 2],
  ];
  const classes = opts.classes ?? 10;
  let seed = 7000;
  const g = new GraphBuilder('mobilenet');
  const six = g.init('relu6.max', [], Float32Array.of(6));
  const zero = g.init('relu6.min', [], Float32Array.of(0));
  const conv = (x: string, name: string, cin: number, cout: number, k: number, stride: number, group = 1): string => {
    const w = g.init(
      `${name}.weight`,
      [cout, cin / group, k, k],
      randomNormal((cout * cin * k * k) / group, Math.sqrt(2 / ((cin / group) * k * k)), seed++),
    );
    const pad = (k - 1) / 2;
    const r = randomNormal(4 * cout, 1, seed++);
    const c = (name2: string, f: (i: number) => number): string =>
      g.init(
        `${name}.bn.${name2}`,
        [cout],
        Float32Array.from({ length: cout }, (_, i) => f(i)),
      );
    const y = g.op(
      'Conv',
      [x, w],
      { kernel_shape: [k, k], strides: [stride, stride], pads: [pad, pad, pad, pad], group },
      name,
    );
    return g.op(
      'BatchNormalization',
      [
        y,
        c('weight', (i) => 0.5 + Math.abs(r[i]!) * 0.5),
        c('bias', (i) => 0.1 * r[cout + i]!),
        c('running_mean', (i) => 0.1 * r[2 * cout + i]!),
        c('running_var', (i) => 0.5 + Math.abs(r[3 * cout + i]!)),
      ],
      { epsilon: float(1e-5) },
      `${name}.bn`,
    );
  };
  const relu6 = (x: string, name: string): string => g.op('Clip', [x, zero, six], {}, name);

  const x = g.input('input', [1, 3, size, size]);
  let h = relu6(conv(x, 'stem', 3, 32, 3, 2), 'stem.relu6');
  let cin = 32;
  stages.forEach(([t, c, n, s], si) => {
    for (let b = 0; b < n; b++) {
      const p = `features.${si}.${b}`;
      const hidden = cin * t;
      let y = t === 1 ? h : relu6(conv(h, `${p}.expand`, cin, hidden, 1, 1), `${p}.expand.relu6`);
      y = relu6(conv(y, `${p}.dw`, hidden, hidden, 3, b === 0 ? s : 1, hidden), `${p}.dw.relu6`);
      y = conv(y, `${p}.project`, hidden, c, 1, 1);
      h = b > 0 && cin === c ? g.op('Add', [h, y], {}, `${p}.add`) : y;
      cin = c;
    }
  });
  h = relu6(conv(h, 'head', cin, 256, 1, 1), 'head.relu6');
  const flat = g.op('Flatten', [g.op('GlobalAveragePool', [h], {}, 'avgpool')], { axis: 1 }, 'flatten');
  g.init('fc.weight', [classes, 256], randomNormal(classes * 256, Math.sqrt(1 / 256), seed++));
  g.init('fc.bias', [classes], randomNormal(classes, 0.01, seed++));
  g.node('Gemm', [flat, 'fc.weight', 'fc.bias'], ['logits'], { transB: 1 }, 'fc');
  g.output('logits', [1, classes]);
  return { model: g.model(13, 8), inputShape: [1, 3, size, size] };
}
