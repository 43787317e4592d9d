/**
 * Small hand-made hostile models, built by code: what an attacker (or a broken exporter) hands the tool.
 * Each targets one protection: a run that never ends, shape inference that would loop, and so on.
 */
import { DataType, type ModelProto } from '../../src/engine/onnx/types';
import { GraphBuilder } from './onnxBuilder';

/**
 * A Loop whose trip count is 2^62 (ONNX Loop spec: "for (i = 0; i < M; i++)" when `cond` is empty): a valid
 * model whose first run never ends. onnxruntime cannot be interrupted inside it; only ending the process helps.
 */
export function endlessLoopModel(): ModelProto {
  const body = new GraphBuilder('body');
  body.input('iter', [], DataType.INT64);
  body.input('cond_in', [], DataType.BOOL);
  body.input('acc_in', [1, 64]);
  body.init('one', [1], [1]);
  body.node('Identity', ['cond_in'], ['cond_out']);
  body.node('Add', ['acc_in', 'one'], ['acc_out']);
  body.output('cond_out', [], DataType.BOOL);
  body.output('acc_out', [1, 64]);

  const g = new GraphBuilder('endless');
  g.input('x', [1, 64]);
  // A weight in front of the loop, so quantizers have something to change before the endless run.
  g.init(
    'w',
    [64, 64],
    Array.from({ length: 64 * 64 }, (_, i) => Math.sin(i)),
  );
  g.node('MatMul', ['x', 'w'], ['h'], {}, 'project');
  g.init('trip_count', [], [2 ** 62], DataType.INT64);
  g.node('Loop', ['trip_count', '', 'h'], ['y'], { body: body.graph() }, 'endless_loop');
  g.output('y', [1, 64]);
  return g.model(17);
}

/**
 * A Slice whose constant `steps` is 0 (invalid: the Slice spec says steps must not be 0). A naive shape
 * inference loops `for (i = start; i < end; i += step)` forever and V8 aborts the process.
 */
export function sliceStepZeroModel(): ModelProto {
  const g = new GraphBuilder('slice_step_zero');
  g.input('x', [8]);
  // The sliced tensor is a constant, so shape inference evaluates the Slice itself (to track constant values).
  g.init('data', [8], [0, 1, 2, 3, 4, 5, 6, 7]);
  g.init('starts', [1], [0], DataType.INT64);
  g.init('ends', [1], [8], DataType.INT64);
  g.init('axes', [1], [0], DataType.INT64);
  g.init('steps', [1], [0], DataType.INT64);
  g.node('Slice', ['data', 'starts', 'ends', 'axes', 'steps'], ['sliced'], {}, 'slice_step_zero');
  g.node('Add', ['x', 'sliced'], ['y'], {}, 'add');
  g.output('y');
  return g.model(17);
}

/**
 * A 3-element constant reshaped to a declared 1e12 elements, then sliced end to end: inference once walked
 * all 1e12 positions (5 s, 2.2 GB). The tensor must be reported too large.
 */
export function hugeReshapeSliceModel(): ModelProto {
  const g = new GraphBuilder('huge_reshape');
  const c = g.init('c', [3], [1, 2, 3], DataType.INT64);
  const target = g.init('target', [1], [1e12], DataType.INT64);
  const big = g.node('Reshape', [c, target], ['big'])[0]!;
  const starts = g.init('starts', [1], [0], DataType.INT64);
  const ends = g.init('ends', [1], [1e12], DataType.INT64);
  g.node('Slice', [big, starts, ends], ['y']);
  g.output('y', undefined, DataType.INT64);
  return g.model(17);
}

/** Terminal control sequences a name can carry: clear screen, OSC 52 clipboard write, CR fake line, 8-bit CSI. */
export const CONTROL_NAME = 'evil\u001b[2J\u001b]52;c;cm0gLXJmIH4=\u0007\rFAKE LINE\n\u009b31m';

/** A small model whose producer, graph, tensor and node names all carry control sequences. */
export function controlCharNamesModel(): ModelProto {
  const g = new GraphBuilder(`graph${CONTROL_NAME}`);
  const x = g.input(`in${CONTROL_NAME}`, [1, 8]);
  const w = g.init('w', [8, 8], new Array<number>(64).fill(0.5));
  g.node('MatMul', [x, w], [`out${CONTROL_NAME}`], {}, `node${CONTROL_NAME}`);
  g.output(`out${CONTROL_NAME}`, [1, 8]);
  const m = g.model(17);
  return { ...m, producer_name: `producer${CONTROL_NAME}`, producer_version: `1${CONTROL_NAME}` };
}

/**
 * A constant-folding bomb: ConstantOfShape fed by Abs of a constant [1e9] (inference does not carry values
 * through Abs, so the 4 GB output's size is unknown), then Abs. Folding it once materialised 3.6 GB.
 */
export function foldingBombModel(elements = 1e9): ModelProto {
  const g = new GraphBuilder('fold_bomb');
  const x = g.input('x', [1]);
  const dims = g.init('dims', [1], [elements], DataType.INT64);
  const shape = g.op('Abs', [dims]);
  const big = g.op('ConstantOfShape', [shape]);
  const absBig = g.op('Abs', [big]);
  const sum = g.op('ReduceSum', [absBig], { keepdims: 1 });
  g.node('Add', [x, sum], ['y']);
  g.output('y', [1]);
  return g.model(17);
}
