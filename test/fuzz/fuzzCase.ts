/**
 * One fuzz case: mutate a seed model, then parse and analyse it as `inspect` would. The outcome is a result
 * or a typed ModelError; anything else thrown is a crash.
 */
import { ModelError } from '../../src/engine/onnx/errors';
import { parseModel } from '../../src/engine/onnx/readModel';
import { buildInspectReport } from '../../src/engine/report/inspectReport';
import { seededRandom } from '../support/random';
import { MUTATORS } from './mutators';

export interface CaseOutcome {
  readonly mutator: string;
  /** 'ok', 'ok-with-problems', a ModelError code, or 'crash'. */
  readonly result: string;
  readonly ms: number;
  readonly detail?: string;
}

export function runCase(seedModel: Uint8Array, seed: number): CaseOutcome {
  const rnd = seededRandom(seed);
  const mutator = MUTATORS[seed % MUTATORS.length]!;
  const t = performance.now();
  let bytes: Uint8Array;
  try {
    bytes = mutator.apply(seedModel, rnd);
  } catch {
    // A byte-level mutation can make the structural decoder fail; that input is then just the original.
    bytes = seedModel;
  }
  try {
    const proto = parseModel(bytes, `fuzz-${seed}.onnx`);
    const report = buildInspectReport(
      { file: `fuzz-${seed}.onnx`, fileBytes: bytes.length, proto, externalBytes: 0 },
      { dims: { batch: 1, seq: 8 } },
    );
    // A structurally broken graph (cycle, dangling input) is reported, not thrown: count it apart.
    const result = report.problems.length ? 'ok-with-problems' : 'ok';
    return { mutator: mutator.name, result, ms: performance.now() - t };
  } catch (e) {
    const ms = performance.now() - t;
    if (e instanceof ModelError) return { mutator: mutator.name, result: e.code, ms };
    return {
      mutator: mutator.name,
      result: 'crash',
      ms,
      detail: `${(e as Error).name}: ${(e as Error).message}\n${(e as Error).stack ?? ''}`,
    };
  }
}
