/**
 * `onnx-tuner optimize MODEL` with no transform flag: tries the candidates that fit the model, prints one
 * verdict line per candidate, writes the best one that passed the accuracy gate and is faster or smaller
 * (exit 0), or writes nothing (exit 3) with each candidate's measured reasons.
 */
import { autoVerdictLines } from '../../engine/report/autoOptimizeText';
import { DEFAULT_COMPARE_RUNS } from '../../engine/runtime/jobRuntime';
import { outputSuffix } from '../../engine/transform/outputName';
import * as path from 'node:path';
import type { LoadedModel } from '../../engine/onnx/readModel';
import { writeModel } from '../../engine/onnx/writeModel';
import { autoOptimize } from '../../engine/optimize/autoOptimize';
import { renderCompareText } from '../../engine/report/compareRender';
import { intOption, optionValue, parseDims, UsageError, type ParsedArgs } from '../args';
import { runtimeFromArgs, shapesFromArgs } from '../runtimeOptions';
import type { CliIO } from '../io';
import { defaultOutputFile, gateFromArgs, printSteps, quantizeOptionsFromArgs, writeHtml } from './optimizeOptions';

export async function optimizeAuto(
  input: LoadedModel,
  args: ParsedArgs,
  io: CliIO,
  signal: AbortSignal,
): Promise<number> {
  if (args.flags.has('no-compare'))
    throw new UsageError('the automatic choice measures every candidate: drop --no-compare, or name a transform');
  const explicitOut = optionValue(args, 'output');
  const out = explicitOut ? path.resolve(explicitOut) : undefined;
  if (out === input.file) throw new UsageError('the output must be a new file, not the input model');
  const gate = gateFromArgs(args);
  const quantize = await quantizeOptionsFromArgs(input.file, args, signal);
  const result = await autoOptimize(input.file, input.proto, {
    gate,
    quantize,
    runtime: runtimeFromArgs(args),
    contribOps: !args.flags.has('portable'),
    dims: parseDims(args),
    inputShapes: shapesFromArgs(args),
    latencyRuns: intOption(args, 'runs', DEFAULT_COMPARE_RUNS, 0),
    signal,
    onCandidate: (c, k, n) => io.progress(`measuring candidates: ${c.name}`, k, n),
  });
  const best = result.best === undefined ? undefined : result.results[result.best];
  const json = args.flags.has('json');
  // First line: the decision; then one line per candidate with its measurements.
  const lines = autoVerdictLines(result, gate);
  let written: string | undefined;
  if (best?.pipeline && best.report) {
    const q = best.candidate.quantize;
    const file = out ?? defaultOutputFile(input.file, outputSuffix(q ? { quantize: q } : {}));
    written = writeModel(best.pipeline.model, file, {
      sourceFile: input.file,
      overwrite: args.flags.has('force'),
    }).file;
    await writeHtml(args, input.file, written, best.report, best.verdict, io);
  }
  if (json) {
    io.out(
      JSON.stringify(
        {
          output: written ?? null,
          chosen: best?.candidate.name ?? null,
          candidates: result.results.map((r) => ({
            name: r.candidate.name,
            why: r.candidate.why,
            verdict: r.verdict,
            int8Coverage: r.coverage,
            skipped: r.skipped,
            steps: r.pipeline?.steps,
            comparison: r.report,
          })),
        },
        null,
        2,
      ),
    );
  } else {
    for (const l of lines) io.out(l);
    if (best?.pipeline) printSteps(best.pipeline.steps, io);
    if (written) io.out(`wrote ${written}`);
    // The candidate was measured in memory, before it had a file name: label it with the file it became.
    if (best?.report)
      io.out(renderCompareText({ ...best.report, b: written ?? `${best.candidate.name} (not written)` }));
  }
  return written ? 0 : 3;
}
