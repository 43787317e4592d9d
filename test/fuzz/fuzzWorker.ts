/** Child process of runFuzz.ts: runs seeds [from, to) and reports each outcome to the parent. */
import { runCase } from './fuzzCase';
import { seedModels } from './seeds';

const [from, to] = process.argv.slice(2).map(Number) as [number, number];
const seeds = seedModels();
for (let seed = from; seed < to; seed++) {
  const model = seeds[seed % seeds.length]!;
  const outcome = runCase(model.bytes, seed);
  process.send?.({ ...outcome, seed, model: model.name });
}
process.disconnect?.();
