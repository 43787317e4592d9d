import { strict as assert } from 'node:assert';
import { pruneAccuracyNote } from '../../src/engine/transform/prune/pruneVerdict';

describe('prune verdict recommends fine-tuning past the gate (issue 20)', () => {
  it('says nothing within the gate or when nothing was compared', () => {
    assert.equal(pruneAccuracyNote(0.995, 0.99), null);
    assert.equal(pruneAccuracyNote(0.99, 0.99), null, 'the gate itself passes');
    assert.equal(pruneAccuracyNote(undefined, 0.99), null);
  });

  it('names the drop and recommends fine-tuning below the gate', () => {
    const note = pruneAccuracyNote(0.41, 0.99);
    assert.ok(note);
    assert.match(note, /min cosine 0\.4100 < 0\.99/);
    assert.match(note, /fine-tune/);
  });

  it('treats NaN outputs as a failed gate', () => {
    assert.match(pruneAccuracyNote(NaN, 0.99) ?? '', /NaN outputs/);
  });
});
