import * as assert from 'node:assert/strict';
import { pickBest, type CandidateResult } from '../../src/engine/optimize/autoOptimize';
import { planCandidates, weightProfile } from '../../src/engine/optimize/candidates';
import {
  classifierOutputs,
  decideVerdict,
  DEFAULT_GATE,
  speedText,
  type VerdictInput,
} from '../../src/engine/verify/verdict';
import { bertEncoder, mlp, tinyCnn } from '../support/models';
import { resnetModel } from '../support/resnetModel';

const good = (cosine = 0.9995): VerdictInput['outputs'] => [{ name: 'y', cosine }];
const auto = { gate: DEFAULT_GATE, explicit: false };
const explicit = { gate: DEFAULT_GATE, explicit: true };

describe('optimize verdict (pure: given measurements)', () => {
  it('kept: faster and smaller at the gate → written, exit 0, one line with the measurements', () => {
    const v = decideVerdict({ latencyRatio: 1 / 2.4, sizeRatio: 0.26, outputs: good(0.9991) }, auto);
    assert.deepEqual([v.better, v.write, v.exitCode], [true, true, 0]);
    assert.equal(v.line, '2.4× faster, 0.26× size, min cosine 0.99910 — kept');
  });

  it('kept: same speed but smaller (speed inside the 5% noise band)', () => {
    const v = decideVerdict({ latencyRatio: 1.03, sizeRatio: 0.5, outputs: good() }, auto);
    assert.equal(v.better, true);
    assert.match(v.line, /^same speed \(1\.03×\), 0\.50× size/);
  });

  it('not kept: slower (whatever the size) → nothing written, exit 3, the reason named', () => {
    const v = decideVerdict({ latencyRatio: 1.4, sizeRatio: 0.25, outputs: good() }, auto);
    assert.deepEqual([v.better, v.write, v.exitCode], [false, false, 3]);
    assert.match(v.line, /^1\.40× slower, 0\.25× size, min cosine 0\.99950 — not kept: 1\.40× slower$/);
  });

  it('not kept: below the cosine gate, or argmax agreement below the gate, or NaN outputs', () => {
    const cos = decideVerdict({ latencyRatio: 0.5, sizeRatio: 0.3, outputs: good(0.64) }, auto);
    assert.equal(cos.write, false);
    assert.match(cos.line, /not kept: min cosine 0\.6400 < 0\.99 \(output 'y'\)/);
    const arg = decideVerdict(
      {
        latencyRatio: 0.5,
        sizeRatio: 0.3,
        outputs: [{ name: 'logits', cosine: 0.995, argmaxAgreement: 0.9, dims: [4, 10] }],
      },
      auto,
    );
    assert.equal(arg.write, false);
    assert.match(arg.line, /argmax agrees on 90\.0% < 99\.0% \(output 'logits'\)/);
    const map = decideVerdict(
      {
        latencyRatio: 0.5,
        sizeRatio: 0.3,
        outputs: [{ name: 'prob', cosine: 0.999, argmaxAgreement: 0.8, dims: [1, 1, 8, 8] }],
      },
      auto,
    );
    assert.equal(map.better, true, 'argmax over a 4-D map is not a classification');
    const seq = { latencyRatio: 0.5, sizeRatio: 0.3 };
    const hidden = [{ name: 'h', cosine: 0.9995, argmaxAgreement: 0.95, dims: [1, 128, 384] }];
    assert.equal(
      decideVerdict({ ...seq, outputs: hidden }, auto).better,
      true,
      'a hidden state is not a classification',
    );
    const chars = [{ ...hidden[0]!, classifier: true }];
    assert.equal(decideVerdict({ ...seq, outputs: chars }, auto).better, false, 'per-step softmax is');
    const nan = decideVerdict({ latencyRatio: 0.5, sizeRatio: 0.3, outputs: good(NaN) }, auto);
    assert.equal(nan.accurate, false);
    assert.match(nan.line, /min cosine NaN/);
  });

  it('not kept: neither faster nor smaller; outputs missing from the optimized model', () => {
    const same = decideVerdict({ latencyRatio: 0.99, sizeRatio: 0.99, outputs: good() }, auto);
    assert.match(same.line, /not kept: neither faster nor smaller/);
    const lost = decideVerdict({ latencyRatio: 0.5, sizeRatio: 0.3, outputs: good(), unmatchedOutputs: ['z'] }, auto);
    assert.equal(lost.write, false);
    assert.match(lost.line, /outputs differ: z/);
  });

  it('explicit but worse: written, exit 0, and the line says WORSE first', () => {
    const v = decideVerdict({ latencyRatio: 4.6, sizeRatio: 0.26, outputs: good(0.64) }, explicit);
    assert.deepEqual([v.better, v.write, v.exitCode], [false, true, 0]);
    assert.match(
      v.line,
      /^WORSE than the original: min cosine 0\.6400 < 0\.99 \(output 'y'\); 4\.6× slower — written as asked/,
    );
  });

  it('explicit with --require-faster / --min-cosine: refused → nothing written, exit 3', () => {
    const slow = decideVerdict(
      { latencyRatio: 1.0, sizeRatio: 0.26, outputs: good() },
      { ...explicit, requireFaster: true },
    );
    assert.deepEqual([slow.write, slow.exitCode], [false, 3]);
    assert.match(slow.line, /not kept: .*not faster \(--require-faster\)/);
    const fast = decideVerdict(
      { latencyRatio: 0.5, sizeRatio: 0.26, outputs: good() },
      { ...explicit, requireFaster: true },
    );
    assert.deepEqual([fast.write, fast.exitCode], [true, 0]);
    const gate = { gate: { ...DEFAULT_GATE, minCosine: 1.01 }, explicit: true, enforceGate: true };
    const inexact = decideVerdict({ latencyRatio: 0.5, sizeRatio: 0.26, outputs: good() }, gate);
    assert.deepEqual([inexact.write, inexact.exitCode], [false, 3]);
  });

  it('classifier outputs: those a Softmax/LogSoftmax produces', () => {
    const names = [...classifierOutputs(bertEncoder())];
    assert.deepEqual(names, []);
    const m = mlp();
    const y = m.graph!.output![0]!.name!;
    const soft = {
      ...m,
      graph: {
        ...m.graph!,
        node: [...m.graph!.node!, { op_type: 'Softmax', input: [y], output: ['p'] }],
        output: [{ name: 'p' }],
      },
    };
    assert.deepEqual([...classifierOutputs(soft)], ['p']);
  });

  it('speed text: ratios below 1 read as "faster"', () => {
    assert.equal(speedText(0.5), '2.0× faster');
    assert.equal(speedText(0.04), '25× faster');
    assert.equal(speedText(2.5), '2.5× slower');
  });
});

describe('optimize candidates (pure: from the graph)', () => {
  it('conv nets get static int8, MatMul-heavy graphs dynamic int8; fp16 only off the CPU', () => {
    const cnn = planCandidates(resnetModel({ size: 32, widths: [8, 16], blocks: 1 }).model).map((c) => c.quantize);
    assert.deepEqual(cnn, [undefined, 'static']);
    const bert = planCandidates(bertEncoder()).map((c) => c.quantize);
    assert.deepEqual(bert, [undefined, 'dynamic']);
    assert.ok(planCandidates(mlp(), 'cuda').some((c) => c.quantize === 'fp16'));
    assert.ok(!planCandidates(tinyCnn()).some((c) => c.quantize === 'fp16'));
  });

  it('weight profile counts elements by the op that reads them; int4 only for big MatMul weights', () => {
    const p = weightProfile(mlp(64, 128, 10));
    assert.equal(p.matmul, 64 * 128 + 128 * 10);
    assert.equal(p.conv, 0);
    assert.ok(!planCandidates(mlp(64, 128, 10)).some((c) => c.quantize === 'int4'));
    assert.ok(planCandidates(mlp(1024, 1024, 10)).some((c) => c.quantize === 'int4'));
  });
});

describe('optimize automatic choice among kept candidates (pure: given measurements)', () => {
  const measured = (name: string, latency: number, size: number, iqr = 0.02, better = true): CandidateResult =>
    ({
      candidate: { name, why: '' },
      report: {
        latency: {
          runs: 20,
          aMedianMs: 10,
          bMedianMs: 10 * latency,
          ratio: latency,
          spread: [latency - iqr / 2, latency + iqr / 2],
        },
        size: { a: 100, b: 100 * size, ratio: size },
      },
      verdict: { better },
    }) as unknown as CandidateResult;

  it('clearly faster wins; within the same-speed band the smaller file wins (ppocr-rec: 1.13× vs 1.10× faster)', () => {
    // simplify 1.13× faster at 1.00× size vs "MatMul only" 1.10× faster at 0.72× size: one speed, smaller wins
    assert.equal(pickBest([measured('simplify', 1 / 1.13, 1), measured('matmul only', 1 / 1.1, 0.72)]), 1);
    // 1.6× vs 1.1× faster: speed decides, whatever the size
    assert.equal(pickBest([measured('static', 1 / 1.6, 0.9), measured('dynamic', 1 / 1.1, 0.26)]), 0);
    // a wide pair IQR widens the band: 0.80 vs 0.86 with IQR 0.2 is one speed
    assert.equal(pickBest([measured('a', 0.8, 1, 0.2), measured('b', 0.86, 0.5, 0.2)]), 1);
    // candidates the verdict did not keep are never picked; none kept → undefined (exit 3)
    assert.equal(pickBest([measured('slow', 0.5, 0.2, 0.02, false), measured('ok', 0.9, 1)]), 1);
    assert.equal(pickBest([measured('slow', 1.4, 0.2, 0.02, false)]), undefined);
  });
});
