/**
 * "Keep in fp16" (issue 18): a node left out of int8 runs in float16 instead. The output file is re-parsed to
 * see which weights are float16 and which int8, and onnxruntime runs it against an independent float run.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { main } from '../../src/cli/main';
import { readModel } from '../../src/engine/onnx/readModel';
import { DataType, type GraphProto, type ModelProto } from '../../src/engine/onnx/types';
import { modelToBuffer, writeModel } from '../../src/engine/onnx/writeModel';
import { keepNodesInFp16 } from '../../src/engine/transform/quantize/keepFp16';
import { exclusionListJson, readExclusionFile } from '../../src/engine/optimize/exclusionFile';
import { iterationTableHtml } from '../../src/engine/report/iterationTable';
import { addExclusion, exclusionListFile, readExclusionLists } from '../../src/extension/commands/exclusionList';
import { validateWebviewMessage } from '../../src/protocol/webviewProtocol';
import { captureIO } from '../support/capture';
import { GraphBuilder, tensor } from '../support/onnxBuilder';
import { ifModel, outlierMlp } from '../support/models';
import { randomNormal } from '../support/random';
import { makeTempDir, removeDir } from '../support/tmp';

/** The tensor a node reads in input slot `k`, followed back through Casts to its initializer. */
function weightOf(g: GraphProto, node: string, k: number): { dtype: number; throughCast: boolean } {
  const n = g.node!.find((x) => x.name === node)!;
  let name = n.input![k]!;
  let throughCast = false;
  for (;;) {
    const init = g.initializer!.find((t) => t.name === name);
    if (init) return { dtype: init.data_type!, throughCast };
    const p = g.node!.find((x) => x.output!.includes(name));
    assert.ok(p, `no producer of ${name}`);
    if (p.op_type !== 'Cast') return { dtype: -1, throughCast };
    throughCast = true;
    name = p.input![0]!;
  }
}

async function run(model: string | ModelProto, x: Float32Array, dims: number[]): Promise<Float32Array> {
  const opts = { intraOpNumThreads: 1 };
  const s = await (typeof model === 'string'
    ? ort.InferenceSession.create(model, opts)
    : ort.InferenceSession.create(modelToBuffer(model), opts));
  try {
    const out = await s.run({ x: new ort.Tensor('float32', x, dims) });
    return Float32Array.from(out[s.outputNames[0]!]!.data as Float32Array);
  } finally {
    await s.release();
  }
}

function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return ab / Math.sqrt(aa * bb);
}

describe('keep in fp16 (issue 18)', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(() => removeDir(dir));

  it('optimize --keep-fp16 fc2: fc2 reads float16 weights, the other layers int8, ORT close to float', async () => {
    const file = path.join(dir, 'mlp.onnx');
    writeModel(outlierMlp(5, 64, 2), file);
    const out = path.join(dir, 'mlp.int8.onnx');
    const io = captureIO();
    const args = ['optimize', file, '--quantize', 'dynamic', '--keep-fp16', 'fc2', '-o', out, '--no-compare'];
    assert.equal(await main(args, io), 0, io.stderr.join('\n'));
    const g = readModel(out).proto.graph!;
    const fc2 = weightOf(g, 'fc2', 1);
    assert.equal(fc2.dtype, DataType.FLOAT16, 'fc2 weights stored as float16');
    // On x86 onnxruntime has no float16 MatMul kernel: fc2 computes in float32 from its float16 weights, and says so.
    const fellBack = io.stdout
      .join('\n')
      .split('\n')
      .some((l) => /no float16 MatMul kernel: fc2 stores its weights in float16/.test(l));
    assert.equal(fc2.throughCast, fellBack, 'float16 weights are cast to float32 only where the compute falls back');
    assert.equal(g.node!.find((n) => n.name === 'fc2')!.op_type, 'MatMul');
    for (const k of [0, 1, 3, 4]) {
      const ints = g.node!.filter((n) => n.op_type === 'MatMulInteger' && n.name?.startsWith(`fc${k}`));
      assert.equal(ints.length, 1, `fc${k} is int8 (MatMulInteger)`);
      assert.equal(weightOf(g, ints[0]!.name!, 1).dtype, DataType.INT8, `fc${k} weights int8`);
    }
    assert.ok(!g.node!.some((n) => n.op_type === 'MatMulInteger' && n.name?.startsWith('fc2')), 'fc2 is not int8');
    // The outlier layer in int8 ruins the output (cosine < 0.5, clickToExclude.test.ts); in fp16 it does not.
    const x = randomNormal(8 * 64, 1, 31);
    const [ref, got] = await Promise.all([run(file, x, [1, 8, 64]), run(out, x, [1, 8, 64])]);
    assert.ok(cosine(ref, got) >= 0.99, `cosine ${cosine(ref, got)}`);
  });

  it('--exclude-from reads "keepFp16" beside "keepFloat"; a list without it reads as before', async () => {
    const list = path.join(dir, 'list.json');
    fs.writeFileSync(list, exclusionListJson(['fc1'], 'mlp.onnx', ['fc2']));
    assert.deepEqual(readExclusionFile(list), { keepFloat: ['fc1'], keepFp16: ['fc2'] });
    fs.writeFileSync(list, JSON.stringify({ version: 1, keepFloat: ['fc1'] }));
    assert.deepEqual(readExclusionFile(list), { keepFloat: ['fc1'], keepFp16: [] });
    assert.equal(exclusionListJson(['fc1']), `${JSON.stringify({ version: 1, keepFloat: ['fc1'] }, null, 2)}\n`);

    const file = path.join(dir, 'mlp.onnx');
    writeModel(outlierMlp(5, 64, 2), file);
    fs.writeFileSync(list, exclusionListJson(['fc0'], 'mlp.onnx', ['fc2']));
    const out = path.join(dir, 'mlp.list.onnx');
    const io = captureIO();
    const args = ['optimize', file, '--quantize', 'dynamic', '--exclude-from', list, '-o', out, '--no-compare'];
    assert.equal(await main(args, io), 0, io.stderr.join('\n'));
    const g = readModel(out).proto.graph!;
    assert.equal(weightOf(g, 'fc0', 1).dtype, DataType.FLOAT, 'fc0 kept float');
    assert.equal(weightOf(g, 'fc2', 1).dtype, DataType.FLOAT16, 'fc2 kept in fp16');
  });

  it('an op onnxruntime runs in float16 (Clip) computes in float16 between Casts, with no fallback', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', [1, 16]);
    g.inits.push(tensor('lo', [], [-0.5]), tensor('hi', [], [0.75]));
    const c = g.op('Clip', [g.op('Relu', [x], {}, 'r')], {}, 'clip');
    const c2 = g.op('Clip', [c, 'lo', 'hi'], {}, 'clip2');
    g.node('Softmax', [c2], ['y'], { axis: 1 }, 'sm');
    g.output('y', [1, 16]);
    const model = g.model(17);
    const r = await keepNodesInFp16(model, ['clip2', 'nope', 'sm']);
    // Softmax is on the converter's float32 list: it stays float, and says so; Clip needs no fallback.
    assert.deepEqual(
      r.changes.filter((ch) => ch.kind === 'fallback').map((ch) => ch.node),
      ['sm'],
    );
    assert.ok(!r.changes.some((ch) => ch.kind === 'skipped'), 'nodes not asked for are not listed');
    assert.ok(r.changes.some((ch) => /no node named 'nope'/.test(ch.detail)));
    const clip2 = r.model.graph!.node!.find((n) => n.name === 'clip2')!;
    const producer = (t: string) => r.model.graph!.node!.find((n) => n.output!.includes(t));
    assert.equal(producer(clip2.input![0]!)?.op_type, 'Cast', 'its input is cast to float16');
    const sm = r.model.graph!.node!.find((n) => n.name === 'sm')!;
    assert.equal(producer(sm.input![0]!)?.op_type, 'Cast', 'and its output back to float32 for Softmax');
    assert.equal(weightOf(r.model.graph!, 'clip2', 1).dtype, DataType.FLOAT16);
    const xs = randomNormal(16, 1, 5);
    const [ref, got] = await Promise.all([run(model, xs, [1, 16]), run(r.model, xs, [1, 16])]);
    for (let i = 0; i < 16; i++) assert.ok(Math.abs(ref[i]! - got[i]!) <= 1e-3, `${ref[i]} vs ${got[i]}`);
  });

  it('a model it cannot convert (If bodies) keeps the node in float and says so', async () => {
    const model = ifModel();
    const r = await keepNodesInFp16(model, ['share_one']);
    assert.equal(r.model, model);
    assert.deepEqual(
      r.changes.map((c) => [c.kind, c.detail]),
      [['fallback', 'keep in fp16: models with If/Loop/Scan subgraphs are not converted to fp16 yet; kept in float']],
    );
  });

  it("the extension's list: Keep in fp16 moves a node out of the float list, the page may ask for it", () => {
    const model = path.join(dir, 'net.onnx');
    addExclusion(model, 'fc2');
    addExclusion(model, 'fc3');
    assert.deepEqual(addExclusion(model, 'fc2', 'fp16'), ['fc2']);
    assert.deepEqual(readExclusionLists(model), { keepFloat: ['fc3'], keepFp16: ['fc2'] });
    assert.deepEqual(JSON.parse(fs.readFileSync(exclusionListFile(model), 'utf8')), {
      version: 1,
      model: 'net.onnx',
      keepFloat: ['fc3'],
      keepFp16: ['fc2'],
    });
    assert.deepEqual(addExclusion(model, 'fc2'), ['fc3', 'fc2'], 'and back to float');
    assert.deepEqual(readExclusionLists(model).keepFp16, []);
    const row = { file: 'a.onnx', keepFloat: ['fc3'], keepFp16: ['fc2'], sizeBytes: 1, sizeRatio: 1, minCosine: 1 };
    assert.match(
      iterationTableHtml([row], () => 'x'),
      /<td>1: fc3; fp16 1: fc2<\/td>/,
    );
    assert.deepEqual(validateWebviewMessage({ type: 'keepFp16', nodeId: 3 }, 10), { type: 'keepFp16', nodeId: 3 });
    assert.equal(validateWebviewMessage({ type: 'keepFp16', nodeId: 10 }, 10), undefined);
    assert.throws(() => {
      fs.writeFileSync(path.join(dir, 'empty.json'), '{}');
      readExclusionFile(path.join(dir, 'empty.json'));
    }, /expected \{"keepFloat"/);
  });
});
