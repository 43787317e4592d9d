import { strict as assert } from 'node:assert';
import { assessProfileTrust } from '../../src/engine/profile/profileTrust';
import { renderProfileHtml } from '../../src/engine/report/html/profileHtml';
import { renderProfileText } from '../../src/engine/report/profileText';
import type { ProfileReport } from '../../src/engine/report/profileReport';
import { toLayerCostReport } from '../../src/extension/views/profileAdapter';

/** A profile report of a tiny classifier as the runtime returns it: 69% covered, profiler 4.7× slower. */
function tinyClassifierReport(): ProfileReport {
  const stats = (p50: number) => ({ p50, p90: p50, min: p50, max: p50, mean: p50, runs: 10 });
  const coverage = 0.69;
  return {
    schemaVersion: 1,
    kind: 'profile',
    file: '/m/tiny.onnx',
    createdAt: '2026-11-29T00:00:00Z',
    settings: { executionProvider: 'cpu', optimizationLevel: 'disabled', intraOpThreads: null, runs: 10, warmup: 1 },
    levelNote: '',
    inputs: [],
    assumedDims: [],
    latency: { profiled: stats(0.47), modelRun: stats(0.4), plain: stats(0.1), profilerOverhead: 4.7 },
    attribution: { nodeMs: 0.276, modelRunMs: 0.4, coverage },
    memory: { peakRssGrowthBytes: null, peakRssBytes: null, arenaPeakBytes: null },
    nodes: [],
    opTypes: [],
    unprofiledNodeCount: 0,
    trust: assessProfileTrust(coverage, 4.7),
  } as unknown as ProfileReport;
}

describe('profile trust warnings (issue 20)', () => {
  it('is silent for a well-covered profile with low overhead', () => {
    const t = assessProfileTrust(0.97, 1.05);
    assert.equal(t.sharesFlagged, false);
    assert.deepEqual(t.warnings, []);
  });

  it('warns when more than 10% of model_run is uncovered', () => {
    const t = assessProfileTrust(0.83, 1.1);
    assert.equal(t.sharesFlagged, true);
    assert.equal(t.warnings.length, 1);
    assert.match(t.warnings[0]!, /83\.0% of model_run/);
    assert.equal(assessProfileTrust(0.9, null).sharesFlagged, false, 'exactly 10% uncovered is within the bar');
  });

  it('warns on a tiny classifier whose profiler overhead is high (4.7x)', () => {
    const t = assessProfileTrust(0.95, 4.7);
    assert.equal(t.sharesFlagged, true);
    assert.match(t.warnings[0]!, /4\.70x/);
    assert.equal(assessProfileTrust(0.95, 1.5).sharesFlagged, false, '1.5x itself is within the bar');
    assert.equal(assessProfileTrust(0.95, null).sharesFlagged, false, 'no plain run: no overhead warning');
  });

  it('gives both warnings when both fire', () => {
    assert.equal(assessProfileTrust(0.7, 3).warnings.length, 2);
  });

  it('reaches every place a profile is read: text, HTML, the Layer Costs header and its suggestions', () => {
    const r = tinyClassifierReport();
    const text = renderProfileText(r);
    assert.match(text, /warning: node times explain only 69\.0% of model_run/);
    assert.match(text, /warning: the profiler slowed runs 4\.70x/);
    const html = renderProfileHtml(r);
    assert.equal((html.match(/class="warning"/g) ?? []).length, 2, 'both warnings on the HTML page');
    assert.match(html, /Per-node shares are approximate:<\/b> the profiler slowed runs 4\.70x/);
    const costs = toLayerCostReport(r);
    assert.equal(costs.trustWarnings?.length, 2);
    const notes = costs.suggestions.filter((s) => s.id.startsWith('trust-'));
    assert.deepEqual(
      notes.map((s) => [s.title, s.severity]),
      [
        ['Per-node shares are approximate', 'warning'],
        ['Per-node shares are approximate', 'warning'],
      ],
    );
    // A trusted profile adds nothing anywhere.
    const good = { ...r, trust: assessProfileTrust(0.97, 1.05) } as ProfileReport;
    assert.doesNotMatch(renderProfileText(good), /warning:/);
    assert.doesNotMatch(renderProfileHtml(good), /class="warning"/);
    assert.deepEqual(toLayerCostReport(good).trustWarnings, []);
  });
});
