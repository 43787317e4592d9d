/**
 * The compute-scaling sweep: batch-dim detection, the recommendation rule (on hand-made points), a real
 * sweep on a built MLP (shapes and throughput arithmetic), cancellation within a second, the HTML chart,
 * and on ppocr-det (real) loose monotone checks and a re-measurement of the recommended configuration.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { CancelledError } from '../../src/engine/cancel';
import { readModel } from '../../src/engine/onnx/readModel';
import { writeModel } from '../../src/engine/onnx/writeModel';
import { atBatch, findBatchDim } from '../../src/engine/sweep/batchDim';
import { recommend } from '../../src/engine/sweep/recommend';
import { sweep, type SweepPoint } from '../../src/engine/sweep/sweep';
import { renderSweepHtml, sweepChartSvg } from '../../src/engine/report/sweepRender';
import { main } from '../../src/cli/main';
import { captureIO } from '../support/capture';
import { dominantMatMul, mlp } from '../support/models';
import { realModelOrSkip } from '../support/realModels';
import { regressionEntry } from '../support/regression';
import { makeTempDir, removeDir } from '../support/tmp';

const point = (threads: number, batch: number, p50Ms: number, p90Ms = p50Ms * 1.1): SweepPoint => ({
  provider: 'cpu',
  threads,
  batch,
  p50Ms,
  p90Ms,
  throughput: (batch * 1000) / p50Ms,
  peakRssGrowthBytes: null,
  estimatedBytes: null,
});

describe('compute-scaling sweep', function () {
  this.timeout(60000);

  it('finds the batch dim: a named symbol, an unnamed dim (ppocr-style), or none', () => {
    const named = findBatchDim(mlp());
    assert.deepEqual(
      { ...named, declared: undefined },
      { input: 'x', symbol: 'batch', inputs: ['x'], declared: undefined },
    );
    assert.deepEqual(atBatch(named, 8, { other: 3 }, {}), { dims: { other: 3, batch: 8 }, inputShapes: {} });
    assert.equal(findBatchDim(dominantMatMul()), null);
    const m = mlp();
    const dim0 = m.graph!.input![0]!.type!.tensor_type!.shape!.dim![0]!;
    delete dim0.dim_param;
    const unnamed = findBatchDim(m)!;
    assert.equal(unnamed.symbol, null);
    assert.deepEqual(atBatch(unnamed, 4, {}, {}).inputShapes, { x: [4, 64] });
    assert.deepEqual(atBatch(unnamed, 4, {}, { x: [1, 64] }).inputShapes, { x: [4, 64] });
  });

  it('recommends the cheapest configuration within the budget, and the max-throughput one', () => {
    const pts = [point(1, 1, 10), point(2, 1, 6), point(1, 4, 30), point(2, 4, 16), point(2, 8, 30)];
    const r = recommend(pts, 20);
    assert.equal(r.kind, 'cheapest-within-budget');
    assert.deepEqual([r.point!.threads, r.point!.batch], [1, 1]); // 1 thread: only batch 1 has p90 ≤ 20
    assert.deepEqual([r.maxThroughputWithinBudget!.threads, r.maxThroughputWithinBudget!.batch], [2, 4]);
    assert.equal(recommend(pts, 5).kind, 'none-meets-budget');
    const free = recommend(pts);
    assert.equal(free.kind, 'max-throughput');
    assert.deepEqual([free.point!.threads, free.point!.batch], [2, 8]);
    assert.equal(recommend([], 10).kind, 'no-points');
  });

  it('sweeps a built MLP: every point, throughput = batch·1000/p50, and memory estimates growing with batch', async () => {
    const r = await sweep(mlp(256, 512, 10), {
      threads: [1, 2],
      batches: [1, 4, 16],
      runs: 5,
      warmupRuns: 1,
      budgetMs: 1000,
    });
    assert.equal(r.points.length, 6);
    for (const p of r.points) {
      assert.ok(Math.abs(p.throughput - (p.batch * 1000) / p.p50Ms) < 1e-9);
      assert.ok(p.p90Ms >= p.p50Ms);
    }
    const est = [1, 4, 16].map((b) => r.points.find((p) => p.batch === b)!.estimatedBytes!);
    // Activations of x [b,256], h [b,512] and y [b,10] floats grow linearly with b on top of fixed weights.
    assert.equal(est[1]! - est[0]!, ((est[2]! - est[0]!) * 3) / 15);
    assert.equal(r.recommendation.kind, 'cheapest-within-budget');
    assert.equal(r.recommendation.point!.threads, 1);
  });

  it('stops growing the batch at the memory cap', async () => {
    const r = await sweep(mlp(256, 512, 10), {
      threads: [1],
      batches: [1, 2, 1024, 2048],
      runs: 2,
      warmupRuns: 0,
      memoryCapBytes: 2 * 2 ** 20,
    });
    // The estimate (0.53 MiB at batch 1, +5 KiB per item) stops the sweep before 1024 and 2048. The sweep also
    // stops after a batch whose measured RSS growth passed the cap, which depends on the allocator and the
    // machine: batch 2 may go either way, so only the estimate's part is asserted exactly.
    const measured = r.points.map((p) => p.batch);
    assert.equal(measured[0], 1);
    assert.ok(
      measured.every((b) => b <= 2),
      measured.join(','),
    );
    assert.deepEqual(
      r.skipped.map((s) => s.batch),
      [...(measured.includes(2) ? [] : [2]), 1024, 2048],
    );
    for (const s of r.skipped) assert.match(s.reason, /over the memory cap \(2 MiB\)/);
  });

  it('stops on a cancel (the stop time is printed)', async () => {
    const ac = new AbortController();
    const run = sweep(dominantMatMul(512, 1024, 1024), { threads: [1, 2], runs: 100000, signal: ac.signal });
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    ac.abort();
    await assert.rejects(run, CancelledError);
    console.log(`      stopped ${Date.now() - t0} ms after the cancel`); // a figure (goal < 1 s), not asserted
  });

  it('renders an SVG chart with one line per thread count, and a self-contained HTML page', () => {
    const pts = [point(1, 1, 10), point(1, 2, 18), point(2, 1, 6), point(2, 2, 11)];
    const svg = sweepChartSvg(pts, 15);
    assert.equal(svg.match(/<polyline/g)?.length, 2);
    assert.equal(svg.match(/<circle/g)?.length, 4);
    assert.match(svg, /budget 15 ms/);
    const html = renderSweepHtml(
      {
        batchDim: null,
        points: pts,
        skipped: [],
        memoryCapBytes: 1,
        runs: 5,
        budgetMs: 15,
        recommendation: recommend(pts, 15),
        memoryNote: '',
      },
      '<evil>.onnx',
    );
    assert.ok(!html.includes('<evil>') && html.includes('&lt;evil&gt;'));
    assert.ok(!/<script/i.test(html));
  });

  it('ppocr-det (real): every point measured, memory grows with batch, the recommendation meets the budget', async function () {
    const real = realModelOrSkip(this, 'ppocr-det');
    const shape = regressionEntry('ppocr-det').shapes;
    const r = await sweep(real.file, {
      threads: [1, 2],
      batches: [1, 2, 4],
      runs: 4,
      warmupRuns: 1,
      inputShapes: shape,
    });
    assert.equal(r.points.length, 6);
    assert.equal(r.batchDim?.input, 'x');
    for (const t of [1, 2]) {
      const row = [1, 2, 4].map((b) => r.points.find((p) => p.threads === t && p.batch === b)!);
      console.log(
        `      ppocr-det threads=${t}: ${row.map((p) => `b${p.batch} ${p.p50Ms.toFixed(1)} ms ${p.throughput.toFixed(1)}/s`).join(', ')}`,
      );
      // How latency and throughput move with the batch is a timing figure (printed above; a loaded machine
      // can reorder it), so only what does not depend on timing is asserted: every point was measured, the
      // throughput is batch·1000/p50, and the memory estimate grows with the batch.
      for (const p of row) {
        assert.ok(p.p50Ms > 0 && p.p90Ms >= p.p50Ms);
        assert.ok(Math.abs(p.throughput - (p.batch * 1000) / p.p50Ms) < 1e-6 * p.throughput);
      }
      assert.ok(row[1]!.estimatedBytes! > row[0]!.estimatedBytes! && row[2]!.estimatedBytes! > row[1]!.estimatedBytes!);
    }
    // A budget some configurations meet: 2× the fastest batch-1 p90.
    const budget = 2 * Math.min(...r.points.filter((p) => p.batch === 1).map((p) => p.p90Ms));
    const rec = recommend(r.points, budget);
    assert.equal(rec.kind, 'cheapest-within-budget');
    const again = await sweep(real.file, {
      threads: [rec.point!.threads],
      batches: [rec.point!.batch],
      runs: 6,
      warmupRuns: 1,
      inputShapes: shape,
    });
    console.log(
      `      ppocr-det: budget ${budget.toFixed(1)} ms → ${rec.reason}; re-measured p50 ${again.points[0]!.p50Ms.toFixed(1)} ms`,
    );
    // The recommendation meets the budget on the sweep's own measurements; whether a re-measurement meets it
    // again is a timing figure (printed above; bench/advise.bench.ts checks it).
    assert.ok(rec.point!.p90Ms <= budget);
    assert.equal(again.points.length, 1);
  });

  it('CLI: sweep --json and --html', async () => {
    const dir = makeTempDir();
    try {
      const file = writeModel(mlp(), path.join(dir, 'm.onnx')).file;
      const io = captureIO();
      assert.equal(await main(['sweep', file, '--threads', '1', '--batch', '1,2', '--runs', '2', '--json'], io), 0);
      const out = JSON.parse(io.stdout.join('\n')) as { points: SweepPoint[] };
      assert.deepEqual(
        out.points.map((p) => p.batch),
        [1, 2],
      );
      const html = path.join(dir, 'sweep.html');
      const io2 = captureIO();
      assert.equal(
        await main(
          ['sweep', file, '--threads', '1,2', '--batch', '1', '--runs', '2', '--budget-ms', '50', '--html', html],
          io2,
        ),
        0,
      );
      assert.match(fs.readFileSync(html, 'utf8'), /<svg[\s\S]*<polyline[\s\S]*<polyline/);
      assert.match(io2.stdout.join('\n'), /recommendation: cheapest with p90 ≤ 50 ms/);
      assert.equal(readModel(file).fileBytes, fs.statSync(file).size);
    } finally {
      removeDir(dir);
    }
  });
});
