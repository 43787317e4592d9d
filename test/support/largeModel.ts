/**
 * A synthetic model past the 2 GiB protobuf limit: three 16384×16384 fp32 MatMul weights (1 GiB each) in an
 * external data file. The data file is sparse (ftruncate), so it costs no disk and the weights read as zeros.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataLocation, DataType, type ModelProto } from '../../src/engine/onnx/types';
import { writeFileAtomic, encodeModel } from '../../src/engine/onnx/writeModel';
import { GraphBuilder } from './onnxBuilder';

export const LARGE_DIM = 16384;
export const LARGE_WEIGHT_BYTES = LARGE_DIM * LARGE_DIM * 4;

export function writeLargeModel(dir: string): { file: string; dataFile: string; weightBytes: number } {
  const g = new GraphBuilder('large');
  g.input('x', ['batch', LARGE_DIM]);
  const weights = ['w0', 'w1', 'w2'];
  const h0 = g.op('MatMul', ['x', 'w0'], {}, 'mm0');
  const h1 = g.op('MatMul', [h0, 'w1'], {}, 'mm1');
  g.node('MatMul', [h1, 'w2'], ['y'], {}, 'mm2');
  g.output('y', ['batch', LARGE_DIM]);
  const model: ModelProto = g.model(17, 8);
  model.graph!.initializer = weights.map((name, i) => ({
    name,
    dims: [LARGE_DIM, LARGE_DIM],
    data_type: DataType.FLOAT,
    data_location: DataLocation.EXTERNAL,
    external_data: [
      { key: 'location', value: 'large.onnx.data' },
      { key: 'offset', value: String(i * LARGE_WEIGHT_BYTES) },
      { key: 'length', value: String(LARGE_WEIGHT_BYTES) },
    ],
  }));
  const dataFile = path.join(dir, 'large.onnx.data');
  const fd = fs.openSync(dataFile, 'w');
  fs.ftruncateSync(fd, weights.length * LARGE_WEIGHT_BYTES);
  fs.closeSync(fd);
  const file = path.join(dir, 'large.onnx');
  writeFileAtomic(file, encodeModel(model));
  return { file, dataFile, weightBytes: weights.length * LARGE_WEIGHT_BYTES };
}
