/**
 * The ONNX backend test models Debian ships (package libonnx-testdata: ~1,000 single-op and small models with
 * reference inputs and outputs). For every model onnxruntime runs on its reference inputs: `inspect` reports
 * no problem, and where our shape inference gives a concrete output shape it equals the reference output's.
 * Skips with one line when the package is absent (`apt-get install libonnx-testdata`).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { inferShapes } from '../../src/engine/graph/shapeInference';
import { tensorNumbers } from '../../src/engine/graph/tensorData';
import { decodeMessage } from '../../src/engine/onnx/codec';
import { int64ToNumber } from '../../src/engine/onnx/int64';
import { readModel } from '../../src/engine/onnx/readModel';
import { DataType, type TensorProto } from '../../src/engine/onnx/types';
import { buildInspectReport } from '../../src/engine/report/inspectReport';

const ROOT = '/usr/share/libonnx-testdata/data';
const SUITES = ['node', 'simple', 'pytorch-operator', 'pytorch-converted', 'real'];

const ORT_TYPES: Partial<Record<number, [ort.Tensor.Type, (n: number) => ArrayBufferView & { [i: number]: unknown }]>> =
  {
    [DataType.FLOAT]: ['float32', (n) => new Float32Array(n)],
    [DataType.DOUBLE]: ['float64', (n) => new Float64Array(n)],
    [DataType.INT64]: ['int64', (n) => new BigInt64Array(n)],
    [DataType.INT32]: ['int32', (n) => new Int32Array(n)],
    [DataType.INT16]: ['int16', (n) => new Int16Array(n)],
    [DataType.INT8]: ['int8', (n) => new Int8Array(n)],
    [DataType.UINT8]: ['uint8', (n) => new Uint8Array(n)],
    [DataType.UINT16]: ['uint16', (n) => new Uint16Array(n)],
    [DataType.UINT32]: ['uint32', (n) => new Uint32Array(n)],
    [DataType.UINT64]: ['uint64', (n) => new BigUint64Array(n)],
    [DataType.BOOL]: ['bool', (n) => new Uint8Array(n)],
  };

/** A reference TensorProto as an ORT tensor; undefined for types the test does not feed (strings, fp16...). */
function toOrt(t: TensorProto): ort.Tensor | undefined {
  const spec = ORT_TYPES[t.data_type ?? 0];
  const dims = (t.dims ?? []).map(int64ToNumber);
  const values = tensorNumbers(t);
  if (!spec || !values) return undefined;
  const data = spec[1](values.length);
  const big = data instanceof BigInt64Array || data instanceof BigUint64Array;
  values.forEach((v, i) => (data[i] = big ? BigInt(Math.trunc(v)) : v));
  return new ort.Tensor(spec[0], data as Float32Array, dims);
}

const readTensor = (file: string): TensorProto => decodeMessage('TensorProto', fs.readFileSync(file)) as TensorProto;

function modelDirs(): string[] {
  return SUITES.flatMap((s) => {
    const dir = path.join(ROOT, s);
    return fs.existsSync(dir) ? fs.readdirSync(dir).map((d) => path.join(dir, d)) : [];
  }).filter((d) => fs.existsSync(path.join(d, 'model.onnx')));
}

describe('ONNX backend test models (libonnx-testdata)', function () {
  this.timeout(600_000);
  const present = fs.existsSync(ROOT);
  (present ? it : it.skip)(
    present
      ? 'inspect finds no problem on ORT-runnable models; inferred output shapes match the references'
      : 'skipped: libonnx-testdata is not installed (apt-get install libonnx-testdata)',
    async () => {
      let models = 0;
      let runnable = 0;
      let compared = 0;
      const problems: string[] = [];
      const mismatches: string[] = [];
      for (const dir of modelDirs()) {
        models++;
        const file = path.join(dir, 'model.onnx');
        const dataDir = path.join(dir, 'test_data_set_0');
        if (!fs.existsSync(dataDir)) continue;
        let loaded;
        try {
          loaded = readModel(file);
        } catch {
          continue; // unreadable by us: covered by the model-error tests, not a shape question
        }
        const graph = loaded.proto.graph ?? {};
        const inits = new Set((graph.initializer ?? []).map((t) => t.name));
        const inputs = (graph.input ?? []).filter((v) => !inits.has(v.name));
        const feeds: Record<string, ort.Tensor> = {};
        const given: Record<string, number[]> = {};
        let feedable = true;
        inputs.forEach((v, i) => {
          const pb = path.join(dataDir, `input_${i}.pb`);
          const t = fs.existsSync(pb) && v.type?.tensor_type ? readTensor(pb) : undefined;
          const tensor = t && toOrt(t);
          if (!tensor || !v.name) feedable = false;
          else {
            feeds[v.name] = tensor;
            given[v.name] = [...tensor.dims];
          }
        });
        if (!feedable) continue;
        let session: ort.InferenceSession | undefined;
        try {
          session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1, logSeverityLevel: 4 });
          await session.run(feeds);
        } catch {
          continue; // not runnable by this onnxruntime: out of scope for "no problem on runnable models"
        } finally {
          await session?.release();
        }
        runnable++;
        const report = buildInspectReport(loaded, { inputShapes: given });
        for (const p of report.problems) problems.push(`${path.basename(dir)}: ${p}`);
        const shapes = inferShapes(loaded.proto, { inputShapes: given }).main.types;
        (graph.output ?? []).forEach((o, i) => {
          const pb = path.join(dataDir, `output_${i}.pb`);
          const inferred = shapes.get(o.name ?? '')?.shape;
          if (!o.type?.tensor_type || !fs.existsSync(pb) || !inferred || !inferred.every((d) => typeof d === 'number'))
            return;
          const ref = (readTensor(pb).dims ?? []).map(int64ToNumber);
          compared++;
          if (ref.join('x') !== inferred.join('x'))
            mismatches.push(
              `${path.basename(dir)} ${o.name}: inferred [${inferred.join(',')}] vs reference [${ref.join(',')}]`,
            );
        });
      }
      console.log(
        `      backend models: ${models}, ORT-runnable: ${runnable}, inspect problems on runnable: ${problems.length}, output shapes compared: ${compared}, mismatches: ${mismatches.length}`,
      );
      assert.deepEqual(problems, []);
      assert.deepEqual(mismatches, []);
    },
  );
});
