/**
 * Options shared by the commands that run the model (compare, advise, optimize, sweep): the input grammar of
 * inputOptions.ts plus threads, optimization level and A/B runs.
 */
import type { OptimizationLevel, RuntimeSettings } from '../engine/runtime/sessionOptions';
import { intOption, optionValue, parseDims, UsageError, type ParsedArgs } from './args';
import { DEFAULT_COMPARE_RUNS } from '../engine/runtime/jobRuntime';
import type { CompareOptions } from '../engine/verify/compare';
import { feedExtras, INPUT_OPTIONS_USAGE, INPUT_VALUE_OPTIONS, inputOptions, parseShapes } from './inputOptions';

export const RUNTIME_OPTIONS_USAGE = `${INPUT_OPTIONS_USAGE}
  --threads N        intra-op threads for both sessions (default: onnxruntime's choice, one per core)
  --level L          ORT graph optimization level: disabled|basic|extended|all (default all)
  --runs N           measured alternating A/B runs (default 20; 0 skips latency)`;

export const RUNTIME_VALUE_OPTIONS = [...INPUT_VALUE_OPTIONS, 'threads', 'level', 'runs'] as const;

const LEVELS: readonly OptimizationLevel[] = ['disabled', 'basic', 'extended', 'all'];

export function runtimeFromArgs(args: ParsedArgs): RuntimeSettings {
  const level = optionValue(args, 'level') ?? 'all';
  if (!LEVELS.includes(level as OptimizationLevel)) throw new UsageError(`--level must be one of ${LEVELS.join(', ')}`);
  return {
    ...(optionValue(args, 'threads') === undefined ? {} : { intraOpThreads: intOption(args, 'threads', 1) }),
    optimizationLevel: level as OptimizationLevel,
    dims: parseDims(args),
  };
}

/** `--shape x=1,3,48,320` or `x=1x3x48x320` (repeatable) → { x: [1, 3, 48, 320] }. */
export function shapesFromArgs(args: ParsedArgs): Record<string, number[]> {
  return parseShapes(args);
}

/** What `compare`, `optimize` and its exclusion search compare with: settings, dims, inputs and runs. */
export function compareOptionsFromArgs(args: ParsedArgs, signal: AbortSignal): CompareOptions {
  return {
    runtime: runtimeFromArgs(args),
    dims: parseDims(args),
    inputShapes: shapesFromArgs(args),
    ...feedExtras(inputOptions(args)),
    latencyRuns: intOption(args, 'runs', DEFAULT_COMPARE_RUNS, 0),
    signal,
  };
}
