/**
 * Each advice rule on a built model that must trigger it and one that must not; numbers recomputed by hand
 * from the model's construction (FLOPs by the cost model's stated conventions, bytes from the shapes).
 */
import * as assert from 'node:assert/strict';
import { advise, type AdviceResult } from '../../src/engine/advise/advise';
import { optimizeCli, stepsFromConfig } from '../../src/engine/advise/actions';
import type { RuleId, Suggestion } from '../../src/engine/advise/adviceTypes';
import { gainScore } from '../../src/engine/advise/adviceTypes';
import { parseCpuFlags, type CpuFeatures } from '../../src/engine/advise/cpuFeatures';
import { DataType, type ModelProto } from '../../src/engine/onnx/types';
import { runPipeline } from '../../src/engine/transform/common/pipeline';
import { quantizeDynamic } from '../../src/engine/transform/quantize/dynamic';
import { compare } from '../../src/engine/verify/compare';
import { GraphBuilder } from '../support/onnxBuilder';
import { bertEncoder, dominantMatMul, mlp, outlierMlp, tinyCnn } from '../support/models';
import { randomNormal } from '../support/random';

const VNNI: CpuFeatures = parseCpuFlags('flags\t\t: fpu sse avx2 avx512f avx512_vnni\n', 'given');
const AVX2_ONLY: CpuFeatures = parseCpuFlags('flags\t\t: fpu sse avx2\n', 'given');

const find = (r: AdviceResult, rule: RuleId): Suggestion | undefined => r.suggestions.find((s) => s.rule === rule);
const has = (r: AdviceResult, rule: RuleId): boolean => find(r, rule) !== undefined;

describe('advice rules', function () {
  this.timeout(30000);

  it('parses CPU flags from /proc/cpuinfo text', () => {
    assert.deepEqual(
      { ...VNNI, source: '' },
      { avx2: true, avx512f: true, avx512Vnni: true, avxVnni: false, amx: false, source: '' },
    );
    assert.equal(parseCpuFlags('flags : avx2 avx_vnni amx_tile').amx, true);
    assert.equal(parseCpuFlags('no flags line').avx2, false);
  });

  it('quantize-matmul: a dominant MatMul → dynamic int8, with bytes and share by hand', async () => {
    const r = await advise(dominantMatMul(), { cpu: VNNI });
    const s = find(r, 'quantize-matmul')!;
    assert.ok(s, 'suggested');
    assert.deepEqual(s.nodes, ['huge_matmul']);
    const mm = 2 * 256 * 1024 * 1024; // 2·m·k·n
    const share = mm / (mm + 256 * 1024 + 256 * 1024); // + Relu and Sigmoid, one FLOP per element
    assert.ok(Math.abs((s.evidence.matmulShare as number) - share) < 1e-12);
    assert.equal(s.estimated.bytesSaved, 0.75 * 1024 * 1024 * 4);
    assert.ok(Math.abs(s.estimated.latencyFraction - share * (1 - 1 / 2.5)) < 1e-12);
    assert.equal(s.action.kind, 'optimize');
    if (s.action.kind === 'optimize') {
      assert.equal(s.action.config.quantize?.mode, 'dynamic');
      assert.match(s.action.cli, /--quantize dynamic --include-op MatMul,Gemm/);
    }
    assert.equal(r.suggestions[0], s, 'the largest estimated gain comes first');
  });

  it('quantize-matmul: not on a Conv model, nor on an already quantized one', async () => {
    assert.ok(!has(await advise(tinyCnn(), { cpu: VNNI }), 'quantize-matmul'));
    const q = quantizeDynamic(dominantMatMul(), {}).model;
    const r = await advise(q, { cpu: VNNI });
    assert.ok(!has(r, 'quantize-matmul') && !has(r, 'weight-compression'));
  });

  it('quantize-conv: Conv-heavy tinyCnn → static QDQ per channel; not on an MLP or depthwise-only convs', async () => {
    const s = find(await advise(tinyCnn(), { cpu: VNNI }), 'quantize-conv')!;
    assert.deepEqual([...s.nodes].sort(), ['conv1', 'conv2']);
    assert.ok(s.action.kind === 'optimize' && s.action.config.quantize?.mode === 'static');
    assert.ok(!has(await advise(mlp(), { cpu: VNNI }), 'quantize-conv'));
    const g = new GraphBuilder('dw');
    g.input('x', [1, 32, 64, 64]);
    g.init('w', [32, 1, 3, 3], randomNormal(32 * 9, 0.1, 5));
    g.node('Conv', ['x', 'w'], ['y'], { group: 32, kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, 'dwconv');
    g.output('y', [1, 32, 64, 64]);
    assert.ok(!has(await advise(g.model(13, 7), { cpu: VNNI }), 'quantize-conv'));
  });

  it('no-vnni: an AVX2-only CPU gets a warning and reduce_range actions; a VNNI CPU does not', async () => {
    const r = await advise(dominantMatMul(), { cpu: AVX2_ONLY });
    const w = find(r, 'no-vnni')!;
    assert.equal(w.severity, 'warning');
    assert.ok(w.action.kind === 'optimize' && w.action.config.quantize?.reduceRange === true);
    const q = find(r, 'quantize-matmul')!;
    assert.ok(q.action.kind === 'optimize' && q.action.config.quantize?.reduceRange === true);
    assert.ok(Math.abs(q.estimated.latencyFraction - (q.evidence.matmulShare as number) * (1 - 1 / 1.1)) < 1e-12);
    assert.ok(!has(await advise(dominantMatMul(), { cpu: VNNI }), 'no-vnni'));
    assert.ok(!has(await advise(tinyCnn(), { cpu: AVX2_ONLY, dims: {} }), 'quantize-matmul'));
  });

  it('weight-compression: 4 MiB of MatMul weights vs tiny activations → int4 with bytes by hand; not on tinyCnn', async () => {
    const s = find(await advise(mlp(512, 1024, 512, 1), { cpu: VNNI }), 'weight-compression')!;
    const bytes = (512 * 1024 + 1024 * 512) * 4; // the two MatMul weights (biases feed Add)
    assert.equal(s.evidence.weightBytes, bytes);
    assert.equal(s.evidence.int8BytesSaved, 0.75 * bytes);
    assert.equal(s.estimated.bytesSaved, Math.round(bytes * (1 - 0.625 / 4)));
    assert.ok(s.action.kind === 'optimize' && s.action.config.quantize?.mode === 'int4');
    assert.ok(!has(await advise(tinyCnn(), { cpu: VNNI }), 'weight-compression'));
  });

  it('exclude-error-layers: the layer with an outlier weight is named (verify/localize); none without it', async () => {
    const bad = await advise(outlierMlp(5, 64, 2), { cpu: VNNI, runtimeChecks: true });
    const s = find(bad, 'exclude-error-layers')!;
    assert.ok(s, 'suggested');
    assert.deepEqual(s.nodes, ['fc2']);
    assert.ok(s.action.kind === 'optimize' && s.action.config.quantize?.excludeNodeNames?.[0] === 'fc2');
    // Its action (dynamic int8 with fc2 float) recovers the output that full dynamic int8 loses.
    const model = outlierMlp(5, 64, 2);
    if (s.action.kind === 'optimize') {
      const kept = (await runPipeline(model, stepsFromConfig(s.action.config))).model;
      const full = quantizeDynamic(model, {}).model;
      const cos = async (m: ModelProto): Promise<number> =>
        (await compare(model, m, { latencyRuns: 0, inputSets: 1 })).outputs[0]!.cosine;
      const [cKept, cFull] = [await cos(kept), await cos(full)];
      assert.ok(cKept > 0.999 && cFull < 0.9, `kept ${cKept}, full ${cFull}`);
    }
    const good = await advise(outlierMlp(5, 64), { cpu: VNNI, runtimeChecks: true });
    assert.ok(!has(good, 'exclude-error-layers'));
  });

  it('activation-peak: attention scores [batch,seq,seq] at seq=1024 are found and seq² named; not on an MLP', async () => {
    const g = new GraphBuilder('attn');
    g.input('x', ['batch', 'seq', 64]);
    const xt = g.op('Transpose', ['x'], { perm: [0, 2, 1] }, 'xt');
    const scores = g.op('MatMul', ['x', xt], {}, 'scores');
    const p = g.op('Softmax', [scores], { axis: -1 }, 'softmax');
    g.node('MatMul', [p, 'x'], ['y'], {}, 'context');
    g.output('y', ['batch', 'seq', 64]);
    const r = await advise(g.model(17, 8), { cpu: VNNI, dims: { batch: 1, seq: 1024 } });
    const s = find(r, 'activation-peak')!;
    assert.deepEqual([...s.nodes].sort(), ['scores', 'softmax']);
    assert.equal(s.evidence.largestOutputBytes, 1024 * 1024 * 4);
    assert.equal(s.evidence.drivingDims, 'batch, seq^2');
    assert.ok(!has(await advise(mlp(64, 128, 10, 1), { cpu: VNNI }), 'activation-peak'));
  });

  /** ReduceMean → Sub → Pow → ReduceMean → Add → Sqrt → Div, then ·γ + β, at the given opset. */
  function decomposedLayerNorm(opset: number): ModelProto {
    const g = new GraphBuilder('ln');
    g.input('x', [1, 16, 32]);
    g.init('two', [], [2]);
    g.init('eps', [], [1e-5]);
    const mean = g.op('ReduceMean', ['x'], { axes: [-1] }, 'ln/mean');
    const d = g.op('Sub', ['x', mean], {}, 'ln/sub');
    const v = g.op('ReduceMean', [g.op('Pow', [d, 'two'], {}, 'ln/pow')], { axes: [-1] }, 'ln/var');
    const sd = g.op('Sqrt', [g.op('Add', [v, 'eps'], {}, 'ln/add')], {}, 'ln/sqrt');
    g.node('Div', [d, sd], ['y'], {}, 'ln/div');
    g.output('y', [1, 16, 32]);
    return g.model(opset, 8);
  }

  it('unfused-pattern: decomposed LayerNorm at opset 13 and erf-GELU at opset 17 are found; not at opset 17 / in an MLP', async () => {
    const ln = find(await advise(decomposedLayerNorm(13), { cpu: VNNI }), 'unfused-pattern')!;
    assert.equal(ln.evidence.pattern, 'LayerNorm');
    assert.equal(ln.nodes.length, 7);
    assert.equal(ln.action.kind, 'manual');
    assert.ok(!has(await advise(decomposedLayerNorm(17), { cpu: VNNI }), 'unfused-pattern'));
    const bert = await advise(bertEncoder({ layers: 2, hidden: 32, heads: 2, ffn: 64 }), {
      cpu: VNNI,
      dims: { batch: 1, seq: 16 },
    });
    const gelu = find(bert, 'unfused-pattern')!;
    assert.equal(gelu.evidence.pattern, 'GELU');
    assert.equal(gelu.evidence.instances, 2);
    assert.ok(!has(await advise(mlp(), { cpu: VNNI }), 'unfused-pattern'));
  });

  it('unfused-pattern: dropped when onnxruntime fused every instance itself (runtime check)', async () => {
    const r = await advise(bertEncoder({ layers: 2, hidden: 32, heads: 2, ffn: 64 }), {
      cpu: VNNI,
      dims: { batch: 1, seq: 16 },
      runtimeChecks: true,
    });
    // ORT 1.30 fuses erf-GELU at level extended (GeluFusion): nothing left to advise.
    assert.ok(!has(r, 'unfused-pattern'));
  });

  it('cast-transpose-churn: two back-to-back pairs are found; the BERT encoder has none', async () => {
    const g = new GraphBuilder('churn');
    g.input('x', [1, 8, 16]);
    const t = g.op('Transpose', [g.op('Transpose', ['x'], { perm: [0, 2, 1] }, 't1')], { perm: [0, 2, 1] }, 't2');
    const c = g.op('Cast', [g.op('Cast', [t], { to: DataType.FLOAT16 }, 'c1')], { to: DataType.FLOAT }, 'c2');
    g.node('Relu', [c], ['y'], {}, 'relu');
    g.output('y', [1, 8, 16]);
    const s = find(await advise(g.model(17, 8), { cpu: VNNI }), 'cast-transpose-churn')!;
    assert.equal(s.evidence.pairs, 2);
    assert.deepEqual([...s.nodes].sort(), ['c1', 'c2', 't1', 't2']);
    assert.ok(!has(await advise(bertEncoder(), { cpu: VNNI, dims: { batch: 1, seq: 8 } }), 'cast-transpose-churn'));
  });

  it('constant-subgraph: a Transpose of a weight is foldable, and simplify (the action) folds it; not in an MLP', async () => {
    const g = new GraphBuilder('cfold');
    g.input('x', [1, 16]);
    g.init('wt', [32, 16], randomNormal(512, 0.1, 9));
    const w = g.op('Transpose', ['wt'], { perm: [1, 0] }, 'w_t');
    g.node('MatMul', ['x', w], ['y'], {}, 'mm');
    g.output('y', [1, 32]);
    const model = g.model(17, 8);
    const s = find(await advise(model, { cpu: VNNI }), 'constant-subgraph')!;
    assert.deepEqual(s.nodes, ['w_t']);
    assert.ok(s.action.kind === 'optimize');
    if (s.action.kind === 'optimize') {
      const out = await runPipeline(model, stepsFromConfig(s.action.config));
      assert.ok(!(out.model.graph?.node ?? []).some((n) => n.op_type === 'Transpose'), 'folded');
      assert.ok(!has(await advise(out.model, { cpu: VNNI }), 'constant-subgraph'));
    }
    assert.ok(!has(await advise(mlp(), { cpu: VNNI }), 'constant-subgraph'));
  });

  it('dynamic-dims: a symbolic batch is reported with the value to fix; a static model is not', async () => {
    const s = find(await advise(mlp(), { cpu: VNNI, dims: { batch: 4 } }), 'dynamic-dims')!;
    assert.equal(s.evidence.symbolicDims, 'batch');
    assert.ok(s.action.kind === 'runtime' && s.action.settings.dims?.batch === 4);
    assert.ok(!has(await advise(dominantMatMul(), { cpu: VNNI }), 'dynamic-dims'));
  });

  it('unused-sparsity: 50% exact zeros are noted (no speed claimed); dense weights are not', async () => {
    const sparse = mlp(64, 128, 10, 1);
    for (const t of sparse.graph!.initializer!) {
      if (t.name !== 'w1' && t.name !== 'w2') continue;
      const f = new Float32Array(t.raw_data!.slice().buffer);
      for (let i = 0; i < f.length; i += 2) f[i] = 0;
      t.raw_data = new Uint8Array(f.buffer);
    }
    const s = find(await advise(sparse, { cpu: VNNI }), 'unused-sparsity')!;
    const n = 64 * 128 + 128 * 10;
    assert.equal(s.evidence.zeroWeights, n / 2);
    assert.equal(s.evidence.weights, n);
    assert.equal(s.estimated.latencyFraction, 0);
    assert.ok(!has(await advise(mlp(64, 128, 10, 1), { cpu: VNNI }), 'unused-sparsity'));
  });

  it('ranks by estimated gain and the CLI string of an action re-parses to the same settings', async () => {
    const r = await advise(tinyCnn('N'), { cpu: AVX2_ONLY });
    const scores = r.suggestions.map((s) => gainScore(s.estimated, r.modelBytes, r.peakActivationBytes));
    assert.ok(r.suggestions.length >= 3, r.suggestions.map((s) => s.rule).join());
    for (let i = 1; i < scores.length; i++) assert.ok(scores[i - 1]! >= scores[i]!, `sorted at ${i}`);
    assert.ok(scores[0]! > scores.at(-1)!);
    assert.equal(
      optimizeCli({ quantize: { mode: 'dynamic', excludeNodeNames: ['a.b'] }, dims: { batch: 2 } }),
      "onnx-tuner optimize MODEL --quantize dynamic --exclude-node '^a\\.b$' --dims batch=2",
    );
  });
});
