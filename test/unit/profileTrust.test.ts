import { strict as assert } from 'node:assert';
import { assessProfileTrust } from '../../src/engine/profile/profileTrust';

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
});
