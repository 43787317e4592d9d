/**
 * "Optimize Model…": a QuickPick wizard (presets with sensible defaults, or a custom list of steps), then the
 * transform in a job process under a cancellable progress notification. The result is a NEW file next to the
 * original (which is never touched), revealed in the explorer, and its comparison report opens beside it.
 * Cancelling ends the job process and removes anything it had started to write.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OptimizeConfig } from '../../engine/advise/adviceTypes';
import { AVAILABLE_STEPS } from '../jobs/availableSteps';
import { decideVerdict, DEFAULT_GATE, type Verdict } from '../../engine/verify/verdict';
import type {
  AutoOptimizeJobResult,
  ComparisonSummary,
  OptimizeParams,
  OptimizeResult,
  OptimizeStepName,
} from '../jobs/jobProtocol';
import { withCancellableProgress } from './cancellableJob';
import { optimizeAutomatically } from './optimizeAutoCommand';
import type { JobRunner } from '../jobs/jobRunner';
import { log } from '../log';
import { optimizedFileName, outputSuffix } from '../../engine/transform/outputName';
import { modelSettings } from '../inputs/modelInputs';
import { showComparison } from '../views/comparisonPanel';
import { iterationRow, iterations, recordIteration } from './tuningLoop';
import type { Candidate } from '../../engine/optimize/candidates';

/** Options for running without the wizard (code actions, suggestions, tests). */
export interface OptimizeOptions {
  readonly steps?: readonly OptimizeStepName[];
  /** The automatic choice (optimizeAutoCommand.ts) instead of named steps. */
  readonly automatic?: boolean;
  readonly showReport?: boolean;
  /** An advice suggestion's pre-filled configuration, applied after `steps`. */
  readonly config?: OptimizeConfig;
  /** What is being applied (a suggestion's title): the result's message names it beside the verdict. */
  readonly label?: string;
  /** Nodes the quantize steps keep float ("Re-quantize" passes the model's exclusion list; issue 18). */
  readonly keepFloat?: readonly string[];
  /** Nodes the quantize steps run in float16 instead ("Keep in fp16"). */
  readonly keepFp16?: readonly string[];
  /** An automatic optimize's kept candidate, rerun (its recipe) instead of `steps` (Re-quantize after Automatic). */
  readonly candidate?: Candidate;
}

const STEP_LABELS: Record<OptimizeStepName, { label: string; detail: string }> = {
  simplify: { label: 'Simplify', detail: 'Fold constants, remove no-ops and dead code, fuse Conv+BatchNorm' },
  'quantize-dynamic': {
    label: 'Quantize: dynamic int8',
    detail: 'MatMul/Gemm/Conv/Gather weights to int8; activations quantized at run time. ~4× smaller.',
  },
  prune: {
    label: 'Prune 30% of channels',
    detail: 'Structured: removes the weakest Conv channels / hidden units (smaller and faster; accuracy drops)',
  },
  fp16: { label: 'Convert to float16', detail: 'Half-precision weights and activations. ~2× smaller.' },
};

interface Preset extends vscode.QuickPickItem {
  readonly steps?: readonly OptimizeStepName[];
  readonly automatic?: boolean;
  /** A preset the steps cannot say (quantizer options): run as a configuration, as a suggestion is. */
  readonly config?: OptimizeConfig;
}

function suffixFor(steps: readonly OptimizeStepName[]): string {
  const quantize = steps.includes('quantize-dynamic') ? 'dynamic' : steps.includes('fp16') ? 'fp16' : undefined;
  return outputSuffix({ ...(quantize ? { quantize } : {}), prune: steps.includes('prune') });
}

const AUTOMATIC = 'automatic';

async function pickSteps(): Promise<readonly OptimizeStepName[] | OptimizeConfig | typeof AUTOMATIC | undefined> {
  const has = (s: OptimizeStepName): boolean => AVAILABLE_STEPS.includes(s);
  const presets = (
    [
      {
        label: 'Automatic',
        description: 'recommended',
        detail:
          'Try what fits this model (int8, float16, int4, simplify), measure each against the original, keep the best that stays accurate',
        automatic: true,
      },
      {
        label: 'Dynamic int8 quantization',
        detail: STEP_LABELS['quantize-dynamic'].detail,
        steps: ['quantize-dynamic'],
      },
      {
        label: 'Dynamic int8, Conv included',
        detail:
          'Conv layers too (ConvInteger): ~4× smaller, but usually slower on x86 and less exact; tune with Keep in float',
        config: { quantize: { mode: 'dynamic', includeOps: ['MatMul', 'Gemm', 'Conv', 'Gather'] } },
      },
      {
        label: 'Simplify, then dynamic int8',
        detail: 'Clean the graph first, then quantize',
        steps: ['simplify', 'quantize-dynamic'],
      },
      { label: 'Simplify only', detail: STEP_LABELS.simplify.detail, steps: ['simplify'] },
      { label: 'Float16', detail: STEP_LABELS.fp16.detail, steps: ['fp16'] },
      { label: 'Custom…', detail: 'Choose the steps' },
    ] satisfies Preset[] as Preset[]
  ).filter((p) => !p.steps || p.steps.every(has));
  const preset = await vscode.window.showQuickPick(presets, {
    title: 'Optimize Model (1/2): what to do',
    placeHolder: 'The result is written to a new file; the original is not changed',
    matchOnDetail: true,
    ignoreFocusOut: true,
  });
  if (!preset) return undefined;
  if (preset.automatic) return AUTOMATIC;
  if (preset.steps) return preset.steps;
  if (preset.config) return preset.config;
  const custom = await vscode.window.showQuickPick(
    AVAILABLE_STEPS.map((s) => ({ ...STEP_LABELS[s], step: s, picked: s === 'simplify' || s === 'quantize-dynamic' })),
    { title: 'Optimize Model (2/2): steps, applied in this order', canPickMany: true, ignoreFocusOut: true },
  );
  return custom?.length ? custom.map((c) => c.step) : undefined;
}

/** Removes what a cancelled or failed write may have left: writeModel's temp files, and the output if it landed. */
function cleanUp(outFile: string): void {
  const dir = path.dirname(outFile);
  const base = path.basename(outFile);
  for (const f of fs.readdirSync(dir))
    if (f.startsWith(`.${base}.`) && f.endsWith('.tmp')) fs.rmSync(path.join(dir, f), { force: true });
  fs.rmSync(outFile, { force: true });
  fs.rmSync(`${outFile}.data`, { force: true });
}

export async function optimizeModel(
  uri: vscode.Uri,
  jobs: JobRunner,
  extensionUri: vscode.Uri,
  options?: OptimizeOptions,
): Promise<OptimizeResult | AutoOptimizeJobResult | undefined> {
  const chosen = options?.automatic
    ? AUTOMATIC
    : (options?.steps ?? (options?.config || options?.candidate ? [] : await pickSteps()));
  if (!chosen) return undefined;
  if (chosen === AUTOMATIC) return optimizeAutomatically(uri, jobs, extensionUri, options?.showReport !== false);
  const steps = Array.isArray(chosen) ? chosen : [];
  const s = await modelSettings(uri);
  const config = Array.isArray(chosen) ? options?.config : (chosen as OptimizeConfig);
  const candidate = options?.candidate;
  const quantize = candidate?.quantize ?? config?.quantize?.mode;
  const suffix = quantize ? outputSuffix({ quantize }) : suffixFor(steps);
  const outFile = optimizedFileName(uri.fsPath, s.outputNaming, suffix, fs.existsSync);
  const what = candidate ? `the automatic choice '${candidate.name}'` : steps.join(' → ');
  log().info(`optimize ${uri.fsPath} → ${outFile}: ${what}${config ? ` ${JSON.stringify(config)}` : ''}`);
  const keepFloat = options?.keepFloat ?? [];
  const keepFp16 = options?.keepFp16 ?? [];
  const params: OptimizeParams = {
    file: uri.fsPath,
    outFile,
    steps,
    ...(config ? { config } : {}),
    ...(keepFloat.length ? { keepFloat } : {}),
    ...(keepFp16.length ? { keepFp16 } : {}),
    ...(candidate ? { candidate } : {}),
    runtime: s.runtime,
    pruneRatio: 0.3,
    compareRuns: Math.min(s.runs, 20),
  };
  const result = await withCancellableProgress(`Optimizing ${path.basename(uri.fsPath)}`, async (callbacks) => {
    try {
      return await jobs.run('optimize', params, callbacks);
    } catch (e) {
      cleanUp(outFile); // whatever the failure, no half-written output stays
      throw e;
    }
  });
  if (!result) return undefined;
  for (const st of result.steps) log().info(`  ${st.name}: ${st.summary}`);
  if (!result.outFile) {
    // Not an error: nothing of the kind asked for was found (an fp16 model for int8, an already-quantized one).
    const why = result.steps.map((st) => `${st.name}: ${st.summary}`).join('; ');
    void vscode.window.showWarningMessage(`${path.basename(uri.fsPath)}: nothing changed, no file written (${why}).`);
    return result;
  }
  const out = vscode.Uri.file(result.outFile);
  void vscode.commands.executeCommand('revealInExplorer', out);
  // Every measured optimize is a row of the model's iteration table; the table shows once there are two.
  if (result.comparison)
    recordIteration(uri.fsPath, { params, outFile: result.outFile, comparison: result.comparison });
  const rows = iterations(uri.fsPath).map(iterationRow);
  if (options?.showReport !== false && result.comparison)
    showComparison(extensionUri, result.comparison, result.steps, rows.length > 1 ? rows : []);
  const verdict = result.comparison ? comparisonVerdict(result.comparison) : undefined;
  const message = `${options?.label ? `${options.label}: ` : ''}${verdict ? `${verdict.line}. ` : 'not measured (see the log). '}Wrote ${path.basename(result.outFile)}.`;
  log().info(`optimize ${path.basename(uri.fsPath)}: ${message}`);
  // A model the user asked for is written even when worse, but the toast warns rather than informs.
  if (verdict && !verdict.better) void vscode.window.showWarningMessage(message);
  else void vscode.window.showInformationMessage(message);
  return result;
}

/** The verdict line ("2.4× faster, 0.26× size, min cosine 0.9991 — kept") for the job's comparison. */
export function comparisonVerdict(c: ComparisonSummary): Verdict {
  return decideVerdict(
    {
      ...(c.latency ? { latencyRatio: c.latency.ratio } : {}),
      sizeRatio: c.sizeB / c.sizeA,
      outputs: c.outputs,
    },
    { gate: DEFAULT_GATE, explicit: true },
  );
}
