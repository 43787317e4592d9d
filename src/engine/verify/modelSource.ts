/**
 * What verification accepts as a model: a file path, a model already read (its file and parsed proto: no
 * second parse), an in-memory ModelProto, or encoded bytes.
 */
import * as ort from 'onnxruntime-node';
import { parseModel, readModel, type LoadedModel } from '../onnx/readModel';
import type { ModelProto } from '../onnx/types';
import { modelToBuffer } from '../onnx/writeModel';
import { toSessionOptions, type RuntimeSettings } from '../runtime/sessionOptions';

export type ModelSource = string | LoadedModel | ModelProto | Uint8Array;

function isLoaded(src: ModelSource): src is LoadedModel {
  return typeof src === 'object' && 'file' in src && 'proto' in src && 'fileBytes' in src;
}

export interface LoadedSource {
  readonly label: string;
  readonly proto: ModelProto;
  /** Bytes on disk (model file + external data), or the encoded size of an in-memory model. */
  readonly bytes: number;
  /** What to hand to ORT: a path (external data resolves next to it) or encoded bytes. */
  readonly ortInput: string | Uint8Array;
}

export function loadSource(src: ModelSource, label: string): LoadedSource {
  if (typeof src === 'string') {
    const m = readModel(src);
    return { label: m.file, proto: m.proto, bytes: m.fileBytes + m.externalBytes, ortInput: m.file };
  }
  if (isLoaded(src))
    return { label: src.file, proto: src.proto, bytes: src.fileBytes + src.externalBytes, ortInput: src.file };
  if (src instanceof Uint8Array) return { label, proto: parseModel(src, label), bytes: src.length, ortInput: src };
  const buf = modelToBuffer(src);
  return { label, proto: src, bytes: buf.length, ortInput: buf };
}

export async function createSession(
  input: string | Uint8Array,
  runtime: RuntimeSettings = {},
): Promise<ort.InferenceSession> {
  const opts = toSessionOptions(runtime);
  return typeof input === 'string'
    ? ort.InferenceSession.create(input, opts)
    : ort.InferenceSession.create(input, opts);
}
