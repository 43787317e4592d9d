/**
 * Click-to-exclude, engine and CLI side (issue 18): the greedy search keeps the fewest nodes float for the
 * worst output cosine to reach a target, measuring every round; `--exclude-from FILE` reads the list the
 * extension writes; per-node errors are fetched in bounded chunks with the same results. Cosines are
 * re-checked here with onnxruntime, independently of the engine's comparison.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { main } from '../../src/cli/main';
import { exactName, exclusionListJson, readExclusionFile } from '../../src/engine/optimize/exclusionFile';
import { searchExclusions } from '../../src/engine/optimize/exclusionSearch';
import { readModel } from '../../src/engine/onnx/readModel';
import type { ModelProto } from '../../src/engine/onnx/types';
import { modelToBuffer, writeModel } from '../../src/engine/onnx/writeModel';
import { quantizeDynamic } from '../../src/engine/transform/quantize/dynamic';
import { synthesizeFeeds } from '../../src/engine/verify/feeds';
import { chunkByBytes, localizeError } from '../../src/engine/verify/localize';
import { captureIO } from '../support/capture';
import { outlierMlp } from '../support/models';
import { makeTempDir, removeDir } from '../support/tmp';

/** Cosine of the two models' outputs on one fixed input, computed here. */
async function cosine(a: ModelProto, b: ModelProto): Promise<number> {
  const x = new ort.Tensor(
    'float32',
    Float32Array.from({ length: 8 * 64 }, (_, i) => Math.cos(i * 0.37)),
    [1, 8, 64],
  );
  const run = async (m: ModelProto): Promise<Float32Array> => {
    const s = await ort.InferenceSession.create(modelToBuffer(m), { logSeverityLevel: 3 });
    try {
      return (await s.run({ x })).y!.data as Float32Array;
    } finally {
      await s.release();
    }
  };
  const [u, v] = [await run(a), await run(b)];
  let dot = 0;
  let nu = 0;
  let nv = 0;
  u.forEach((p, i) => {
    dot += p * v[i]!;
    nu += p * p;
    nv += v[i]! * v[i]!;
  });
  return dot / Math.sqrt(nu * nv);
}

describe('exclusion search and exclusion lists (issue 18)', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(() => removeDir(dir));
  // fc2 holds one huge weight: per-tensor int8 rounds the rest of its weights to 0 (the output collapses).
  const model = outlierMlp(5, 64, 2);

  it('finds the one node to keep float, in two measured rounds', async () => {
    const r = await searchExclusions(model, model, {
      quantize: { mode: 'dynamic' },
      targetCosine: 0.99,
      compare: { latencyRuns: 2, warmupRuns: 1 },
    });
    assert.equal(r.reached, 1);
    assert.deepEqual(
      r.iterations.map((i) => i.excluded),
      [[], ['fc2']],
    );
    assert.ok(r.iterations[0]!.minCosine < 0.9, `round 1: ${r.iterations[0]!.minCosine}`);
    assert.ok(r.iterations[1]!.minCosine >= 0.99);
    for (const it of r.iterations)
      assert.ok(
        it.latencyRatio! > 0 && it.sizeRatio > 0 && it.sizeRatio < 1,
        JSON.stringify([it.latencyRatio, it.sizeRatio]),
      );
    // Independently: the quantizer with fc2 excluded reaches the target, without it does not.
    const kept = quantizeDynamic(model, { excludeNodes: [exactName('fc2')] }).model;
    const keptCos = await cosine(model, kept);
    assert.ok(keptCos >= 0.99, `kept: ${keptCos}`);
    const allCos = await cosine(model, quantizeDynamic(model).model);
    assert.ok(!(allCos >= 0.9), `all quantized: ${allCos}`); // NaN: the output collapsed to zeros
  });

  it('stops at --max-exclusions without reaching the target', async () => {
    const r = await searchExclusions(model, model, {
      quantize: { mode: 'dynamic' },
      targetCosine: 0.99,
      maxExclusions: 0,
      compare: { latencyRuns: 0 },
    });
    assert.equal(r.reached, undefined);
    assert.equal(r.iterations.length, 1);
  });

  it('exclusion files: JSON as the extension writes it, plain lines, and clear errors', () => {
    const json = path.join(dir, 'keep.json');
    fs.writeFileSync(json, exclusionListJson(['fc2', 'a.b[0]'], 'm.onnx'));
    assert.deepEqual(readExclusionFile(json), { keepFloat: ['fc2', 'a.b[0]'], keepFp16: [] });
    const txt = path.join(dir, 'keep.txt');
    fs.writeFileSync(txt, '# layers to keep float\nfc2\n\n  fc4  # the last one\n');
    assert.deepEqual(readExclusionFile(txt), { keepFloat: ['fc2', 'fc4'], keepFp16: [] });
    assert.ok(exactName('a.b[0]').test('a.b[0]') && !exactName('a.b[0]').test('aXb[0]'));
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, '{"keepFloat": [1]}');
    assert.throws(() => readExclusionFile(bad), /bad\.json: expected \{"keepFloat"/);
    assert.throws(
      () => readExclusionFile(path.join(dir, 'none.json')),
      /none\.json: cannot read the exclusion list \(ENOENT\)/,
    );
  });

  it('CLI: --exclude-from keeps the listed node float; --target-cosine writes the first round that reaches it', async () => {
    const file = writeModel(model, path.join(dir, 'm.onnx')).file;
    const list = path.join(dir, 'keep.json');
    fs.writeFileSync(list, exclusionListJson(['fc2']));
    const io = captureIO();
    const out = path.join(dir, 'excluded.onnx');
    const code = await main(
      ['optimize', file, '--quantize', 'dynamic', '--exclude-from', list, '-o', out, '--runs', '2'],
      io,
    );
    assert.equal(code, 0, io.stderr.join('\n') + io.stdout.join('\n'));
    const ops = Object.fromEntries(readModel(out).proto.graph!.node!.map((n) => [n.name, n.op_type]));
    assert.equal(ops.fc2, 'MatMul', 'fc2 stays a float MatMul');
    assert.ok((await cosine(model, readModel(out).proto)) >= 0.99);

    const search = captureIO();
    const found = path.join(dir, 'found.onnx');
    const rc = await main(
      ['optimize', file, '--quantize', 'dynamic', '--target-cosine', '0.99', '-o', found, '--runs', '2'],
      search,
    );
    const text = search.stdout.join('\n');
    assert.equal(rc, 0, text + search.stderr.join('\n'));
    assert.match(text, /^verdict: min cosine 0\.99\d+ ≥ 0\.99 with 1 node\(s\) kept float/m);
    assert.match(text, /^2 +1 +0\.99\d+ .*\+ fc2 +← reached$/m);
    assert.match(text, /keep float: fc2/);
    assert.ok(fs.existsSync(found));

    const none = captureIO();
    const nothing = path.join(dir, 'nothing.onnx');
    const args = ['optimize', file, '--quantize', 'dynamic', '--target-cosine', '0.99', '--max-exclusions', '0'];
    assert.equal(await main([...args, '-o', nothing, '--runs', '0'], none), 3);
    assert.ok(!fs.existsSync(nothing), 'nothing written when the target is not reached');
    const badList = captureIO();
    fs.writeFileSync(list, '{oops');
    assert.equal(await main(['optimize', file, '--quantize', 'dynamic', '--exclude-from', list], badList), 2);
    assert.match(badList.stderr.join('\n'), /keep\.json: not valid JSON/);
  });

  it('per-node errors in chunks of one tensor equal those of one run', async () => {
    const q = quantizeDynamic(model).model;
    const s = await ort.InferenceSession.create(modelToBuffer(model));
    const feeds = synthesizeFeeds(s, { model });
    await s.release();
    const whole = await localizeError(model, q, feeds);
    const chunked = await localizeError(model, q, feeds, { chunkBytes: 1 });
    assert.ok(whole.length >= 10);
    assert.deepEqual(chunked, whole);
    assert.deepEqual(
      chunkByBytes(['a', 'b', 'c', 'd'], (n) => (n === 'b' ? 300 : 100), 250),
      [['a'], ['b'], ['c', 'd']],
    );
  });
});
