/**
 * Two small versions of one graph for the graph-diff tests: B renames the Conv (same output tensor) and stores
 * its weight in float16, leaves an unnamed LeakyRelu unnamed but changes its alpha, and drops an Identity.
 */
import { DataType, type ModelProto, type TensorProto } from '../../src/engine/onnx/types';
import { GraphBuilder } from './onnxBuilder';

function fp16Weight(name: string, dims: number[]): TensorProto {
  const count = dims.reduce((x, y) => x * y, 1);
  return { name, dims, data_type: DataType.FLOAT16, raw_data: new Uint8Array(count * 2) };
}

export function fp16Model(): { a: ModelProto; b: ModelProto } {
  const build = (b: boolean): ModelProto => {
    const g = new GraphBuilder(b ? 'b' : 'a');
    const x = g.input('x', [1, 3, 8, 8]);
    if (b) g.inits.push(fp16Weight('w', [4, 3, 3, 3]));
    else g.init('w', [4, 3, 3, 3], new Float32Array(108));
    g.node('Conv', [x, 'w'], ['conv_out'], { kernel_shape: [3, 3] }, b ? 'renamed_conv' : 'conv');
    const r = g.node('LeakyRelu', ['conv_out'], ['act'], { alpha: b ? 0.2 : 0.1 }, '')[0]!;
    const y = b ? r : g.node('Identity', [r], ['id_out'], {}, 'identity')[0]!;
    g.node('Relu', [y], ['y'], {}, 'relu');
    g.output('y');
    return g.model(17);
  };
  return { a: build(false), b: build(true) };
}
