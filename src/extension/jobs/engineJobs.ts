/**
 * What each job kind does, in terms of engine calls. This is the only file of the extension that calls into
 * src/engine for heavy work; it runs inside a job process (jobProcess.ts), never on the extension host thread.
 */
import { optimizeSteps, type OptimizeChoice } from '../../engine/optimize/optimizeSteps';
import { runPipeline } from '../../engine/transform/common/pipeline';
import type { QuantizeOptions } from '../../engine/transform/quantize/quantize';
import { autoOptimize, candidateSteps } from '../../engine/optimize/autoOptimize';
import { autoVerdictLines } from '../../engine/report/autoOptimizeText';
import { optimizedFileName, outputSuffix } from '../../engine/transform/outputName';
import { DEFAULT_GATE } from '../../engine/verify/verdict';
import { summarizeInputPlan } from '../../engine/graph/inputPlan';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CancelledError, throwIfCancelled } from '../../engine/cancel';
import { stepsFromConfig } from '../../engine/advise/actions';
import type { OptimizeConfig } from '../../engine/advise/adviceTypes';
import { defaultCalibrationFile, loadCalibration } from '../../engine/advise/calibration';
import { advise } from '../../engine/advise/advise';
import { sweep } from '../../engine/sweep/sweep';
import { readModel } from '../../engine/onnx/readModel';
import { asLoaded, writeModel } from '../../engine/onnx/writeModel';
import { buildInspectReport } from '../../engine/report/inspectReport';
import { renderInspectText } from '../../engine/report/inspectText';
import { describeStep } from '../../engine/transform/common/changes';
import { compare, type CompareReport } from '../../engine/verify/compare';
import { buildGraphView } from '../../engine/graph/graphView';
import { formatShape, inputSignatures } from '../../engine/graph/fitInputShapes';
import { buildGraphDiffView } from '../../engine/graph/diffGraphView';
import { localizeFiles } from '../../engine/verify/localizeFiles';
import { errorOverlay } from './errorOverlay';
import { exactName } from '../../engine/optimize/exclusionFile';
import { searchExclusions } from '../../engine/optimize/exclusionSearch';
import type {
  AutoOptimizeJobResult,
  AutoOptimizeParams,
  ComparisonSummary,
  ExclusionSearchJobResult,
  ExclusionSearchParams,
  JobKinds,
  JobRequest,
  OptimizeParams,
  OptimizeResult,
  SweepParams,
} from './jobProtocol';

export type Progress = (message: string, fraction?: number) => void;

export function summarizeComparison(r: CompareReport): ComparisonSummary {
  return {
    a: r.a,
    b: r.b,
    sizeA: r.size.a,
    sizeB: r.size.b,
    nodesA: r.nodes.a,
    nodesB: r.nodes.b,
    latency: r.latency ? { aMs: r.latency.aMedianMs, bMs: r.latency.bMedianMs, ratio: r.latency.ratio } : null,
    outputs: r.outputs.map((o) => ({ name: o.name, maxAbsError: o.maxAbs, cosine: o.cosine })),
    notes: [
      ...(r.unmatchedOutputs.length ? [`outputs in only one model: ${r.unmatchedOutputs.join(', ')}`] : []),
      // Which shapes the comparison ran at, as every report says (the Layer Costs header, the exports).
      ...(r.inputPlan?.inputShapes && Object.keys(r.inputPlan.inputShapes).length
        ? [
            `input shapes: ${Object.entries(r.inputPlan.inputShapes)
              .map(([name, dims]) => `${name} ${formatShape(dims)}`)
              .join('; ')}`,
          ]
        : []),
      ...(r.inputPlan ? [summarizeInputPlan(r.inputPlan)] : []),
    ],
  };
}

/** The extension's presets as the engine's optimize choice (the CLI builds the same from its flags). */
function choiceOf(p: OptimizeParams): OptimizeChoice {
  const quantize: QuantizeOptions[] = [];
  // The exclusion list holds exact names (a node called `conv.1` must not also match `conv11`).
  const excluded = {
    ...(p.keepFloat?.length ? { excludeNodes: p.keepFloat.map(exactName) } : {}),
    ...(p.keepFp16?.length ? { keepFp16Nodes: p.keepFp16, runtime: p.runtime } : {}),
  };
  for (const s of p.steps)
    if (s === 'quantize-dynamic') quantize.push({ mode: 'dynamic', ...excluded });
    else if (s === 'fp16') quantize.push({ mode: 'fp16', ...excluded, keepFp16Nodes: [] });
  return {
    simplify: p.steps.includes('simplify'),
    // Structured: whole channels go, so the model gets faster, not just more compressible.
    ...(p.steps.includes('prune') ? { prune: { spec: `structured:${p.pruneRatio}` } } : {}),
    quantize,
  };
}

/** What the automatic choice's candidate quantizes with when rerun: the job's shapes and runtime, plus the lists. */
function candidateBase(p: OptimizeParams): Omit<QuantizeOptions, 'mode'> {
  return {
    dims: p.runtime.dims,
    inputShapes: p.runtime.inputShapes,
    runtime: p.runtime,
    ...(p.keepFloat?.length ? { excludeNodes: p.keepFloat.map(exactName) } : {}),
    ...(p.keepFp16?.length ? { keepFp16Nodes: p.keepFp16 } : {}),
  };
}

/** The suggestion's configuration with the model's exclusion list added to what its quantizer keeps float. */
function withKeepFloat(config: OptimizeConfig, p: OptimizeParams): OptimizeConfig {
  const q = config.quantize;
  if (!q || !(p.keepFloat?.length || p.keepFp16?.length)) return config;
  return {
    ...config,
    quantize: {
      ...q,
      excludeNodeNames: [...(q.excludeNodeNames ?? []), ...(p.keepFloat ?? [])],
      ...(p.keepFp16?.length ? { keepFp16Nodes: p.keepFp16 } : {}),
    },
  };
}

async function optimize(p: OptimizeParams, progress: Progress, signal?: AbortSignal): Promise<OptimizeResult> {
  progress(`Reading ${path.basename(p.file)}`, 0);
  const input = readModel(p.file); // parsed once: the pipeline and the comparison both use it
  const shapes = { dims: p.runtime.dims, inputShapes: p.runtime.inputShapes };
  const pipeline = [
    ...(p.candidate
      ? candidateSteps(p.candidate, candidateBase(p))
      : optimizeSteps({ ...choiceOf(p), target: { executionProvider: p.runtime.executionProvider } }, shapes)),
    // A suggestion's own configuration (e.g. static per-channel QDQ for the Conv layers only).
    ...(p.config
      ? stepsFromConfig(withKeepFloat(p.config, p), { inputShapes: p.runtime.inputShapes, runtime: p.runtime })
      : []),
  ];
  const total = pipeline.length + 3;
  const result = await runPipeline(input.proto, pipeline, signal, (name, k) =>
    progress(`Applying ${name}`, (k + 1) / total),
  );
  const steps = result.steps.map((s) => ({ name: s.name, summary: describeStep(s.changes) }));
  // Every step left the model as it was (already quantized, nothing of that kind ...): no copy is written.
  if (result.model === input.proto) return { outFile: null, bytes: 0, steps, comparison: null };
  const model = result.model;
  progress(`Writing ${path.basename(p.outFile)}`, (total - 2) / total);
  throwIfCancelled(signal, 'optimize');
  // writeModel writes a temporary file and renames it; it refuses to overwrite (the caller picked a free name).
  const written = writeModel(model, p.outFile, { sourceFile: p.file });
  progress('Comparing outputs and latency', (total - 1) / total);
  let comparison: ComparisonSummary | null = null;
  try {
    comparison = summarizeComparison(
      await compare(input, asLoaded(written, model), {
        runtime: p.runtime,
        dims: p.runtime.dims,
        inputShapes: p.runtime.inputShapes,
        latencyRuns: p.compareRuns,
        signal,
      }),
    );
  } catch (e) {
    if (e instanceof CancelledError) {
      // Cancelled while comparing: the user asked for nothing to be left behind.
      for (const f of [written.file, written.dataFile]) if (f) fs.rmSync(f, { force: true });
      throw e;
    }
    // The file is written and valid ONNX; a comparison failure (e.g. an input that cannot be synthesised) is
    // reported with the result rather than losing it.
    steps.push({ name: 'compare', summary: `not compared: ${(e as Error).message}` });
  }
  return { outFile: written.file, bytes: written.bytes + (written.dataBytes ?? 0), steps, comparison };
}

/** The automatic choice, as the CLI makes it: every candidate measured, the best kept or nothing written. */
async function optimizeAutomatically(
  p: AutoOptimizeParams,
  progress: Progress,
  signal?: AbortSignal,
): Promise<AutoOptimizeJobResult> {
  progress(`Reading ${path.basename(p.file)}`, 0);
  const input = readModel(p.file);
  const shapes = { dims: p.runtime.dims, inputShapes: p.runtime.inputShapes };
  const result = await autoOptimize(input.file, input.proto, {
    gate: DEFAULT_GATE,
    quantize: { ...shapes, runtime: p.runtime },
    runtime: p.runtime,
    ...shapes,
    latencyRuns: p.compareRuns,
    ...(signal ? { signal } : {}),
    onCandidate: (c, k, n) => progress(`Measuring ${c.name} (${k + 1} of ${n})`, k / (n + 1)),
  });
  const verdictLines = autoVerdictLines(result, DEFAULT_GATE);
  const best = result.best === undefined ? undefined : result.results[result.best];
  if (!best?.pipeline || !best.report)
    return { outFile: null, verdictLines, steps: [], comparison: null, candidate: null };
  throwIfCancelled(signal, 'optimize');
  const q = best.candidate.quantize;
  const outFile = optimizedFileName(p.file, p.outputNaming, outputSuffix(q ? { quantize: q } : {}), fs.existsSync);
  progress(`Writing ${path.basename(outFile)}`, 1);
  const written = writeModel(best.pipeline.model, outFile, { sourceFile: p.file });
  return {
    outFile: written.file,
    verdictLines,
    steps: best.pipeline.steps.map((s) => ({ name: s.name, summary: describeStep(s.changes) })),
    // The candidate was measured in memory, before it had a file name: label it with the file it became.
    comparison: summarizeComparison({ ...best.report, b: written.file }),
    candidate: best.candidate,
  };
}

/** The greedy search for the fewest nodes to keep float; every round measured, the first that reaches written. */
async function findExclusions(
  p: ExclusionSearchParams,
  progress: Progress,
  signal?: AbortSignal,
): Promise<ExclusionSearchJobResult> {
  progress(`Reading ${path.basename(p.file)}`, 0);
  const input = readModel(p.file);
  const shapes = { dims: p.runtime.dims, inputShapes: p.runtime.inputShapes };
  const result = await searchExclusions(input, input.proto, {
    // As the Optimize preset (optimizeSteps.ts): dynamic int8 leaves Conv float, so round 1 is that preset.
    quantize: { mode: p.mode, excludeOps: ['Conv'], ...shapes },
    targetCosine: p.targetCosine,
    maxExclusions: p.maxExclusions,
    compare: { runtime: p.runtime, ...shapes, latencyRuns: p.compareRuns, ...(signal ? { signal } : {}) },
    ...(signal ? { signal } : {}),
    // A round keeps one more node float: the bar moves by rounds out of the most the search may take.
    onIteration: (it, round) =>
      progress(
        `Round ${round}: ${it.excluded.length} kept float, min cosine ${it.minCosine.toFixed(4)}`,
        Math.min(1, (it.excluded.length + 1) / (p.maxExclusions + 1)),
      ),
  });
  const reached = result.reached === undefined ? undefined : result.iterations[result.reached];
  throwIfCancelled(signal, 'exclusion search');
  const written = reached ? writeModel(reached.pipeline.model, p.outFile, { sourceFile: p.file }) : undefined;
  return {
    iterations: result.iterations.map((it, i) => ({
      keepFloat: it.excluded,
      // Rounds other than the written one were measured in memory: they are labelled by the search, not a file.
      comparison: summarizeComparison({ ...it.report, b: i === result.reached && written ? written.file : '' }),
    })),
    reached: result.reached ?? null,
    outFile: written?.file ?? null,
  };
}

/** Runs one job; `signal` stops it at the engine's next check between runs (CancelledError). */
export async function runEngineJob(request: JobRequest, progress: Progress, signal?: AbortSignal): Promise<unknown> {
  switch (request.kind) {
    case 'graph': {
      const p = request.params as JobKinds['graph']['params'];
      return buildGraphView(readModel(p.file), { dims: p.dims, inputShapes: p.inputShapes });
    }
    case 'graphDiff': {
      const p = request.params as JobKinds['graphDiff']['params'];
      return buildGraphDiffView(readModel(p.a), readModel(p.b), p.dims);
    }
    case 'summary': {
      const p = request.params as JobKinds['summary']['params'];
      return {
        text: renderInspectText(buildInspectReport(readModel(p.file), { dims: p.dims, inputShapes: p.inputShapes })),
      };
    }
    case 'inputs': {
      const p = request.params as JobKinds['inputs']['params'];
      return inputSignatures(readModel(p.file).proto.graph ?? {});
    }
    case 'optimize':
      return optimize(request.params as OptimizeParams, progress, signal);
    case 'optimizeAuto':
      return optimizeAutomatically(request.params as AutoOptimizeParams, progress, signal);
    case 'compare': {
      const p = request.params as JobKinds['compare']['params'];
      progress('Comparing outputs and latency');
      return summarizeComparison(
        await compare(p.a, p.b, {
          runtime: p.runtime,
          dims: p.runtime.dims,
          inputShapes: p.runtime.inputShapes,
          latencyRuns: p.runs,
          signal,
        }),
      );
    }
    case 'nodeErrors': {
      const p = request.params as JobKinds['nodeErrors']['params'];
      progress('Measuring the error of each node');
      const errors = await localizeFiles(p.a, p.b, {
        runtime: p.runtime,
        dims: p.runtime.dims,
        inputShapes: p.runtime.inputShapes,
      });
      throwIfCancelled(signal, 'nodeErrors');
      return errorOverlay(p.a, p.b, errors);
    }
    case 'exclusionSearch':
      return findExclusions(request.params as ExclusionSearchParams, progress, signal);
    case 'advise': {
      const p = request.params as JobKinds['advise']['params'];
      progress('Looking for optimizations');
      const loaded = readModel(p.file);
      const result = await advise(loaded.proto, {
        modelBytes: loaded.fileBytes + loaded.externalBytes,
        dims: p.runtime.dims,
        inputShapes: p.runtime.inputShapes,
        runtime: p.runtime,
        // What ORT fuses and the per-layer int8 error: a few seconds on small models; no trial runs.
        runtimeChecks: true,
        signal,
        // Estimates shifted by what `advise --trial` measured on this CPU (read only here).
        calibration: loadCalibration(defaultCalibrationFile()),
        ...(p.profile ? { profile: p.profile } : {}),
      });
      return result.suggestions;
    }
    case 'sweep': {
      const { file, ...options } = request.params as SweepParams;
      return sweep(file, { ...options, onProgress: (m) => progress(m), signal });
    }
    case 'profile':
      throw new Error('profile runs in the runtime process, not in a job process');
  }
}
