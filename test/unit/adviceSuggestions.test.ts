/**
 * Advice as the editor shows it: a suggestion about a few nodes is pinned to each of them, one about many
 * nodes is model-wide and listed once (it used to be repeated on three arbitrary Conv nodes); the Problems
 * panel lists every suggestion once; a tried suggestion shows its measured figure instead of the estimate.
 */
import * as assert from 'node:assert/strict';
import type { Suggestion as AdviceSuggestion } from '../../src/engine/advise/adviceTypes';
import { fromAdvice, problemEntries, withMeasured } from '../../src/extension/views/adviceSuggestions';

function advice(rule: string, nodes: string[], extra: Partial<AdviceSuggestion> = {}): AdviceSuggestion {
  return {
    rule,
    title: `${rule} title`,
    severity: 'suggestion',
    nodes,
    evidence: {},
    detail: 'why',
    estimated: { latencyFraction: 0.18, bytesSaved: 0, memoryBytesSaved: 0, basis: 'cost model' },
    confidence: 'medium',
    action: { kind: 'optimize', cli: 'onnx-tuner optimize MODEL --quantize dynamic', config: {} },
    ...extra,
  } as AdviceSuggestion;
}

describe('advice in the editor', () => {
  const convs = Array.from({ length: 15 }, (_, i) => `p2o.Conv.${i}`);
  const list = fromAdvice([advice('quantize-dynamic', convs), advice('keep-float', ['p2o.Conv.32', 'p2o.Conv.40'])]);

  it('a model-wide suggestion appears once, with no node copies; a few-node one is pinned to each node', () => {
    const wide = list.filter((s) => s.rule === 'quantize-dynamic');
    assert.equal(wide.length, 1);
    assert.equal(wide[0]!.node, undefined);
    const pinned = list.filter((s) => s.rule === 'keep-float' && s.node);
    assert.deepEqual(
      pinned.map((s) => s.node),
      ['p2o.Conv.32', 'p2o.Conv.40'],
    );
    assert.ok(pinned.every((s) => s.of === list.find((x) => x.rule === 'keep-float' && !x.node)!.id));
  });

  it('the Problems panel lists each suggestion once: node entries where there are some, else the model-wide one', () => {
    const problems = problemEntries(list);
    assert.deepEqual(
      problems.map((s) => [s.rule, s.node ?? '(model)']),
      [
        ['quantize-dynamic', '(model)'],
        ['keep-float', 'p2o.Conv.32'],
        ['keep-float', 'p2o.Conv.40'],
      ],
    );
  });

  it('once tried, the measured figure replaces the estimate', () => {
    const [estimated] = fromAdvice([advice('quantize-dynamic', [])]);
    assert.match(estimated!.detail, /Estimated: ~18% faster/);
    const [tried] = fromAdvice([
      advice('quantize-dynamic', [], {
        measured: {
          latencyFraction: -0.33,
          originalMs: 10,
          candidateMs: 13.3,
          noise: 0.02,
          cosine: 0.69,
          maxAbsError: 1,
          sizeRatio: 0.27,
          runs: 20,
        },
      }),
    ]);
    assert.doesNotMatch(tried!.detail, /Estimated/);
    assert.match(tried!.detail, /Measured: 1\.33× slower, 0\.27× size, min cosine 0\.6900\./);
  });

  it('after Apply, the suggestion and its node copies show the measured verdict instead of the estimate', () => {
    const few = fromAdvice([
      advice('keep-float', ['a', 'b'], {
        estimated: { latencyFraction: 0.18, bytesSaved: 1.2 * 2 ** 20, memoryBytesSaved: 0, basis: '' },
      }),
    ]);
    assert.match(few[0]!.detail, /Estimated: ~18% faster, 1\.20 MB smaller \(medium confidence\)\. CLI: /);
    const line = '1.33× slower, 0.27× size, min cosine 0.6900 — written as asked';
    const tried = withMeasured(few, few[0]!.id, line);
    for (const s of tried) {
      assert.doesNotMatch(s.detail, /Estimated/);
      assert.match(
        s.detail,
        /Measured when applied: 1\.33× slower, 0\.27× size, min cosine 0\.6900 — written as asked\. CLI: onnx-tuner/,
      );
    }
    const again = withMeasured(tried, few[0]!.id, '1.10× faster, 0.30× size, min cosine 0.99990 — kept');
    assert.equal(again[0]!.detail.match(/Measured/g)?.length, 1, again[0]!.detail);
    assert.match(again[0]!.detail, /1\.10× faster/);
  });
});
