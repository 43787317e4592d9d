import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { decodeMessage, encodeMessage } from '../../src/engine/onnx/codec';
import { parseModel, readModel } from '../../src/engine/onnx/readModel';
import type { ModelProto } from '../../src/engine/onnx/types';
import { WireReader, WireType, WireWriter } from '../../src/engine/onnx/wire';
import { modelToBuffer } from '../../src/engine/onnx/writeModel';
import { bertEncoder, ifModel, mlp, tinyCnn } from '../support/models';
import { createSession, feedsFor, runRaw } from '../support/ortRun';
import { realModelsOrSkip } from '../support/realModels';
import { regressionEntry, type RegressionEntry } from '../support/regression';

const INT64_MAX = 9223372036854775807n;

describe('ONNX wire codec', () => {
  it('round-trips 64-bit integers exactly, including INT64_MAX and negatives', () => {
    const values = [0, 1, 127, 128, 2 ** 32, 2 ** 53 - 1, -1, -(2 ** 40), INT64_MAX, -INT64_MAX - 1n];
    const w = new WireWriter();
    for (const v of values) w.int64(v);
    const buf = Buffer.concat(w.finish());
    const r = new WireReader(buf);
    const back = values.map(() => r.int64());
    assert.deepEqual(back, values);
    // -1 is ten bytes on the wire (protobuf int64 two's complement), the same as protobuf's own encoder.
    const one = new WireWriter();
    one.int64(-1);
    assert.equal(Buffer.concat(one.finish()).toString('hex'), 'ffffffffffffffffff01');
  });

  it('keeps unknown fields byte-for-byte and writes them back', () => {
    // field 99 (varint 300) and field 100 (bytes "hi") are not in the ONNX schema
    const unknown = Buffer.from([0x98, 0x06, 0xac, 0x02, 0xa2, 0x06, 0x02, 0x68, 0x69]);
    const known = Buffer.concat(encodeMessage('OperatorSetIdProto', { domain: 'x', version: 3 }).finish());
    const msg = Buffer.concat([known, unknown]);
    const decoded = decodeMessage('OperatorSetIdProto', msg);
    assert.equal(decoded.domain, 'x');
    assert.equal(decoded.version, 3);
    assert.equal(decoded.$unknown?.length, 2);
    assert.deepEqual(Buffer.concat(encodeMessage('OperatorSetIdProto', decoded).finish()), msg);
  });

  it('reads packed and unpacked repeated scalars alike', () => {
    const unpacked = new WireWriter();
    for (const d of [2, 3]) {
      unpacked.tag(1, WireType.Varint);
      unpacked.int64(d);
    }
    const packed = new WireWriter();
    packed.tag(1, WireType.LengthDelimited);
    packed.uint32(2);
    packed.int64(2);
    packed.int64(3);
    for (const w of [unpacked, packed])
      assert.deepEqual(decodeMessage('TensorProto', Buffer.concat(w.finish())).dims, [2, 3]);
  });

  it('keeps weights as zero-copy views into the file buffer', () => {
    const buf = modelToBuffer(mlp());
    const model = parseModel(buf, 'mlp.onnx');
    const w1 = model.graph!.initializer!.find((t) => t.name === 'w1')!;
    assert.equal(w1.raw_data!.buffer, buf.buffer, 'raw_data must share the file buffer');
  });

  it('re-encodes every builder model byte-identically', () => {
    for (const model of [tinyCnn(), mlp(), bertEncoder(), ifModel()]) {
      const first = modelToBuffer(model);
      assert.deepEqual(modelToBuffer(parseModel(first, 'built.onnx')), first);
    }
  });

  it('builder models run in ORT with bit-identical outputs after read → write', async () => {
    const cases: [ModelProto, RegressionEntry][] = [
      [tinyCnn(), { shapes: { input: [1, 3, 32, 32] } }],
      [mlp(), { shapes: { x: [3, 64] } }],
      [bertEncoder(), { shapes: { hidden_states: [2, 8, 64] } }],
      [ifModel(), { shapes: { x: [3, 4], cond: [] } }],
    ];
    for (const [model, entry] of cases) {
      const original = modelToBuffer(model);
      const rewritten = modelToBuffer(parseModel(original, 'built.onnx'));
      const a = await createSession(original);
      const b = await createSession(rewritten);
      const feeds = feedsFor(a, entry);
      assert.deepEqual(await runRaw(b, feeds), await runRaw(a, feeds));
    }
  });

  describe('real models', () => {
    it('re-encode byte-identically', function () {
      for (const m of realModelsOrSkip(this)) {
        const original = fs.readFileSync(m.file);
        const back = modelToBuffer(readModel(m.file).proto);
        assert.ok(Buffer.compare(back, original) === 0, `${m.name}: re-encoded bytes differ`);
      }
    });

    it('give bit-identical ORT outputs after read → write', async function () {
      this.timeout(180_000);
      for (const m of realModelsOrSkip(this)) {
        const entry = regressionEntry(m.name);
        const rewritten = modelToBuffer(readModel(m.file).proto);
        const a = await createSession(m.file, { intraOpNumThreads: 2 });
        const b = await createSession(rewritten, { intraOpNumThreads: 2 });
        const feeds = feedsFor(a, entry);
        const [ra, rb] = [await runRaw(a, feeds), await runRaw(b, feeds)];
        assert.deepEqual(Object.keys(rb), Object.keys(ra), m.name);
        for (const k of Object.keys(ra)) assert.ok(ra[k]!.bytes.equals(rb[k]!.bytes), `${m.name}: output ${k} differs`);
        await a.release();
        await b.release();
      }
    });
  });
});
