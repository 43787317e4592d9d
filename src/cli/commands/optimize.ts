/**
 * `onnx-tuner optimize MODEL --quantize MODE`: runs the optimize pipeline (a list of steps: simplify and
 * prune go in front of quantize as they land), writes a NEW file and prints how it compares to the input.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readModel, type LoadedModel } from '../../engine/onnx/readModel';
import { writeFileAtomic, writeModel, type WriteResult } from '../../engine/onnx/writeModel';
import { summarizeChanges } from '../../engine/transform/common/changes';
import { runPipeline, type OptimizeStep, type PipelineResult } from '../../engine/transform/common/pipeline';
import type { CalibrationMethod } from '../../engine/transform/quantize/calibrate';
import { loadCalibrationInputs } from '../../engine/transform/quantize/calibInputs';
import {
  OUTPUT_SUFFIX,
  QUANTIZE_MODES,
  quantizeStep,
  type QuantizeMode,
  type QuantizeOptions,
} from '../../engine/transform/quantize/quantize';
import type { QuantType } from '../../engine/transform/quantize/quantMath';
import { compare, type CompareReport } from '../../engine/verify/compare';
import { renderCompareHtml, renderCompareText } from '../../engine/verify/compareRender';
import {
  classifierOutputs,
  decideVerdict,
  DEFAULT_GATE,
  verdictInput,
  type AccuracyGate,
  type Verdict,
} from '../../engine/verify/verdict';
import { createSession } from '../../engine/verify/modelSource';
import { pruneStep } from '../../engine/transform/prune';
import { simplifyStep } from '../../engine/transform/simplify';
import { inputSpecs } from '../../engine/runtime/modelInputs';
import { intOption, optionValue, parseArgs, parseDims, UsageError, type ParsedArgs } from '../args';
import { feedExtras, inputOptions } from '../inputOptions';
import { RUNTIME_OPTIONS_USAGE, RUNTIME_VALUE_OPTIONS, runtimeFromArgs, shapesFromArgs } from '../runtimeOptions';
import { localizeNodes } from './compare';
import { optimizeAuto } from './optimizeAuto';
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

Writes a new model (default MODEL.int8.onnx / .qdq.onnx / .fp16.onnx / .int4.onnx; the input is never
touched and an existing file is never overwritten without --force), then compares it with the input.
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
  --keep-first-last      leave the first and last quantizable layers float (--keep-first: only the first)
  --min-weight N         skip weights with fewer than N elements
  --keep-fp32-op OP      fp16: also keep these ops float32 (repeatable)
  --simplify             first fold constants, remove no-op nodes, fuse Conv+BN (standard ONNX only)
  --prune SPEC           structured:RATIO (remove Conv channels / hidden units: smaller and faster) or
                         magnitude:RATIO (zero weights: same speed, smaller compressed file)
  --layers REGEX         --prune only layers whose node name matches
  -o, --output OUT       output file
  --force                overwrite OUT if it exists
  --no-compare           skip the comparison
  --json                 print changes and comparison as JSON
${RUNTIME_OPTIONS_USAGE}`;

const list = (args: ParsedArgs, key: string): string[] =>
  (args.values.get(key) ?? [])
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter(Boolean);

function oneOf<T extends string>(args: ParsedArgs, key: string, allowed: readonly T[]): T | undefined {
  const v = optionValue(args, key);
  if (v !== undefined && !allowed.includes(v as T))
    throw new UsageError(`--${key} must be one of ${allowed.join(', ')}`);
  return v as T | undefined;
}

/** `model.onnx` → `model.int8.onnx`, or `model.int8-1.onnx`, ... when taken. */
export function defaultOutputFile(input: string, suffix: string): string {
  const base = input.replace(/\.onnx$/i, '');
  let candidate = `${base}${suffix}`;
  for (let k = 1; fs.existsSync(candidate); k++) candidate = `${base}${suffix.replace(/\.onnx$/, '')}-${k}.onnx`;
  return candidate;
}

function regexes(args: ParsedArgs, key: string): RegExp[] {
  return (args.values.get(key) ?? []).map((r) => {
    try {
      return new RegExp(r);
    } catch (e) {
      throw new UsageError(`--${key}: invalid regular expression '${r}': ${(e as Error).message}`);
    }
  });
}

/** Quantizer settings from the arguments, every mode's (the mode itself is added by the caller). */
export async function quantizeOptionsFromArgs(
  file: string,
  args: ParsedArgs,
  signal?: AbortSignal,
): Promise<Omit<QuantizeOptions, 'mode'>> {
  const calibDir = optionValue(args, 'calib-inputs');
  let calibrationInputs: QuantizeOptions['calibrationInputs'];
  if (calibDir) {
    const s = await createSession(file, { optimizationLevel: 'disabled' });
    try {
      calibrationInputs = loadCalibrationInputs(calibDir, inputSpecs(s));
    } finally {
      await s.release();
    }
  }
  const opts: Omit<QuantizeOptions, 'mode'> = {
    perChannel: args.flags.has('per-channel'),
    reduceRange: args.flags.has('reduce-range'),
    quantizeOutputs: args.flags.has('quantize-outputs'),
    calibration: oneOf<CalibrationMethod>(args, 'calibrate', ['minmax', 'percentile', 'entropy']),
    percentile: optionValue(args, 'percentile') !== undefined ? Number(optionValue(args, 'percentile')) : undefined,
    calibrationInputs,
    calibrationSamples: intOption(args, 'calib-samples', 8),
    sensitiveWeightOnly: intOption(args, 'sensitive', 0, 0),
    activationType: oneOf<QuantType>(args, 'activation-type', ['uint8', 'int8']),
    weightType: oneOf<QuantType>(args, 'weight-type', ['int8', 'uint8']),
    blockSize: intOption(args, 'block-size', 32),
    symmetric: !args.flags.has('asymmetric'),
    includeOps: list(args, 'include-op'),
    excludeOps: list(args, 'exclude-op'),
    excludeNodes: regexes(args, 'exclude-node'),
    keepFirstLast: args.flags.has('keep-first-last'),
    keepFirst: args.flags.has('keep-first'),
    minWeightElements: intOption(args, 'min-weight', 0, 0),
    extraFp32Ops: list(args, 'keep-fp32-op'),
    dims: parseDims(args),
    inputShapes: shapesFromArgs(args),
    feedExtras: feedExtras(inputOptions(args)),
    runtime: runtimeFromArgs(args),
    signal,
  };
  return opts;
}

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
  // simplify → prune → quantize (each step sees the previous step's model).
  const front: OptimizeStep[] = [];
  const shapeOpts = { dims: parseDims(args), inputShapes: shapesFromArgs(args) };
  if (args.flags.has('simplify')) front.push(simplifyStep(shapeOpts));
  const pruneSpec = optionValue(args, 'prune');
  if (pruneSpec) {
    const [layers] = regexes(args, 'layers');
    try {
      front.push(pruneStep(pruneSpec, { ...shapeOpts, ...(layers ? { layers } : {}) }));
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  if (!mode && front.length === 0) throw new UsageError('missing --quantize MODE (or --simplify / --prune SPEC)');
  if (!mode) return { steps: front, mode };
  const base = await quantizeOptionsFromArgs(file, args, signal);
  // Dynamic int8 Conv (ConvInteger) runs slower than float on x86 and costs accuracy: left out unless asked.
  const excludeOps =
    mode === 'dynamic' && !base.includeOps?.includes('Conv') ? [...(base.excludeOps ?? []), 'Conv'] : base.excludeOps;
  return { steps: [...front, quantizeStep({ ...base, excludeOps, mode })], mode };
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
        'min-weight',
        'keep-fp32-op',
        'output',
        'prune',
        'layers',
        'min-cosine',
        'min-argmax',
        'html',
        'localize',
      ],
      aliases: { o: 'output' },
    });
    const [file, ...extra] = args.positionals;
    if (!file) throw new UsageError('missing MODEL');
    if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);
    const input = readModel(file);
    // Ctrl-C stops calibration, the pipeline or the comparison between runs; nothing is left half-written.
    const abort = new AbortController();
    const onSigint = (): void => abort.abort();
    process.once('SIGINT', onSigint);
    try {
      return await optimizeWith(input, args, io, abort.signal);
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
  },
};

/** `--min-cosine X` / `--min-argmax P` (percent or share) → the accuracy gate. */
export function gateFromArgs(args: ParsedArgs): AccuracyGate {
  const num = (key: string, fallback: number, percent: boolean): number => {
    const v = optionValue(args, key);
    if (v === undefined) return fallback;
    let x = Number(v);
    if (percent && x > 1) x /= 100;
    if (!Number.isFinite(x) || x < 0) throw new UsageError(`--${key} expects a number, got '${v}'`);
    return x;
  };
  return {
    minCosine: num('min-cosine', DEFAULT_GATE.minCosine, false),
    minArgmaxAgreement: num('min-argmax', DEFAULT_GATE.minArgmaxAgreement, true),
  };
}

async function optimizeWith(input: LoadedModel, args: ParsedArgs, io: CliIO, signal: AbortSignal): Promise<number> {
  if (!namesTransform(args)) return optimizeAuto(input, args, io, signal);
  const { steps, mode } = await buildOptimizeSteps(input.file, args, signal);
  const explicit = optionValue(args, 'output');
  const out = explicit
    ? path.resolve(explicit)
    : defaultOutputFile(input.file, mode ? OUTPUT_SUFFIX[mode] : '.optimized.onnx');
  if (out === input.file) throw new UsageError('the output must be a new file, not the input model');
  const result = await runPipeline(input.proto, steps, signal);
  if (result.model === input.proto) {
    // Every step left the model as it was (already quantized, unsupported opset ...): no copy is written.
    for (const s of result.steps) for (const c of s.changes) io.out(`${s.name}: ${c.detail}`);
    io.out('nothing changed; no file written');
    return 1;
  }
  if (args.flags.has('no-compare') && (args.flags.has('require-faster') || args.values.has('min-cosine')))
    throw new UsageError('--require-faster and --min-cosine need the comparison (drop --no-compare)');
  const written = writeModel(result.model, out, { sourceFile: input.file, overwrite: args.flags.has('force') });
  let report: CompareReport | undefined;
  try {
    report = args.flags.has('no-compare')
      ? undefined
      : await compare(input.file, out, {
          runtime: runtimeFromArgs(args),
          dims: parseDims(args),
          inputShapes: shapesFromArgs(args),
          ...feedExtras(inputOptions(args)),
          latencyRuns: intOption(args, 'runs', 20, 0),
          signal,
        });
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

export function printSteps(steps: PipelineResult['steps'], io: CliIO): void {
  for (const s of steps) {
    io.out(`${s.name}: ${summarizeChanges(s.changes)}`);
    for (const c of s.changes.filter((c) => c.kind === 'note')) io.out(`  note: ${c.detail}`);
    const skipped = s.changes.filter((c) => c.kind === 'skipped');
    if (skipped.length)
      io.out(
        `  skipped ${skipped.length}: ${skipped
          .slice(0, 5)
          .map((c) => `${c.node ?? c.tensor} (${c.detail})`)
          .join('; ')}${skipped.length > 5 ? ' ...' : ''}`,
      );
  }
}

function removeWritten(w: WriteResult): void {
  fs.rmSync(w.file, { force: true });
  if (w.dataFile) fs.rmSync(w.dataFile, { force: true });
}

/** `--html OUT`: the comparison page with the verdict and, with `--localize N`, the most divergent nodes. */
export async function writeHtml(
  args: ParsedArgs,
  a: string,
  b: string,
  report: CompareReport,
  verdict: Verdict | undefined,
  io: CliIO,
): Promise<void> {
  const html = optionValue(args, 'html');
  if (!html) return;
  const top = intOption(args, 'localize', 0, 0);
  // Localizing reads B from disk: the caller removes a refused model only after this.
  const localized = top > 0 && fs.existsSync(b) ? await localizeNodes(a, b, args, top) : undefined;
  writeFileAtomic(path.resolve(html), [
    Buffer.from(
      renderCompareHtml(report, { ...(verdict ? { verdict: verdict.line } : {}), ...(localized ? { localized } : {}) }),
    ),
  ]);
  io.err(`wrote ${html}`);
}
