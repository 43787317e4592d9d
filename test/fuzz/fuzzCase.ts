/**
 * One fuzz case: mutate a seed model, then parse and analyse it as `inspect` would. The outcome is a result
 * or a typed ModelError; anything else thrown is a crash.
 */
import { ModelError } from '../../src/engine/onnx/errors';
import { parseModel } from '../../src/engine/onnx/readModel';
import { buildInspectReport } from '../../src/engine/report/inspectReport';
import { renderInspectText } from '../../src/engine/report/inspectText';
import { seededRandom } from '../support/random';
import { MUTATORS } from './mutators';

export interface CaseOutcome {
  readonly mutator: string;
  /** 'ok', 'ok-with-problems', a ModelError code, or 'crash'. */
  readonly result: string;
  readonly ms: number;
  readonly detail?: string;
}

/** The mutated model of case `seed` (deterministic: the same seed gives the same bytes). */
export function mutatedBytes(seedModel: Uint8Array, seed: number): Uint8Array {
  const rnd = seededRandom(seed);
  const mutator = MUTATORS[seed % MUTATORS.length]!;
  try {
    return mutator.apply(seedModel, rnd);
  } catch {
    // A byte-level mutation can make the structural decoder fail; that input is then just the original.
    return seedModel;
  }
}

export function runCase(seedModel: Uint8Array, seed: number): CaseOutcome {
  const mutator = MUTATORS[seed % MUTATORS.length]!;
  const t = performance.now();
  const bytes = mutatedBytes(seedModel, seed);
  try {
    const proto = parseModel(bytes, `fuzz-${seed}.onnx`);
    const report = buildInspectReport(
      { file: `fuzz-${seed}.onnx`, fileBytes: bytes.length, proto, externalBytes: 0 },
      { dims: { batch: 1, seq: 8 } },
    );
    // Text hygiene: what inspect prints must carry no terminal controls, whatever the names hold.
    const text = renderInspectText(report);
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(text))
      return {
        mutator: mutator.name,
        result: 'crash',
        ms: performance.now() - t,
        detail: 'control bytes in inspect text',
      };
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
