import { strict as assert } from 'node:assert';
import type { MeasuredGain, Suggestion } from '../../src/engine/advise/adviceTypes';
import { rankByTrials } from '../../src/engine/advise/trial';

const suggestion = (title: string, estimate: number): Suggestion => ({
  rule: 'quantize-matmul',
  title,
  severity: 'suggestion',
  nodes: [],
  evidence: {},
  detail: '',
  estimated: { latencyFraction: estimate, bytesSaved: 0, memoryBytesSaved: 0, basis: '' },
  confidence: 'high',
  action: { kind: 'optimize', config: { quantize: { mode: 'dynamic' } }, cli: '' },
});
const measured = (latencyFraction: number): MeasuredGain => ({
  latencyFraction,
  originalMs: 10,
  candidateMs: 10 * (1 - latencyFraction),
  noise: 0.05,
  cosine: 1,
  maxAbsError: 0,
  sizeRatio: 1,
  runs: 20,
});

describe('advise obeys its trials (issue 20)', () => {
  it('drops a suggestion its trial measured slower beyond the noise band, and ranks the rest by measured gain', () => {
    // Estimated order: qdq (44%), int8 (30%), outputs (20%), untried (10%); measured: +2%, −617%, +56%.
    const [qdq, int8, outputs, untried] = [
      suggestion('static QDQ', 0.44),
      suggestion('compress weights to int8', 0.3),
      suggestion('QDQ with --quantize-outputs', 0.2),
      suggestion('not tried', 0.1),
    ] as [Suggestion, Suggestion, Suggestion, Suggestion];
    const done = new Map<Suggestion, Suggestion>([
      [qdq, { ...qdq, measured: measured(0.02) }],
      [int8, { ...int8, measured: measured(-6.17) }],
      [outputs, { ...outputs, measured: measured(0.56) }],
    ]);
    const r = rankByTrials([qdq, int8, outputs, untried], done);
    assert.deepEqual(
      r.suggestions.map((s) => s.title),
      ['QDQ with --quantize-outputs', 'static QDQ', 'not tried'],
    );
    assert.equal(r.rejected.length, 1);
    assert.equal(r.rejected[0]!.title, 'compress weights to int8');
    assert.equal(r.rejected[0]!.confidence, 'low');
    assert.match(r.rejected[0]!.trialNote ?? '', /617\.0% slower/);
  });

  it('keeps a slow-down inside the noise band (it is not measurably slower)', () => {
    const s = suggestion('within noise', 0.3);
    const r = rankByTrials([s], new Map([[s, { ...s, measured: measured(-0.04) }]]));
    assert.equal(r.suggestions.length, 1);
    assert.equal(r.rejected.length, 0);
  });
});
