/**
 * `optimize MODEL --quantize dynamic|static --target-cosine X`: the fewest nodes to keep float for the worst
 * output's cosine to reach X (engine/optimize/exclusionSearch.ts). Prints every round, writes the first one
 * that reaches X, or nothing (exit 3) when none does within --max-exclusions.
 */
import * as path from 'node:path';
import type { LoadedModel } from '../../engine/onnx/readModel';
import { writeModel } from '../../engine/onnx/writeModel';
import { searchExclusions } from '../../engine/optimize/exclusionSearch';
import { exclusionSearchRows } from '../../engine/report/exclusionSearchText';
import { runPipeline } from '../../engine/transform/common/pipeline';
import { outputSuffix } from '../../engine/transform/outputName';
import { simplifyStep } from '../../engine/transform/simplify';
import { classifierOutputs, decideVerdict, verdictInput } from '../../engine/verify/verdict';
import { intOption, optionValue, parseDims, UsageError, type ParsedArgs } from '../args';
import type { CliIO } from '../io';
import { compareOptionsFromArgs, shapesFromArgs } from '../runtimeOptions';
import { defaultOutputFile, gateFromArgs, oneOf, quantizeOptionsFromArgs } from './optimizeOptions';

export async function optimizeSearch(
  input: LoadedModel,
  args: ParsedArgs,
  io: CliIO,
  signal: AbortSignal,
): Promise<number> {
  const mode = oneOf(args, 'quantize', ['dynamic', 'static'] as const);
  if (!mode) throw new UsageError('--target-cosine needs --quantize dynamic or --quantize static');
  if (args.values.has('prune')) throw new UsageError('--target-cosine does not combine with --prune');
  if (args.flags.has('no-compare')) throw new UsageError('--target-cosine measures every round: drop --no-compare');
  const target = Number(optionValue(args, 'target-cosine'));
  if (!(target > -1 && target <= 1)) throw new UsageError('--target-cosine expects a cosine in (−1, 1], e.g. 0.98');
  const explicit = optionValue(args, 'output');
  const out = explicit ? path.resolve(explicit) : defaultOutputFile(input.file, outputSuffix({ quantize: mode }));
  if (out === input.file) throw new UsageError('the output must be a new file, not the input model');
  const dims = parseDims(args);
  const inputShapes = shapesFromArgs(args);
  // The search localises errors on the float model the quantizer starts from: simplify it first if asked.
  const float = args.flags.has('simplify')
    ? (await runPipeline(input.proto, [simplifyStep({ dims, inputShapes })], signal)).model
    : input.proto;
  const result = await searchExclusions(input, float, {
    quantize: { ...(await quantizeOptionsFromArgs(input.file, args, signal)), mode },
    targetCosine: target,
    maxExclusions: intOption(args, 'max-exclusions', 10, 0),
    compare: compareOptionsFromArgs(args, signal),
    signal,
    onIteration: (it, round) => io.progress(`exclusion search: round ${round}, min cosine ${it.minCosine.toFixed(4)}`),
  });
  const rows = exclusionSearchRows(result);
  const reached = result.reached === undefined ? undefined : result.iterations[result.reached]!;
  const verdict = reached
    ? decideVerdict(verdictInput(reached.report, classifierOutputs(input.proto)), {
        gate: { ...gateFromArgs(args), minCosine: target },
        explicit: true,
        requireFaster: args.flags.has('require-faster'),
      })
    : undefined;
  const written =
    reached && verdict?.write !== false
      ? writeModel(reached.pipeline.model, out, { sourceFile: input.file, overwrite: args.flags.has('force') })
      : undefined;
  const summary = {
    target,
    reached: result.reached ?? null,
    keepFloat: reached?.excluded ?? null,
    output: written?.file ?? null,
    verdict: verdict ?? null,
    iterations: result.iterations.map((it) => ({
      excluded: it.excluded,
      minCosine: it.minCosine,
      latencyRatio: it.latencyRatio ?? null,
      sizeRatio: it.sizeRatio,
    })),
  };
  if (args.flags.has('json')) {
    io.out(JSON.stringify(summary, null, 2));
    return reached ? (verdict?.exitCode ?? 0) : 3;
  }
  const last = result.iterations[result.iterations.length - 1]!;
  io.out(
    reached
      ? `verdict: min cosine ${reached.minCosine.toFixed(4)} ≥ ${target} with ${reached.excluded.length} node(s) kept float — ${verdict!.line}`
      : `verdict: min cosine stayed below ${target} (best ${Math.max(...result.iterations.map((i) => i.minCosine)).toFixed(4)}) with up to ${last.excluded.length} node(s) kept float — not kept`,
  );
  for (const r of rows) io.out(r);
  if (reached?.excluded.length)
    io.out(`keep float: ${reached.excluded.join(', ')} (reuse: --exclude-node '^NAME$' each, or --exclude-from FILE)`);
  io.out(written ? `wrote ${written.file} (${(written.bytes / 2 ** 20).toFixed(2)} MB)` : 'no file written');
  return reached ? (verdict?.exitCode ?? 0) : 3;
}
