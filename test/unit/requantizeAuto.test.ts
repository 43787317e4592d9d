/**
 * Re-quantize after an Automatic optimize (issue 18): the automatic job says which candidate it kept, that run
 * is a row whose Re-quantize reruns the candidate's recipe (not the whole search) with the model's lists, and
 * the rerun's file has the listed nodes kept float / fp16 and the others quantized as the candidate does.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { readModel } from '../../src/engine/onnx/readModel';
import { DataType } from '../../src/engine/onnx/types';
import { writeModel } from '../../src/engine/onnx/writeModel';
import { requantizeOptions, type Iteration } from '../../src/extension/commands/tuningLoop';
import { runEngineJob } from '../../src/extension/jobs/engineJobs';
import type {
  AutoOptimizeJobResult,
  AutoOptimizeParams,
  OptimizeParams,
  OptimizeResult,
} from '../../src/extension/jobs/jobProtocol';
import { planCandidates } from '../../src/engine/optimize/candidates';
import { outlierMlp } from '../support/models';
import { makeTempDir, removeDir } from '../support/tmp';

const runtime = { executionProvider: 'cpu', dims: {}, inputShapes: {} } as const;

describe('Re-quantize after Automatic (issue 18)', function () {
  this.timeout(180_000);
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(() => removeDir(dir));

  it("reruns the kept candidate's recipe with the lists: listed nodes float / fp16, the rest as the candidate", async () => {
    const file = path.join(dir, 'mlp.onnx');
    const model = outlierMlp(5, 64); // no outlier: dynamic int8 passes the accuracy gate
    writeModel(model, file);
    const auto: AutoOptimizeParams = { file, outputNaming: '${name}.${suffix}', runtime, compareRuns: 3 };
    const a = (await runEngineJob({ kind: 'optimizeAuto', params: auto }, () => {})) as AutoOptimizeJobResult;
    // Which candidate wins is a timing (simplify or dynamic int8 here): only that the one written is named.
    assert.equal(a.candidate === null, a.outFile === null, a.verdictLines.join('\n'));
    const planned = planCandidates(model);
    if (a.candidate)
      assert.ok(planned.some((c) => c.name === a.candidate!.name && c.quantize === a.candidate!.quantize));
    // The row an Automatic run that kept dynamic int8 records (optimizeAutoCommand.ts).
    const candidate = planned.find((c) => c.quantize === 'dynamic')!;
    const last: Iteration = {
      params: {
        file,
        outFile: path.join(dir, 'mlp.int8.onnx'),
        steps: [],
        candidate,
        runtime,
        pruneRatio: 0.3,
        compareRuns: 3,
      },
      outFile: path.join(dir, 'mlp.int8.onnx'),
      comparison: { a: file, b: '', sizeA: 1, sizeB: 1, nodesA: 1, nodesB: 1, latency: null, outputs: [], notes: [] },
    };
    const o = requantizeOptions(last, { keepFloat: ['fc1'], keepFp16: ['fc3'] });
    assert.equal(o.candidate, candidate);
    assert.equal(o.label, "Re-ran the automatic choice 'dynamic int8' with 1 kept float, 1 fp16");
    const params: OptimizeParams = {
      ...last.params,
      outFile: path.join(dir, 'mlp.int8.2.onnx'),
      keepFloat: o.keepFloat,
      keepFp16: o.keepFp16,
    };
    const r = (await runEngineJob({ kind: 'optimize', params }, () => {})) as OptimizeResult;
    assert.ok(r.outFile && r.comparison);
    assert.deepEqual(
      r.steps.map((s) => s.name),
      ['simplify', 'quantize:dynamic'],
      "the candidate's recipe: simplify, then its quantizer",
    );
    const g = readModel(r.outFile).proto.graph!;
    const init = (name: string) => g.initializer!.find((t) => t.name === name);
    const reads = (node: string) => g.node!.find((n) => n.name === node)!.input!;
    assert.equal(init(reads('fc1')[1]!)?.data_type, DataType.FLOAT, 'fc1 kept float');
    const integer = g.node!.filter((n) => n.op_type === 'MatMulInteger').map((n) => n.name);
    for (const k of [0, 2, 4])
      assert.ok(
        integer.some((n) => n?.startsWith(`fc${k}`)),
        `fc${k} int8`,
      );
    assert.ok(!integer.some((n) => n?.startsWith('fc1') || n?.startsWith('fc3')));
    // fc3's weight is float16 (behind a Cast to float32 where ORT has no float16 MatMul kernel).
    const w3 = reads('fc3')[1]!;
    const cast = g.node!.find((n) => n.output!.includes(w3) && n.op_type === 'Cast');
    assert.equal(init(cast ? cast.input![0]! : w3)?.data_type, DataType.FLOAT16, 'fc3 weights float16');
    assert.ok(Math.min(...r.comparison.outputs.map((x) => x.cosine)) >= 0.99);
  });

  it('after an Automatic run that kept simplify alone, says there is nothing to re-quantize', () => {
    const last: Iteration = {
      params: {
        file: 'm.onnx',
        outFile: 'm.simplified.onnx',
        steps: [],
        candidate: { name: 'simplify', why: 'always' },
        runtime,
        pruneRatio: 0.3,
        compareRuns: 3,
      },
      outFile: 'm.simplified.onnx',
      comparison: {
        a: 'm.onnx',
        b: 'm.simplified.onnx',
        sizeA: 1,
        sizeB: 1,
        nodesA: 1,
        nodesB: 1,
        latency: null,
        outputs: [],
        notes: [],
      },
    };
    assert.throws(
      () => requantizeOptions(last, { keepFloat: ['fc1'], keepFp16: [] }),
      /kept 'simplify'.*quantizes nothing/,
    );
    const named = { ...last, params: { ...last.params, steps: ['quantize-dynamic'] as const, candidate: undefined } };
    const o = requantizeOptions(named, { keepFloat: ['fc1'], keepFp16: [] });
    assert.deepEqual(o.steps, ['quantize-dynamic']);
    assert.equal(o.candidate, undefined);
    assert.equal(o.label, '1 kept float');
  });
});
