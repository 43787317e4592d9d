import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { readInputFile, resolveFeeds } from '../../src/engine/runtime/feedSource';
import type { ModelInputSpec } from '../../src/engine/runtime/modelInputs';
import { parseNpy } from '../../src/engine/runtime/npyFormat';
import { makeTempDir, removeDir } from '../support/tmp';

/** A .npy file written byte by byte as numpy's format spec describes (version 1.0, header padded to 64). */
function npy(descr: string, shape: number[], data: ArrayBufferView, version = 1): Buffer {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const pre = version === 1 ? 10 : 12;
  header += ' '.repeat(64 - ((pre + header.length + 1) % 64)) + '\n';
  const head = Buffer.alloc(pre);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]).copy(head);
  if (version === 1) head.writeUInt16LE(header.length, 8);
  else head.writeUInt32LE(header.length, 8);
  return Buffer.concat([
    head,
    Buffer.from(header, 'latin1'),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength),
  ]);
}

/** A minimal zip (local headers + central directory), members stored or deflated, like numpy.savez[_compressed]. */
function zip(members: [string, Buffer][], deflate: boolean): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of members) {
    const body = deflate ? zlib.deflateRawSync(data) : data;
    const nameBuf = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(deflate ? 8 : 0, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(deflate ? 8 : 0, 10);
    dir.writeUInt32LE(body.length, 20);
    dir.writeUInt32LE(data.length, 24);
    dir.writeUInt16LE(nameBuf.length, 28);
    dir.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, body);
    central.push(dir, nameBuf);
    offset += 30 + nameBuf.length + body.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const specs: ModelInputSpec[] = [
  { name: 'x', type: 'float32', shape: ['batch', 3] },
  { name: 'sr', type: 'int64', shape: [] },
  { name: 'state', type: 'float32', shape: [2, '', 4] },
];

describe('runtime inputs', () => {
  let dir: string;
  before(() => (dir = makeTempDir()));
  after(() => removeDir(dir));

  it('reads .npy versions 1 and 2, and typed data exactly', () => {
    const x = Float32Array.from([1.5, -2, 3, 4, 5, 6]);
    for (const v of [1, 2]) {
      const a = parseNpy(npy('<f4', [2, 3], x, v), 'x.npy');
      assert.equal(a.type, 'float32');
      assert.deepEqual(a.dims, [2, 3]);
      assert.deepEqual([...(a.data as Float32Array)], [...x]);
    }
    const ids = parseNpy(npy('<i8', [3], BigInt64Array.from([1n, -2n, 3n])), 'ids.npy');
    assert.deepEqual([ids.type, [...(ids.data as BigInt64Array)]], ['int64', [1n, -2n, 3n]]);
    assert.throws(() => parseNpy(npy('>f4', [1], new Float32Array(1)), 'be.npy'), /unsupported dtype '>f4'/);
    assert.throws(() => parseNpy(npy('<f4', [4], new Float32Array(2)), 't.npy'), /truncated/);
  });

  for (const deflate of [false, true])
    it(`reads .npz (${deflate ? 'deflated' : 'stored'}) into feeds, converting types to what the model declares`, () => {
      const file = path.join(dir, `in-${deflate}.npz`);
      const x = Float64Array.from([0.25, 1, 2, 3, 4, 5]);
      fs.writeFileSync(
        file,
        zip(
          [
            ['x.npy', npy('<f8', [2, 3], x)],
            ['sr.npy', npy('<i8', [], BigInt64Array.from([8000n]))],
          ],
          deflate,
        ),
      );
      const r = resolveFeeds(specs, { inputsFile: file, shapes: { state: [2, 1, 4] } });
      assert.deepEqual(r.origin, { x: 'file', sr: 'file', state: 'synthetic' });
      assert.equal(r.feeds.x!.type, 'float32');
      assert.deepEqual([...(r.feeds.x!.data as Float32Array)], [...x]);
      assert.deepEqual(r.feeds.x!.dims, [2, 3]);
      assert.deepEqual([...(r.feeds.sr!.data as BigInt64Array)], [8000n]);
      assert.deepEqual(r.feeds.state!.dims, [2, 1, 4]);
    });

  it('reads JSON nested arrays and fixed values, and synthesises the rest with the given shapes', () => {
    const file = path.join(dir, 'in.json');
    fs.writeFileSync(file, JSON.stringify({ x: [[1, 2, 3]] }));
    const r = resolveFeeds(specs, { inputsFile: file, values: { sr: 16000 }, dims: { batch: 1 } });
    assert.deepEqual([...(r.feeds.x!.data as Float32Array)], [1, 2, 3]);
    assert.deepEqual(r.feeds.x!.dims, [1, 3]);
    assert.deepEqual(r.feeds.sr!.dims, []);
    assert.deepEqual([...(r.feeds.sr!.data as BigInt64Array)], [16000n]);
    // state's unnamed dim had no value: set to 1 and reported.
    assert.deepEqual(r.feeds.state!.dims, [2, 1, 4]);
    assert.deepEqual(r.assumed, ['(unnamed)']);
  });

  it('names the file and the input in errors', () => {
    const ragged = path.join(dir, 'ragged.json');
    fs.writeFileSync(ragged, JSON.stringify({ x: [[1, 2], [3]] }));
    assert.throws(() => readInputFile(ragged, specs), /ragged\.json: input 'x' is a ragged array/);
    const unknown = path.join(dir, 'unknown.json');
    fs.writeFileSync(unknown, JSON.stringify({ y: [1] }));
    assert.throws(() => resolveFeeds(specs, { inputsFile: unknown }), /no input 'y'.*x, sr, state/);
    const one = path.join(dir, 'one.npy');
    fs.writeFileSync(one, npy('<f4', [1], new Float32Array(1)));
    assert.throws(() => readInputFile(one, specs), /feeds one input but the model has 3/);
  });
});
