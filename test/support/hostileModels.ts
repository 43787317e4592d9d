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
