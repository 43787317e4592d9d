/**
 * The one place that writes model files. Rules (DESIGN.md): never touch the input, write to a temporary file
 * in the target folder, fsync, then rename, so a crash leaves either no file or a whole one under the final
 * name; never overwrite an existing file unless the caller says so.
 */
import type { LoadedModel } from './readModel';
import * as path from 'node:path';
import { encodeMessage } from './codec';
import { ModelError } from './errors';
import { checkExternalTensor, isExternal, readExternalTensor } from './externalData';
import { checkOutputPath, removeOutputs, writeOutputFile } from './safeOutput';
import { DataLocation, type GraphProto, type ModelProto, type NodeProto, type TensorProto } from './types';

/** Protobuf messages cannot exceed 2 GiB; past this many bytes of weights, they go to a data file. */
export const PROTOBUF_LIMIT = 2 ** 31 - 1;

export interface WriteOptions {
  /** Replace an existing file at `outFile` (default false: refuse). */
  readonly overwrite?: boolean;
  /** The model file that external tensors in `model` are relative to (to copy their data across). */
  readonly sourceFile?: string;
  /** Move tensors of at least this many bytes into `<out>.data`. Default: only when the model would pass 2 GiB. */
  readonly externalThreshold?: number;
}

export interface WriteResult {
  readonly file: string;
  readonly bytes: number;
  readonly dataFile?: string;
  readonly dataBytes?: number;
}

/** A model just written, as if read back (its proto is the one written): verification needs no second parse. */
export function asLoaded(written: WriteResult, proto: ModelProto): LoadedModel {
  return { file: written.file, fileBytes: written.bytes, externalBytes: written.dataBytes ?? 0, proto };
}

/** Encodes a model to chunks (weights referenced, not copied). */
export function encodeModel(model: ModelProto): Uint8Array[] {
  return encodeMessage('ModelProto', model).finish();
}

export function modelToBuffer(model: ModelProto): Buffer {
  return Buffer.concat(encodeModel(model));
}

function tensorBytes(t: TensorProto): number {
  return t.raw_data?.length ?? 0;
}

function totalInlineBytes(model: ModelProto): number {
  let sum = 0;
  visitTensors(model.graph, (t) => (sum += tensorBytes(t)));
  return sum;
}

function visitTensors(g: GraphProto | undefined, fn: (t: TensorProto) => void): void {
  if (!g) return;
  for (const t of g.initializer ?? []) fn(t);
  for (const n of g.node ?? [])
    for (const a of n.attribute ?? []) {
      if (a.t) fn(a.t);
      for (const t of a.tensors ?? []) fn(t);
      visitTensors(a.g, fn);
      for (const sg of a.graphs ?? []) visitTensors(sg, fn);
    }
}

/** A copy of the graph whose tensors are mapped by `fn`; structure shared, the input left untouched. */
function mapGraphTensors(g: GraphProto, fn: (t: TensorProto) => TensorProto): GraphProto {
  const mapNode = (n: NodeProto): NodeProto =>
    n.attribute?.some((a) => a.t || a.tensors || a.g || a.graphs)
      ? {
          ...n,
          attribute: n.attribute.map((a) => ({
            ...a,
            t: a.t && fn(a.t),
            tensors: a.tensors?.map(fn),
            g: a.g && mapGraphTensors(a.g, fn),
            graphs: a.graphs?.map((sg) => mapGraphTensors(sg, fn)),
          })),
        }
      : n;
  return { ...g, initializer: g.initializer?.map(fn), node: g.node?.map(mapNode) };
}

/**
 * Writes chunks to `file` atomically: temp file, fsync, rename (through safeOutput's checks; inputs none).
 * Kept for callers that have no input to protect; new code calls writeOutputFile with its inputs.
 */
export function writeFileAtomic(file: string, chunks: Iterable<Uint8Array>, overwrite = false): number {
  return writeOutputFile(file, chunks, { overwrite });
}

/** The model's input files: the source and the external data files its tensors read. */
function inputFilesOf(model: ModelProto, sourceFile: string | undefined): string[] {
  if (!sourceFile) return [];
  const files = new Set<string>([sourceFile]);
  visitTensors(model.graph, (t) => {
    if (!isExternal(t)) return;
    try {
      files.add(checkExternalTensor(t, sourceFile).file);
    } catch {
      // reported when the tensor is read
    }
  });
  return [...files];
}

/**
 * Writes `model` to `outFile`. External tensors of the source are copied into `<out>.data` (never referenced
 * in place: the new file must not depend on the old one's folder), as are inline tensors past the threshold.
 */
export function writeModel(model: ModelProto, outFile: string, opts: WriteOptions = {}): WriteResult {
  const out = path.resolve(outFile);
  const guard = { overwrite: opts.overwrite, inputs: inputFilesOf(model, opts.sourceFile) };
  checkOutputPath(out, guard);
  let hasExternal = false;
  visitTensors(model.graph, (t) => (hasExternal ||= isExternal(t)));
  const inline = totalInlineBytes(model);
  const threshold = opts.externalThreshold ?? (inline > PROTOBUF_LIMIT - 64 * 2 ** 20 ? 1024 : Infinity);
  if (!hasExternal && threshold === Infinity) {
    const bytes = writeOutputFile(out, encodeModel(model), guard);
    return { file: out, bytes };
  }
  const dataName = `${path.basename(out)}.data`;
  const dataFile = path.join(path.dirname(out), dataName);
  // Both outputs are checked before either is written: a refused model must not leave a new sidecar.
  checkOutputPath(dataFile, guard);
  const dataChunks: Uint8Array[] = [];
  let offset = 0;
  const moved = mapGraphTensors(model.graph ?? {}, (t) => {
    let bytes: Uint8Array | undefined;
    if (isExternal(t)) {
      if (!opts.sourceFile)
        throw new ModelError(
          'external-data',
          outFile,
          `tensor '${t.name ?? ''}' is external but no source model file was given`,
        );
      bytes = readExternalTensor(t, opts.sourceFile);
    } else if (t.raw_data && t.raw_data.length >= threshold) {
      bytes = t.raw_data;
    }
    if (!bytes) return t;
    // 4 KiB alignment lets runtimes memory-map the data file.
    const pad = (4096 - (offset % 4096)) % 4096;
    if (pad) dataChunks.push(new Uint8Array(pad));
    offset += pad;
    const entry = { ...t, raw_data: undefined, data_location: DataLocation.EXTERNAL };
    entry.external_data = [
      { key: 'location', value: dataName },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(bytes.length) },
    ];
    dataChunks.push(bytes);
    offset += bytes.length;
    return entry;
  });
  const dataBytes = writeOutputFile(dataFile, dataChunks, guard);
  try {
    const bytes = writeOutputFile(out, encodeModel({ ...model, graph: moved }), guard);
    return { file: out, bytes, dataFile, dataBytes };
  } catch (e) {
    removeOutputs([dataFile]);
    throw e;
  }
}
