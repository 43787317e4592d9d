import { strict as assert } from 'node:assert';
import { runCase } from '../fuzz/fuzzCase';
import { MUTATORS } from '../fuzz/mutators';
import { seedModels } from '../fuzz/seeds';

/** The short fuzz run that is part of `npm test`; `npm run fuzz -- --runs 10000` runs the long one. */
describe('fuzzed models (short run)', () => {
  it('every mutated model ends in a result or a typed error within 2 s', function () {
    this.timeout(120_000);
    const seeds = seedModels(1_500_000);
    const runs = 40 * MUTATORS.length;
    const byResult = new Map<string, number>();
    const crashes: string[] = [];
    let slowest = 0;
    for (let seed = 1; seed <= runs; seed++) {
      const model = seeds[seed % seeds.length]!;
      const r = runCase(model.bytes, seed);
      byResult.set(r.result, (byResult.get(r.result) ?? 0) + 1);
      if (r.result === 'crash') crashes.push(`seed ${seed} (${r.mutator} on ${model.name}): ${r.detail}`);
      slowest = Math.max(slowest, r.ms);
    }
    assert.deepEqual(crashes, []);
    console.log(`      slowest case: ${slowest.toFixed(0)} ms`); // a figure, not a test: CI machines are loaded
    // The mutations must really reach both outcomes, or the harness tests nothing.
    assert.ok((byResult.get('ok') ?? 0) > 0 && byResult.size > 2, JSON.stringify([...byResult]));
  });
});
