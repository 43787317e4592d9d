/**
 * Protocol-buffer wire format, read and written by hand (https://protobuf.dev/programming-guides/encoding/).
 * Why not a generated codec: ONNX weights must stay zero-copy views into the file buffer, 64-bit ints must
 * round-trip exactly (see int64.ts), and fields this schema does not know must be kept byte for byte.
 */
import { WireError } from './errors';
import { normalizeInt64, type Int64 } from './int64';

export const enum WireType {
  Varint = 0,
  Fixed64 = 1,
  LengthDelimited = 2,
  StartGroup = 3,
  EndGroup = 4,
  Fixed32 = 5,
}

const TWO_32 = 4294967296;
const utf8 = new TextDecoder('utf-8', { fatal: false });

export class WireReader {
  pos: number;
  private readonly view: DataView;
  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  eof(): boolean {
    return this.pos >= this.end;
  }

  private fail(message: string, truncated = false): never {
    throw new WireError(message, this.pos, truncated);
  }

  private need(n: number): void {
    if (this.pos + n > this.end) this.fail(`unexpected end of data (needed ${n} more bytes)`, true);
  }

  /** Unsigned varint that must fit in 32 bits (tags, lengths). */
  uint32(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.end) this.fail('unexpected end of data inside a varint', true);
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
    }
    // Lengths and tags never exceed 32 bits in a valid file; a longer varint is corruption.
    return this.fail('varint too long for a tag or length');
  }

  /** Raw 64-bit varint as an unsigned bigint, with a fast number path for short ones. */
  private varint64(): { lo: number; big: bigint | null } {
    let lo = 0;
    let shift = 0;
    const start = this.pos;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail('unexpected end of data inside a varint', true);
      const b = this.buf[this.pos++]!;
      if (i < 7) {
        lo += (b & 0x7f) * 2 ** shift;
        shift += 7;
        if (b < 0x80) return { lo, big: null };
      } else if (b < 0x80 || i === 9) {
        let big = 0n;
        for (let j = this.pos - 1; j >= start; j--) big = (big << 7n) | BigInt(this.buf[j]! & 0x7f);
        return { lo: 0, big: big & 0xffffffffffffffffn };
      }
    }
    return this.fail('malformed varint');
  }

  int64(): Int64 {
    const { lo, big } = this.varint64();
    if (big === null) return lo;
    return normalizeInt64(BigInt.asIntN(64, big));
  }

  uint64(): Int64 {
    const { lo, big } = this.varint64();
    if (big === null) return lo;
    return normalizeInt64(big);
  }

  int32(): number {
    const { lo, big } = this.varint64();
    const low32 = big === null ? lo % TWO_32 : Number(big & 0xffffffffn);
    return low32 | 0;
  }

  float(): number {
    this.need(4);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  double(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** Zero-copy view of a length-delimited payload. */
  bytes(): Uint8Array {
    const len = this.uint32();
    this.need(len);
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  string(): string {
    return utf8.decode(this.bytes());
  }

  /** Skips one field's payload; returns nothing. Groups are deprecated and never used by ONNX. */
  skip(wireType: number): void {
    switch (wireType) {
      case WireType.Varint:
        this.varint64();
        return;
      case WireType.Fixed64:
        this.need(8);
        this.pos += 8;
        return;
      case WireType.LengthDelimited: {
        const len = this.uint32();
        this.need(len);
        this.pos += len;
        return;
      }
      case WireType.Fixed32:
        this.need(4);
        this.pos += 4;
        return;
      default:
        this.fail(`unsupported wire type ${wireType}`);
    }
  }
}

/**
 * Writes into a list of chunks so that large byte payloads (weights) are referenced, not copied, and nested
 * messages are encoded once: the caller concatenates or streams the chunks at the very end.
 */
export class WireWriter {
  private readonly parts: Uint8Array[] = [];
  private flushedLength = 0;
  private scratch = new Uint8Array(1024);
  private view = new DataView(this.scratch.buffer);
  private used = 0;

  /** Bytes written so far. */
  get length(): number {
    return this.flushedLength + this.used;
  }

  private ensure(n: number): void {
    if (this.used + n <= this.scratch.length) return;
    this.flush();
    if (n > this.scratch.length) {
      this.scratch = new Uint8Array(Math.max(n, this.scratch.length * 2));
      this.view = new DataView(this.scratch.buffer);
    }
  }

  private flush(): void {
    if (this.used === 0) return;
    this.parts.push(this.scratch.slice(0, this.used));
    this.flushedLength += this.used;
    this.used = 0;
  }

  /** Finishes writing; returns the chunks in order. */
  finish(): Uint8Array[] {
    this.flush();
    return this.parts;
  }

  tag(field: number, wireType: WireType): void {
    this.uint32(field * 8 + wireType);
  }

  uint32(v: number): void {
    this.ensure(5);
    let x = v >>> 0;
    while (x >= 0x80) {
      this.scratch[this.used++] = (x & 0x7f) | 0x80;
      x >>>= 7;
    }
    this.scratch[this.used++] = x;
  }

  /** Any 64-bit integer (negative values as two's complement, as protobuf's int64 does). */
  int64(v: Int64): void {
    if (typeof v === 'number' && v >= 0 && v < TWO_32) {
      this.uint32(v);
      return;
    }
    this.ensure(10);
    let x = BigInt.asUintN(64, BigInt(v));
    while (x >= 0x80n) {
      this.scratch[this.used++] = Number(x & 0x7fn) | 0x80;
      x >>= 7n;
    }
    this.scratch[this.used++] = Number(x);
  }

  int32(v: number): void {
    if (v >= 0) this.uint32(v);
    else this.int64(v); // a negative int32 is sign-extended to 10 bytes on the wire
  }

  float(v: number): void {
    this.ensure(4);
    this.view.setFloat32(this.used, v, true);
    this.used += 4;
  }

  double(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.used, v, true);
    this.used += 8;
  }

  /** Appends payload bytes: large ones by reference (no copy), small ones by copy. */
  raw(bytes: Uint8Array): void {
    if (bytes.length <= 256) {
      this.ensure(bytes.length);
      this.scratch.set(bytes, this.used);
      this.used += bytes.length;
      return;
    }
    this.flush();
    this.parts.push(bytes);
    this.flushedLength += bytes.length;
  }

  /** Appends another writer's chunks (a nested message already encoded). */
  append(other: WireWriter): void {
    const chunks = other.finish();
    for (const c of chunks) this.raw(c);
  }

  bytes(bytes: Uint8Array): void {
    this.uint32(bytes.length);
    this.raw(bytes);
  }
}
