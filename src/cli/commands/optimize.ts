/**
 * `onnx-tuner optimize MODEL --quantize MODE`: runs the optimize pipeline (a list of steps: simplify and
 * prune go in front of quantize as they land), writes a NEW file and prints how it compares to the input.
 */
import { optimizeSteps, type OptimizeChoice } from '../../engine/optimize/optimizeSteps';
import { outputSuffix } from '../../engine/transform/outputName';
import * as path from 'node:path';
import { readModel, type LoadedModel } from '../../engine/onnx/readModel';
import { asLoaded, writeModel } from '../../engine/onnx/writeModel';
import { runPipeline, type OptimizeStep } from '../../engine/transform/common/pipeline';
import { QUANTIZE_MODES, type QuantizeMode } from '../../engine/transform/quantize/quantize';
import { compare, type CompareReport } from '../../engine/verify/compare';
import { renderCompareText } from '../../engine/report/compareRender';
import { classifierOutputs, decideVerdict, verdictInput } from '../../engine/verify/verdict';
import { pruneAccuracyNote } from '../../engine/transform/prune/pruneVerdict';
import { optionValue, parseArgs, parseDims, UsageError, type ParsedArgs } from '../args';
import {
  compareOptionsFromArgs,
  RUNTIME_OPTIONS_USAGE,
  RUNTIME_VALUE_OPTIONS,
  shapesFromArgs,
} from '../runtimeOptions';
import { optimizeAuto } from './optimizeAuto';
import { optimizeSearch } from './optimizeSearch';
import {
  defaultOutputFile,
  gateFromArgs,
  oneOf,
  printSteps,
  quantizeOptionsFromArgs,
  regexes,
  removeWritten,
  writeHtml,
} from './optimizeOptions';
import type { CliIO } from '../io';
import type { CommandEntry } from '../io';
import { COMMAND_SUMMARIES } from '../commandList';

const usage = `usage: onnx-tuner optimize MODEL [--simplify] [--prune SPEC] [--quantize dynamic|static|fp16|int4] [options] [-o OUT]

With no transform named, tries the ones that fit the model (simplify; static int8 for conv nets, dynamic
int8 for MatMul-heavy graphs, int4 for large MatMuls, fp16 off the CPU), measures each against the input
and writes the best that passes the accuracy gate and is faster or smaller. The first line is the verdict.
Exit codes: 0 written, 3 nothing improved the model / a requirement failed (no file written), 2 bad input.
  --min-cosine X         accuracy gate: min cosine on every output (default 0.99); with a named
                         transform, a model below it is not written (exit 3)
  --min-argmax P         accuracy gate for classifier outputs: argmax agreement (default 99%)
  --require-faster       with a named transform: write only if it is faster (else exit 3)
  --html OUT             also write an HTML report (verdict, per-output table); --localize N adds the N
                         most divergent nodes

Writes a new model next to the input, then compares it with the input. Its name says what it holds:
MODEL.int8.onnx (dynamic), .qdq.onnx (static), .fp16.onnx, .int4.onnx, else .pruned.onnx (--prune) or
.simplified.onnx (--simplify alone); MODEL.int8.2.onnx, .3 ... when taken. -o names it yourself. The input is
never touched and an existing file is never overwritten without --force.
  --quantize MODE        dynamic: int8 weights, activations quantized at run time (MatMul, Gemm, Conv, Gather)
                         static: int8 QDQ with calibrated activation ranges
                         fp16: float16 weights and compute, float32 inputs/outputs
                         int4: 4-bit MatMul weights (com.microsoft.MatMulNBits)
  --per-channel          one weight scale per output channel
  --calibrate M          static: minmax (default) | percentile | entropy
  --percentile P         static percentile (default 99.99)
  --calib-inputs DIR     static: samples as .json or .npy files (default: synthesised)
  --calib-samples N      static: number of synthesised samples (default 8)
  --quantize-outputs     static: also Q/DQ each quantized node's output (ORT-style; fuses more, less exact)
  --sensitive N          static: the N nodes whose activations lose most (per-node error vs float) stay
                         float; their weights are int8 all the same
  --activation-type T    static: uint8 (asymmetric, default) | int8 (symmetric)
  --weight-type T        dynamic: int8 (symmetric, default) | uint8 (asymmetric)
  --reduce-range         7-bit ranges, for CPUs without VNNI
  --block-size N         int4: 32 (default) | 64 | 128
  --asymmetric           int4: per-block zero points
  --include-op OP        quantize only these op types (repeatable, comma lists)
  --exclude-op OP        leave these op types float (repeatable, comma lists)
  --exclude-node REGEX   leave nodes whose name matches float (repeatable)
  --exclude-from FILE    leave the nodes FILE lists float: {"keepFloat": [...], "keepFp16": [...]} as the
                         extension writes it, or one exact node name per line (repeatable)
  --keep-fp16 NODE       run this node (exact name) in float16 instead of int8: float16 weights, Casts
                         around it; where onnxruntime's CPU provider has no float16 kernel for its op, float16
                         weights and float32 compute, with a note (repeatable)
  --target-cosine X      dynamic/static: find the fewest nodes to keep float for min cosine ≥ X (greedy,
                         worst node first by per-node error); prints each round, writes the first that
                         reaches X (exit 3 if none does); --max-exclusions N caps the list (default 10)
  --keep-first-last      leave the first and last quantizable layers float (--keep-first: only the first)
  --min-weight N         skip weights with fewer than N elements
  --keep-fp32-op OP      fp16: also keep these ops float32 (repeatable)
  --simplify             first fold constants, remove no-op nodes, fuse Conv+BN; for onnxruntime's CPU
                         provider also fuse attention into com.microsoft.MultiHeadAttention and keep
                         Add+LayerNormalization out of ORT's slower SkipLayerNormalization
  --portable             keep the result standard ONNX: no onnxruntime contrib ops (no attention fusion)
  --prune SPEC           structured:RATIO (remove Conv channels / hidden units: smaller and faster) or
                         magnitude:RATIO (zero weights: same speed, smaller compressed file)
  --layers REGEX         --prune only layers whose node name matches
  -o, --output OUT       output file
  --force                overwrite OUT if it exists
  --no-compare           skip the comparison
  --json                 print changes and comparison as JSON
${RUNTIME_OPTIONS_USAGE}`;

/** Whether the arguments name a transform; without one, optimize chooses (optimizeAuto.ts). */
export function namesTransform(args: ParsedArgs): boolean {
  return args.values.has('quantize') || args.flags.has('simplify') || args.values.has('prune');
}

/** The pipeline for these arguments. Simplify/prune steps go in front of quantize as they land. */
export async function buildOptimizeSteps(
  file: string,
  args: ParsedArgs,
  signal?: AbortSignal,
): Promise<{ steps: OptimizeStep[]; mode: QuantizeMode | undefined }> {
  const mode = oneOf(args, 'quantize', QUANTIZE_MODES);
  const pruneSpec = optionValue(args, 'prune');
  if (!mode && !pruneSpec && !args.flags.has('simplify'))
    throw new UsageError('missing --quantize MODE (or --simplify / --prune SPEC)');
  const [layers] = regexes(args, 'layers');
  const choice: OptimizeChoice = {
    simplify: args.flags.has('simplify'),
    target: { contribOps: !args.flags.has('portable') },
    ...(pruneSpec ? { prune: { spec: pruneSpec, ...(layers ? { layers } : {}) } } : {}),
    ...(mode ? { quantize: [{ ...(await quantizeOptionsFromArgs(file, args, signal)), mode }] } : {}),
  };
  try {
    return { steps: optimizeSteps(choice, { dims: parseDims(args), inputShapes: shapesFromArgs(args) }), mode };
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message); // a malformed --prune spec
    throw e;
  }
}

export const optimizeCommand: CommandEntry = {
  summary: COMMAND_SUMMARIES.optimize,
  usage,
  run: async (argv, io) => {
    const args = parseArgs(argv, {
      booleans: [
        'per-channel',
        'reduce-range',
        'asymmetric',
        'keep-first-last',
        'keep-first',
        'quantize-outputs',
        'force',
        'no-compare',
        'simplify',
        'portable',
        'json',
        'require-faster',
      ],
      values: [
        ...RUNTIME_VALUE_OPTIONS,
        'quantize',
        'calibrate',
        'percentile',
        'calib-inputs',
        'calib-samples',
        'sensitive',
        'activation-type',
        'weight-type',
        'block-size',
        'include-op',
        'exclude-op',
        'exclude-node',
        'exclude-from',
        'keep-fp16',
        'target-cosine',
        'max-exclusions',
        'min-weight',
        'keep-fp32-op',
        'output',
        'prune',
        'layers',
        'min-cosine',
        'min-argmax',
        'html',
        'localize',
        'localize-by',
      ],
      aliases: { o: 'output' },
    });
    const [file, ...extra] = args.positionals;
    if (!file) throw new UsageError('missing MODEL');
    if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);
    io.progress('reading the model');
    const input = readModel(file);
    // Ctrl-C stops calibration, the pipeline or the comparison between runs; nothing is left half-written.
    return await optimizeWith(input, args, io, io.signal);
  },
};

async function optimizeWith(input: LoadedModel, args: ParsedArgs, io: CliIO, signal: AbortSignal): Promise<number> {
  if (!namesTransform(args)) return optimizeAuto(input, args, io, signal);
  if (args.values.has('target-cosine')) return optimizeSearch(input, args, io, signal);
  const { steps, mode } = await buildOptimizeSteps(input.file, args, signal);
  const explicit = optionValue(args, 'output');
  const out = explicit
    ? path.resolve(explicit)
    : defaultOutputFile(
        input.file,
        outputSuffix({ ...(mode ? { quantize: mode } : {}), prune: args.values.has('prune') }),
      );
  if (out === input.file) throw new UsageError('the output must be a new file, not the input model');
  const result = await runPipeline(input.proto, steps, signal, (name, k, n) => io.progress(name, k, n));
  if (result.model === input.proto) {
    // Every step left the model as it was (already quantized, unsupported opset ...): no copy is written.
    // Same line for many nodes ("op Conv excluded" × 62) is printed once, with the count.
    const counts = new Map<string, number>();
    for (const s of result.steps)
      for (const c of s.changes) {
        const line = `${s.name}: ${c.detail}`;
        counts.set(line, (counts.get(line) ?? 0) + 1);
      }
    for (const [line, n] of counts) io.out(n > 1 ? `${line} (${n} nodes)` : line);
    if (mode === 'dynamic' && [...counts.keys()].some((l) => l.endsWith('op Conv excluded')))
      io.out(
        'hint: dynamic int8 leaves Conv float (ConvInteger runs slower than float on x86): for a conv net try --quantize static, or force it with --include-op Conv',
      );
    io.out('nothing changed; no file written');
    return 1;
  }
  if (args.flags.has('no-compare') && (args.flags.has('require-faster') || args.values.has('min-cosine')))
    throw new UsageError('--require-faster and --min-cosine need the comparison (drop --no-compare)');
  io.progress('writing the model');
  const written = writeModel(result.model, out, { sourceFile: input.file, overwrite: args.flags.has('force') });
  let report: CompareReport | undefined;
  try {
    if (!args.flags.has('no-compare')) io.progress('comparing with the original');
    report = args.flags.has('no-compare')
      ? undefined
      : await compare(input, asLoaded(written, result.model), compareOptionsFromArgs(args, signal));
  } catch (e) {
    removeWritten(written);
    throw e;
  }
  const verdict = report
    ? decideVerdict(verdictInput(report, classifierOutputs(input.proto)), {
        gate: gateFromArgs(args),
        explicit: true,
        requireFaster: args.flags.has('require-faster'),
        enforceGate: args.values.has('min-cosine') || args.values.has('min-argmax'),
      })
    : undefined;
  // The verdict comes first: an explicit transform that made the model worse says so before anything else.
  if (verdict && !args.flags.has('json')) io.out(`verdict: ${verdict.line}`);
  const pruneNote =
    verdict && optionValue(args, 'prune')
      ? pruneAccuracyNote(
          report?.outputs.reduce((w, o) => Math.min(w, o.cosine), Infinity),
          gateFromArgs(args).minCosine,
        )
      : null;
  if (pruneNote && !args.flags.has('json')) io.out(`warning: ${pruneNote}`);
  if (report) await writeHtml(args, input.file, out, report, verdict, io);
  if (verdict && !verdict.write) removeWritten(written);
  if (args.flags.has('json')) {
    io.out(
      JSON.stringify(
        { output: verdict?.write === false ? null : written.file, verdict, steps: result.steps, comparison: report },
        null,
        2,
      ),
    );
    return verdict?.exitCode ?? 0;
  }
  printSteps(result.steps, io);
  io.out(
    verdict?.write === false ? 'no file written' : `wrote ${written.file} (${(written.bytes / 2 ** 20).toFixed(2)} MB)`,
  );
  if (report) io.out(renderCompareText(report));
  return verdict?.exitCode ?? 0;
}
