/**
 * Click-to-exclude, extension side without VS Code (issue 18): the model's exclusion list file (what "Keep in
 * Float" writes, in the format `optimize --exclude-from` reads), the optimize job rerun with it (the outlier
 * layer kept float brings the worst cosine back), the iteration rows and their table, and the page's
 * "keepFloat" message passing validation.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readExclusionFile } from '../../src/engine/optimize/exclusionFile';
import { writeModel } from '../../src/engine/onnx/writeModel';
import { bestIteration, iterationTableHtml } from '../../src/engine/report/iterationTable';
import { addExclusion, exclusionListFile, readExclusions } from '../../src/extension/commands/exclusionList';
import {
  iterationRow,
  iterations,
  keepIterationFiles,
  lastIteration,
  measuredRow,
  recordIteration,
} from '../../src/extension/commands/tuningLoop';
import { runEngineJob } from '../../src/extension/jobs/engineJobs';
import { menuNodeName } from '../../src/extension/commands/menuArgs';
import type {
  ExclusionSearchJobResult,
  ExclusionSearchParams,
  OptimizeParams,
  OptimizeResult,
} from '../../src/extension/jobs/jobProtocol';
import { validateWebviewMessage } from '../../src/protocol/webviewProtocol';
import { outlierMlp } from '../support/models';
import { makeTempDir, removeDir } from '../support/tmp';

const RUN = {
  runtime: { executionProvider: 'cpu', dims: {}, inputShapes: {} },
  pruneRatio: 0.3,
  compareRuns: 3,
} as const;

describe('click-to-exclude (issue 18)', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(() => removeDir(dir));

  it('"Keep in Float" writes MODEL.onnx-tuner-exclude.json next to the model, readable by --exclude-from', () => {
    const model = path.join(dir, 'net.onnx');
    assert.equal(exclusionListFile(model), path.join(dir, 'net.onnx-tuner-exclude.json'));
    assert.deepEqual(readExclusions(model), [], 'no list yet: nothing excluded');
    addExclusion(model, 'fc2');
    addExclusion(model, 'conv.1');
    assert.deepEqual(addExclusion(model, 'fc2'), ['fc2', 'conv.1'], 'a repeat is a no-op; click order kept');
    assert.deepEqual(readExclusionFile(exclusionListFile(model)).keepFloat, ['fc2', 'conv.1']);
    const json = JSON.parse(fs.readFileSync(exclusionListFile(model), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(json, { version: 1, model: 'net.onnx', keepFloat: ['fc2', 'conv.1'] });
  });

  it('re-quantizing with the outlier layer kept float raises min cosine above 0.99; each run is a row', async () => {
    const file = path.join(dir, 'mlp.onnx');
    writeModel(outlierMlp(5, 64, 2), file);
    const params = (outFile: string, keepFloat?: string[]): OptimizeParams => ({
      file,
      outFile: path.join(dir, outFile),
      steps: ['quantize-dynamic'],
      runtime: { executionProvider: 'cpu', dims: {}, inputShapes: {} },
      pruneRatio: 0.3,
      compareRuns: 3,
      ...(keepFloat ? { keepFloat } : {}),
    });
    const run = async (p: OptimizeParams): Promise<OptimizeResult> => {
      const r = (await runEngineJob({ kind: 'optimize', params: p }, () => {})) as OptimizeResult;
      assert.ok(r.outFile && r.comparison);
      recordIteration(file, { params: p, outFile: r.outFile, comparison: r.comparison });
      return r;
    };
    await run(params('mlp.int8.onnx'));
    await run(params('mlp.int8.2.onnx', ['fc2']));
    const rows = iterations(file).map(iterationRow);
    assert.equal(rows.length, 2);
    assert.ok(rows[0]!.minCosine < 0.5, `all int8: cosine ${rows[0]!.minCosine}`);
    assert.ok(rows[1]!.minCosine >= 0.99, `fc2 float: cosine ${rows[1]!.minCosine}`);
    assert.deepEqual(rows[1]!.keepFloat, ['fc2']);
    assert.ok(
      rows.every((r) => r.latency && r.latency.ms > 0),
      'every row has a measured latency',
    );
    assert.ok(rows[1]!.sizeBytes > rows[0]!.sizeBytes, 'a float layer costs size');
    assert.equal(bestIteration(rows), 1);
    assert.equal(lastIteration(file)?.outFile, path.join(dir, 'mlp.int8.2.onnx'));
    const html = iterationTableHtml(rows, (r) => `command:keep?${encodeURIComponent(r.file)}`);
    assert.equal((html.match(/<tr class="iteration/g) ?? []).length, 2);
    assert.match(html, /<tr class="iteration best"[^>]*><th>2<\/th>/);
    assert.match(html, /1: fc2/);
    assert.match(html, /0: \(none\)/);
    assert.equal((html.match(/keep this one/g) ?? []).length, 2);
  });

  it('the search job keeps the fewest nodes float for the target, writes that round, and reports progress', async () => {
    const file = path.join(dir, 'mlp.onnx');
    writeModel(outlierMlp(5, 64, 2), file);
    const params: ExclusionSearchParams = {
      file,
      outFile: path.join(dir, 'mlp.int8.onnx'),
      mode: 'dynamic',
      targetCosine: 0.99,
      maxExclusions: 3,
      runtime: { executionProvider: 'cpu', dims: {}, inputShapes: {} },
      compareRuns: 3,
    };
    const fractions: number[] = [];
    const r = (await runEngineJob({ kind: 'exclusionSearch', params }, (_m, f) => {
      if (f !== undefined) fractions.push(f);
    })) as ExclusionSearchJobResult;
    assert.deepEqual(
      r.iterations.map((it) => it.keepFloat),
      [[], ['fc2']],
    );
    assert.equal(r.reached, 1);
    assert.equal(r.outFile, params.outFile);
    assert.ok(fs.existsSync(params.outFile));
    const rows = r.iterations.map((it) => measuredRow(it.keepFloat, it.comparison.b, it.comparison));
    assert.ok(rows[0]!.minCosine < 0.5 && rows[1]!.minCosine >= 0.99, rows.map((x) => x.minCosine).join(' → '));
    assert.equal(rows[0]!.file, '', 'a round measured in memory has no file');
    const trs = iterationTableHtml(rows, () => 'command:k')
      .split('<tr class="iteration')
      .slice(1);
    assert.deepEqual(
      trs.map((tr) => tr.includes('keep this one')),
      [false, true],
      'only the written round can be kept',
    );
    assert.ok(fractions.length >= 2 && fractions.every((f, i) => i === 0 || f >= fractions[i - 1]!), 'progress');

    // Cancelled: the job stops with CancelledError and writes nothing.
    const abort = new AbortController();
    abort.abort();
    const again = { ...params, outFile: path.join(dir, 'cancelled.onnx') };
    await assert.rejects(
      runEngineJob({ kind: 'exclusionSearch', params: again }, () => {}, abort.signal),
      {
        name: 'CancelledError',
      },
    );
    assert.ok(!fs.existsSync(again.outFile));
  });

  it('"keep this one" keeps that file and its list, deletes the other iterations\' files, and forgets them', () => {
    const original = path.join(dir, 'net.onnx');
    const comparison = {
      a: original,
      b: '',
      sizeA: 100,
      sizeB: 30,
      nodesA: 3,
      nodesB: 5,
      latency: null,
      outputs: [{ name: 'y', maxAbsError: 0, cosine: 1 }],
      notes: [],
    };
    const files = ['net.int8.onnx', 'net.int8.2.onnx', 'net.int8.3.onnx'].map((f) => path.join(dir, f));
    files.forEach((f, k) => {
      fs.writeFileSync(f, 'x');
      const keepFloat = ['fc2', 'fc3'].slice(0, k);
      recordIteration(original, {
        params: { file: original, outFile: f, steps: ['quantize-dynamic'], keepFloat, ...RUN },
        outFile: f,
        comparison,
      });
    });
    fs.writeFileSync(`${files[2]}.data`, 'x');
    assert.deepEqual(keepIterationFiles(original, files[1]!), [files[0], files[2]]);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['net.int8.2.onnx', 'net.onnx-tuner-exclude.json']);
    assert.deepEqual(readExclusions(original), ['fc2']);
    assert.deepEqual(
      iterations(original).map((it) => it.outFile),
      [files[1]],
    );
    assert.throws(() => keepIterationFiles(original, files[0]!), /not an iteration/);
  });

  it('escapes node names in the table', () => {
    const html = iterationTableHtml(
      [{ file: 'a"b.onnx', keepFloat: ['<img src=x>'], sizeBytes: 10, sizeRatio: 1, minCosine: 1 }],
      () => 'command:x',
    );
    assert.ok(!html.includes('<img'), html);
    assert.match(html, /not timed/);
  });

  it('a menu passes the node: the graph context menu by name, a Layer Costs row by its element', () => {
    assert.equal(menuNodeName({ webview: 'onnxTuner.modelEditor', webviewSection: 'node', nodeName: 'fc2' }), 'fc2');
    assert.equal(menuNodeName({ kind: 'node', node: { name: 'p2o.Conv.3', share: 0.1 } }), 'p2o.Conv.3');
    assert.equal(menuNodeName({ kind: 'group', node: { name: 'x' } }), undefined);
    assert.equal(menuNodeName('fc2'), undefined);
    assert.equal(menuNodeName(undefined), undefined);
  });

  it('the page may ask to keep a node of its graph in float, and nothing else', () => {
    assert.deepEqual(validateWebviewMessage({ type: 'keepFloat', nodeId: 3 }, 10), { type: 'keepFloat', nodeId: 3 });
    assert.equal(validateWebviewMessage({ type: 'keepFloat', nodeId: 10 }, 10), undefined);
    assert.equal(validateWebviewMessage({ type: 'keepFloat', nodeId: 1, name: 'x' }, 10), undefined);
  });
});
