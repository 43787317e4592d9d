/**
 * What `optimize` and its automatic mode (optimizeAuto.ts) share: option parsing for the quantizer and the
 * accuracy gate, output naming, step summaries and the HTML report. Apart from optimize.ts so the two
 * commands' files do not import each other.
 */
import { DEFAULT_OUTPUT_TEMPLATE, optimizedFileName } from '../../engine/transform/outputName';
import * as fs from 'node:fs';
import { writeOutputFile } from '../../engine/onnx/safeOutput';
import type { WriteResult } from '../../engine/onnx/writeModel';
import { summarizeChanges } from '../../engine/transform/common/changes';
import type { PipelineResult } from '../../engine/transform/common/pipeline';
import type { CalibrationMethod } from '../../engine/transform/quantize/calibrate';
import { loadCalibrationInputs } from '../../engine/transform/quantize/calibInputs';
import type { QuantizeOptions } from '../../engine/transform/quantize/quantize';
import type { QuantType } from '../../engine/transform/quantize/quantMath';
import type { CompareReport } from '../../engine/verify/compare';
import { renderCompareHtml } from '../../engine/report/compareRender';
import { createSession } from '../../engine/verify/modelSource';
import { DEFAULT_GATE, type AccuracyGate, type Verdict } from '../../engine/verify/verdict';
import { inputSpecs } from '../../engine/runtime/modelInputs';
import { intOption, optionValue, parseDims, UsageError, type ParsedArgs } from '../args';
import { feedExtras, inputOptions } from '../inputOptions';
import type { CliIO } from '../io';
import { runtimeFromArgs, shapesFromArgs } from '../runtimeOptions';
import { localizeNodes } from './compare';
import { exactName, readExclusionFile } from '../../engine/optimize/exclusionFile';

export const list = (args: ParsedArgs, key: string): string[] =>
  (args.values.get(key) ?? [])
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter(Boolean);

export function oneOf<T extends string>(args: ParsedArgs, key: string, allowed: readonly T[]): T | undefined {
  const v = optionValue(args, key);
  if (v !== undefined && !allowed.includes(v as T))
    throw new UsageError(`--${key} must be one of ${allowed.join(', ')}`);
  return v as T | undefined;
}

/** MODEL.SUFFIX.onnx next to the input, numbered when taken: the scheme the extension follows too. */
export function defaultOutputFile(input: string, suffix: string): string {
  return optimizedFileName(input, DEFAULT_OUTPUT_TEMPLATE, suffix, fs.existsSync);
}

export function regexes(args: ParsedArgs, key: string): RegExp[] {
  return (args.values.get(key) ?? []).map((r) => {
    try {
      return new RegExp(r);
    } catch (e) {
      throw new UsageError(`--${key}: invalid regular expression '${r}': ${(e as Error).message}`);
    }
  });
}

/**
 * `--exclude-from FILE` (repeatable) and `--keep-fp16 NODE` (repeatable, exact names): the nodes kept float
 * (as anchored RegExps) and those run in float16. A node asked for in float16 anywhere is not also kept float.
 */
function exclusionsFrom(args: ParsedArgs): { keepFloat: RegExp[]; keepFp16: string[] } {
  const lists = (args.values.get('exclude-from') ?? []).map((f) => {
    try {
      return readExclusionFile(f);
    } catch (e) {
      throw new UsageError(`--exclude-from ${(e as Error).message}`, { cause: e });
    }
  });
  const keepFp16 = [...new Set([...(args.values.get('keep-fp16') ?? []), ...lists.flatMap((l) => l.keepFp16)])];
  const keepFloat = lists.flatMap((l) => l.keepFloat).filter((n) => !keepFp16.includes(n));
  return { keepFloat: keepFloat.map(exactName), keepFp16 };
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
  const exclusions = exclusionsFrom(args);
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
    excludeNodes: [...regexes(args, 'exclude-node'), ...exclusions.keepFloat],
    keepFp16Nodes: exclusions.keepFp16,
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

export function printSteps(steps: PipelineResult['steps'], io: CliIO): void {
  for (const s of steps) {
    io.out(`${s.name}: ${summarizeChanges(s.changes)}`);
    // A rewrite undone because it changed the outputs is a warning: the user must hear about it.
    for (const c of s.changes.filter((c) => c.kind === 'undone')) io.err(`  warning: ${c.detail}`);
    for (const c of s.changes.filter((c) => c.kind === 'note' || c.kind === 'fallback')) io.out(`  note: ${c.detail}`);
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

export function removeWritten(w: WriteResult): void {
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
  writeOutputFile(
    html,
    [
      Buffer.from(
        renderCompareHtml(report, {
          ...(verdict ? { verdict: verdict.line } : {}),
          ...(localized ? { localized } : {}),
        }),
      ),
    ],
    { overwrite: args.flags.has('force'), inputs: [a, b] },
  );
  io.err(`wrote ${html}`);
}
