/**
 * Reading a model file: one place that turns bytes into a checked ModelProto, or into a ModelError that
 * names the file and the problem. Weights stay zero-copy views into the file buffer.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeMessage } from './codec';
import { ModelError, WireError } from './errors';
import { checkExternalTensor, isExternal } from './externalData';
import { int64ToNumber } from './int64';
import type { ModelProto } from './types';
import { specialFileKind } from './safeOutput';
import { forEachTensor } from './walk';

/** onnxruntime 1.30 accepts IR versions up to 13 (see DESIGN.md); IR 1 and 2 predate opset imports. */
export const MIN_IR_VERSION = 3;
export const MAX_IR_VERSION = 13;

export interface LoadedModel {
  /** Absolute path of the model file. */
  readonly file: string;
  readonly fileBytes: number;
  readonly proto: ModelProto;
  /** Bytes held in external data files (0 when all weights are inside the model file). */
  readonly externalBytes: number;
}

/** Decodes and checks a model held in memory; `file` is used in error messages and to resolve external data. */
export function parseModel(buf: Uint8Array, file: string): ModelProto {
  if (buf.length === 0) throw new ModelError('empty', file, 'the file is empty', 'expected an ONNX model');
  let proto: ModelProto;
  try {
    proto = decodeMessage('ModelProto', buf) as ModelProto;
  } catch (e) {
    if (!(e instanceof WireError)) throw e;
    if (e.truncated)
      throw new ModelError(
        'truncated',
        file,
        `the model is truncated: a field that starts at byte ${e.offset.toLocaleString('en-US')} runs past the end of the file (${buf.length.toLocaleString('en-US')} bytes)`,
        'the download or copy may be incomplete, or the file is damaged: fetch it again',
      );
    if (e.reason === 'nesting')
      throw new ModelError(
        'corrupt',
        file,
        `refusing to read: ${e.message} (at byte ${e.offset})`,
        'real models nest subgraphs a few levels deep',
      );
    throw new ModelError('not-onnx', file, `not an ONNX model: ${e.message} at byte ${e.offset}`);
  }
  if (proto.ir_version === undefined || !proto.graph)
    throw new ModelError(
      'not-onnx',
      file,
      `not an ONNX model: no ${proto.ir_version === undefined ? 'ir_version' : 'graph'} field`,
      'is this a protobuf of another kind?',
    );
  const ir = int64ToNumber(proto.ir_version);
  if (ir < MIN_IR_VERSION || ir > MAX_IR_VERSION)
    throw new ModelError(
      'unsupported-ir',
      file,
      `unsupported IR version ${ir} (this tool reads ${MIN_IR_VERSION}–${MAX_IR_VERSION})`,
      ir > MAX_IR_VERSION ? 're-export with an older onnx or update ONNX Tuner' : 'convert with onnx.version_converter',
    );
  return proto;
}

/** Reads, decodes and checks a model file, including that its external data files exist and are long enough. */
export function readModel(file: string): LoadedModel {
  const abs = path.resolve(file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch {
    throw new ModelError('not-found', file, 'no such file');
  }
  const kind = specialFileKind(stat);
  if (kind) throw new ModelError('not-found', file, `the model path is ${kind}`, 'give a regular .onnx file');
  if (stat.size > 2 ** 31 - 1)
    throw new ModelError(
      'too-large',
      file,
      `the model file is ${stat.size} bytes; protobuf limits it to 2 GiB`,
      'large weights belong in external data files',
    );
  const buf = fs.readFileSync(abs);
  const proto = parseModel(buf, file);
  let externalBytes = 0;
  forEachTensor(proto, (t) => {
    if (isExternal(t)) externalBytes += checkExternalTensor(t, abs).bytes;
  });
  return { file: abs, fileBytes: stat.size, proto, externalBytes };
}
