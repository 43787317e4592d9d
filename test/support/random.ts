/** Seeded random data for built models; the generator itself is the engine's (src/engine/runtime/seededRandom.ts). */
import { seededRandom } from '../../src/engine/runtime/seededRandom';

export { seededRandom };

/** Normal(0, std) samples via Box–Muller. */
export function randomNormal(count: number, std: number, seed: number): Float32Array {
  const rnd = seededRandom(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const u = Math.max(rnd(), 1e-12);
    const v = rnd();
    const r = Math.sqrt(-2 * Math.log(u)) * std;
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < count) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}
