/**
 * Schema-driven protobuf codec for ONNX messages (schema.ts). Decoded messages are plain objects keyed by
 * the proto field names; bytes are zero-copy views into the input; fields the schema does not know are kept
 * as raw wire bytes in `$unknown` and written back unchanged after the known fields (as protobuf's own C++
 * runtime does), so a read → write round trip loses nothing.
 */
import { WireError } from './errors';
import type { Int64 } from './int64';
import { SCHEMA, type FieldSpec } from './schema';
import { WireReader, WireType, WireWriter } from './wire';

export type Decoded = Record<string, unknown> & { $unknown?: Uint8Array[] };

/** Deeper nesting than this is refused: real models nest subgraphs a few levels, hostile ones thousands. */
export const MAX_DEPTH = 100;

const fieldIndex = new Map<string, Map<number, FieldSpec>>();
const nameIndex = new Map<string, Map<string, FieldSpec>>();
for (const [name, fields] of Object.entries(SCHEMA)) {
  fieldIndex.set(name, new Map(fields.map((f) => [f.no, f])));
  nameIndex.set(name, new Map(fields.map((f) => [f.name, f])));
}

function naturalWireType(type: string): WireType {
  switch (type) {
    case 'int64':
    case 'uint64':
    case 'int32':
      return WireType.Varint;
    case 'float':
      return WireType.Fixed32;
    case 'double':
      return WireType.Fixed64;
    default:
      return WireType.LengthDelimited;
  }
}

function isNumeric(type: string): boolean {
  return naturalWireType(type) !== WireType.LengthDelimited;
}

function readScalar(r: WireReader, type: string): unknown {
  switch (type) {
    case 'int64':
      return r.int64();
    case 'uint64':
      return r.uint64();
    case 'int32':
      return r.int32();
    case 'float':
      return r.float();
    case 'double':
      return r.double();
    case 'string':
      return r.string();
    case 'bytes':
      return r.bytes();
    default:
      throw new Error(`not a scalar type: ${type}`);
  }
}

/** A growing list of numbers for repeated numeric fields, turned into a typed array where one fits. */
function finishNumbers(type: string, values: unknown[]): unknown {
  if (type === 'float') return Float32Array.from(values as number[]);
  if (type === 'double') return Float64Array.from(values as number[]);
  if (type === 'int32') return Int32Array.from(values as number[]);
  return values;
}

export function decodeMessage(type: string, buf: Uint8Array, start = 0, end = buf.length, depth = 0): Decoded {
  if (depth > MAX_DEPTH)
    throw new WireError(`messages nested deeper than ${MAX_DEPTH} levels`, start, false, 'nesting');
  const fields = fieldIndex.get(type);
  if (!fields) throw new Error(`unknown message type ${type}`);
  const r = new WireReader(buf, start, end);
  const out: Decoded = {};
  const repeated = new Map<string, unknown[]>();
  while (!r.eof()) {
    const tagStart = r.pos;
    const tag = r.uint32();
    const no = Math.floor(tag / 8);
    const wt = tag & 7;
    if (no === 0) throw new WireError('invalid field number 0', tagStart, false);
    const spec = fields.get(no);
    if (!spec) {
      r.skip(wt);
      (out.$unknown ??= []).push(buf.subarray(tagStart, r.pos));
      continue;
    }
    const natural = naturalWireType(spec.type);
    const messageType = fieldIndex.has(spec.type);
    let list: unknown[] | undefined;
    if (spec.repeated) {
      list = repeated.get(spec.name);
      if (!list) repeated.set(spec.name, (list = []));
    }
    if (wt === natural) {
      const value = messageType ? readNested(r, spec.type, depth) : readScalar(r, spec.type);
      if (list) list.push(value);
      else out[spec.name] = value;
    } else if (list && wt === WireType.LengthDelimited && isNumeric(spec.type)) {
      const len = r.uint32();
      const stop = r.pos + len;
      if (stop > end) throw new WireError('unexpected end of data inside a packed field', r.pos, true);
      const inner = new WireReader(buf, r.pos, stop);
      while (!inner.eof()) list.push(readScalar(inner, spec.type));
      r.pos = stop;
    } else {
      throw new WireError(`${type}.${spec.name} has wire type ${wt}, expected ${natural}`, tagStart, false);
    }
  }
  for (const [name, values] of repeated) {
    const spec = nameIndex.get(type)!.get(name)!;
    out[name] = isNumeric(spec.type) ? finishNumbers(spec.type, values) : values;
  }
  return out;
}

function readNested(r: WireReader, type: string, depth: number): Decoded {
  const len = r.uint32();
  const start = r.pos;
  const stop = start + len;
  if (stop > r.end) throw new WireError(`unexpected end of data inside ${type}`, start, true);
  r.pos = stop;
  return decodeMessage(type, r.buf, start, stop, depth + 1);
}

function writeScalar(w: WireWriter, type: string, v: unknown): void {
  switch (type) {
    case 'int64':
    case 'uint64':
      w.int64(v as Int64);
      return;
    case 'int32':
      w.int32(v as number);
      return;
    case 'float':
      w.float(v as number);
      return;
    case 'double':
      w.double(v as number);
      return;
    case 'string':
      w.bytes(Buffer.from(v as string, 'utf8'));
      return;
    case 'bytes':
      w.bytes(v as Uint8Array);
      return;
    default:
      throw new Error(`not a scalar type: ${type}`);
  }
}

export function encodeMessage(type: string, msg: object, w = new WireWriter()): WireWriter {
  const fields = SCHEMA[type];
  if (!fields) throw new Error(`unknown message type ${type}`);
  const obj = msg as Decoded;
  for (const spec of fields) {
    const value = obj[spec.name];
    if (value === undefined || value === null) continue;
    const messageType = spec.type in SCHEMA;
    const natural = naturalWireType(spec.type);
    if (spec.repeated) {
      const list = value as ArrayLike<unknown>;
      if (list.length === 0) continue;
      if (spec.packed) {
        const inner = new WireWriter();
        for (let i = 0; i < list.length; i++) writeScalar(inner, spec.type, list[i]);
        w.tag(spec.no, WireType.LengthDelimited);
        w.uint32(inner.length);
        w.append(inner);
        continue;
      }
      for (let i = 0; i < list.length; i++) writeField(w, spec, messageType, natural, list[i]);
    } else {
      writeField(w, spec, messageType, natural, value);
    }
  }
  for (const u of obj.$unknown ?? []) w.raw(u);
  return w;
}

function writeField(w: WireWriter, spec: FieldSpec, messageType: boolean, natural: WireType, value: unknown): void {
  w.tag(spec.no, natural);
  if (messageType) {
    const inner = encodeMessage(spec.type, value as object);
    w.uint32(inner.length);
    w.append(inner);
  } else {
    writeScalar(w, spec.type, value);
  }
}
