/**
 * External tensor data (TensorProto.data_location = EXTERNAL; keys location/offset/length, see the ONNX IR
 * spec "External Tensor Data"). Locations are untrusted input: a model could name `/etc/shadow` or
 * `../../secret` or a symlink that points out of its folder, and a loader that follows it leaks that file
 * into tensors (a known attack class on ONNX loaders). Every location must resolve inside the model's folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModelError } from './errors';
import { specialFileKind } from './safeOutput';
import { DataLocation, type TensorProto } from './types';

export interface ExternalRef {
  readonly location: string;
  readonly offset: number;
  /** Bytes to read; undefined means "to the end of the file". */
  readonly length: number | undefined;
}

export function isExternal(t: TensorProto): boolean {
  return t.data_location === DataLocation.EXTERNAL;
}

export function externalRef(t: TensorProto, modelFile: string): ExternalRef {
  const entries = new Map((t.external_data ?? []).map((e) => [e.key ?? '', e.value ?? '']));
  const location = entries.get('location');
  const tensor = t.name ?? '(unnamed)';
  if (!location)
    throw new ModelError('external-data', modelFile, `tensor '${tensor}' is external but names no location`);
  const num = (key: string): number | undefined => {
    const raw = entries.get(key);
    if (raw === undefined || raw === '') return undefined;
    const v = Number(raw);
    if (!Number.isSafeInteger(v) || v < 0)
      throw new ModelError('external-data', modelFile, `tensor '${tensor}' has an invalid external ${key} '${raw}'`);
    return v;
  };
  return { location, offset: num('offset') ?? 0, length: num('length') };
}

/** Resolves an external location to a real path inside the model's folder, or throws 'unsafe-path'. */
export function resolveExternalPath(modelFile: string, location: string, tensor: string): string {
  const refuse = (why: string): never => {
    throw new ModelError(
      'unsafe-path',
      modelFile,
      `tensor '${tensor}' points its external data at '${location}', ${why}`,
      'external data must be a file inside the model folder; refusing to read it',
    );
  };
  if (location.includes('\0')) refuse('which contains a NUL byte');
  if (path.isAbsolute(location) || path.win32.isAbsolute(location) || /^[a-zA-Z]:/.test(location))
    refuse('an absolute path');
  const dir = path.dirname(path.resolve(modelFile));
  const joined = path.resolve(dir, location);
  const rel = path.relative(dir, joined);
  if (rel.startsWith('..') || path.isAbsolute(rel)) refuse('outside the model folder');
  let real: string;
  try {
    real = fs.realpathSync(joined);
  } catch {
    throw new ModelError('external-data', modelFile, `tensor '${tensor}': external data file '${location}' not found`);
  }
  const realDir = fs.realpathSync(dir);
  const realRel = path.relative(realDir, real);
  if (realRel.startsWith('..') || path.isAbsolute(realRel)) refuse('a link that leads outside the model folder');
  return real;
}

/** Checks that a tensor's external bytes exist (file present and long enough); returns the resolved ref. */
export function checkExternalTensor(t: TensorProto, modelFile: string): ExternalRef & { file: string; bytes: number } {
  const ref = externalRef(t, modelFile);
  const tensor = t.name ?? '(unnamed)';
  const file = resolveExternalPath(modelFile, ref.location, tensor);
  const st = fs.statSync(file);
  // A FIFO, device or socket never ends (or never answers): reading it would hang the job forever.
  const kind = specialFileKind(st);
  if (kind)
    throw new ModelError(
      'external-data',
      modelFile,
      `tensor '${tensor}': external data '${ref.location}' is ${kind}`,
      'external data must be a regular file',
    );
  const size = st.size;
  const bytes = ref.length ?? size - ref.offset;
  if (ref.offset + bytes > size || bytes < 0)
    throw new ModelError(
      'external-data',
      modelFile,
      `tensor '${tensor}' needs bytes ${ref.offset}..${ref.offset + bytes} of '${ref.location}', which has only ${size}`,
      'the data file is short or belongs to another model',
    );
  return { ...ref, file, bytes };
}

/** Reads one tensor's external bytes (only when a caller really needs the values). */
export function readExternalTensor(t: TensorProto, modelFile: string): Uint8Array {
  const ref = checkExternalTensor(t, modelFile);
  const out = Buffer.allocUnsafe(ref.bytes);
  const fd = fs.openSync(ref.file, 'r');
  try {
    let done = 0;
    while (done < ref.bytes) {
      const n = fs.readSync(fd, out, done, ref.bytes - done, ref.offset + done);
      if (n === 0) break;
      done += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return out;
}
