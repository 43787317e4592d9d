/** A float model and its dynamic-int8 version written side by side, as an optimize leaves them. */
import * as path from 'node:path';
import type { ModelProto } from '../../src/engine/onnx/types';
import { writeModel } from '../../src/engine/onnx/writeModel';
import { quantizeDynamic } from '../../src/engine/transform/quantize/dynamic';

/** Writes `dir/name.onnx` and `dir/name.int8.onnx`; returns their paths. */
export function writeInt8Pair(dir: string, name: string, model: ModelProto): { a: string; b: string } {
  const a = path.join(dir, `${name}.onnx`);
  const b = path.join(dir, `${name}.int8.onnx`);
  writeModel(model, a);
  writeModel(quantizeDynamic(model).model, b);
  return { a, b };
}
