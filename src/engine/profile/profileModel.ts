/**
 * The profile job, run inside the runtime process: run the model in a profiled session and, alternately, in a
 * plain one (no profiler) with the same settings and inputs — warm-up runs, then the measured runs with the
 * process's peak RSS watched around them — then read ORT's trace and join it to the file's graph.
 */
import { assessProfileTrust } from './profileTrust';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { costModel } from '../graph/costModel';
import { distributions, planInputs } from '../graph/inputPlan';
import { inferShapes } from '../graph/shapeInference';
import { readModel, type LoadedModel } from '../onnx/readModel';
import type { ProfileReport } from '../report/profileReport';
import { REPORT_SCHEMA_VERSION } from '../report/schemaVersion';
import { checkExecutionProvider, explainProviderFailure } from '../runtime/executionProviders';
import { resolveFeeds, type FeedSource, type ResolvedFeeds } from '../runtime/feedSource';
import { inputSpecs } from '../runtime/modelInputs';
import { explainRunError } from '../runtime/runErrors';
import { startPeakMemoryWindow } from '../runtime/processMemory';
import type { ProgressInfo } from '../runtime/protocol';
import { toSessionOptions, type OptimizationLevel, type RuntimeSettings } from '../runtime/sessionOptions';
import { aggregateKernelTimes, type NodeCostLookup } from './aggregateKernelTimes';
import { ModelNodes } from './nodeMatch';
import type { ProfileRequest } from './profileTypes';
import { latencyStats } from './stats';
import { measuredRunsFromFile } from './traceParse';

/** What a job sees of its host: progress reports and a cancellation check (throws when cancelled). */
export interface JobControl {
  progress(p: ProgressInfo): void;
  throwIfCancelled(): void;
}

export const DEFAULT_PROFILE_LEVEL: OptimizationLevel = 'basic';

const LEVEL_NOTES: Record<OptimizationLevel, string> = {
  disabled:
    "optimization level 'disabled': every row is a node of the file as written; ORT ran it unoptimized, so times are above deployment's",
  basic:
    "optimization level 'basic': rows are the file's nodes (after constant folding); the few nodes ORT fused at this level are marked 'fused' with the file nodes they cover",
  extended:
    "optimization level 'extended': ORT fused nodes (e.g. FusedConv); fused rows list the file nodes they cover, read from the optimized model ORT saved",
  all: "optimization level 'all' (as deployed): ORT fused nodes and changed layouts (NCHWc); fused rows list the file nodes they cover, read from the optimized model ORT saved",
};

async function createSession(model: string, settings: RuntimeSettings): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(model, toSessionOptions(settings));
  } catch (e) {
    throw explainProviderFailure(settings.executionProvider ?? 'cpu', e);
  }
}

/** Static per-node costs with the run's input shapes; undefined if shape inference cannot handle the model. */
function staticCosts(loaded: LoadedModel, fed: ResolvedFeeds): NodeCostLookup | undefined {
  try {
    // The shapes actually fed (planned, given, or read from the user's file), so costs match the run.
    const inputShapes = Object.fromEntries(Object.entries(fed.feeds).map(([name, t]) => [name, [...t.dims]]));
    const cost = costModel(inferShapes(loaded.proto, { inputShapes }));
    const byKey = new Map(cost.nodes.map((n) => [`${n.graphPath}|${n.name}`, n]));
    return (graphPath, name) => byKey.get(`${graphPath}|${name}`);
  } catch {
    return undefined;
  }
}

/** Wall-clock milliseconds of one run. */
async function timedRun(session: ort.InferenceSession, feeds: ResolvedFeeds, model: string): Promise<number> {
  const t0 = performance.now();
  try {
    await session.run(feeds.feeds);
  } catch (e) {
    throw explainRunError(e, feeds.feeds, model);
  }
  return performance.now() - t0;
}

export async function profileModel(req: ProfileRequest, ctl: JobControl): Promise<ProfileReport> {
  const level = req.settings.optimizationLevel ?? DEFAULT_PROFILE_LEVEL;
  const settings: RuntimeSettings = {
    ...req.settings,
    optimizationLevel: level,
    dims: req.feeds.dims ?? req.settings.dims,
  };
  checkExecutionProvider(settings.executionProvider ?? 'cpu');
  const loaded = readModel(req.model);
  // Representative dims and graph-valid values for whatever the user did not give (never silently 1s).
  const plan = planInputs(loaded.proto, {
    dims: req.feeds.dims,
    inputShapes: req.feeds.shapes,
    values: { ...(req.feeds.values ?? {}), ...(req.feeds.valueRanges ?? {}) },
  });
  const feedSource: FeedSource = {
    ...req.feeds,
    dims: plan.dims,
    shapes: { ...plan.inputShapes, ...(req.feeds.shapes ?? {}) },
    distributions: { ...distributions(plan), ...(req.feeds.distributions ?? {}) },
  };
  const fileNodes = new ModelNodes(loaded.proto);
  const doPlain = req.plain ?? true;
  // Counted in rounds (one run of each session) and per phase, so "warming up 2/5" covers exactly the
  // --warmup rounds and "measuring 12/1000" reads against the runs asked for (it said /2006 for 1000 runs).
  let done = 0;
  const step = (phase: 'warming up' | 'measuring', total: number): void => {
    ctl.progress({ phase, done: ++done, total });
  };

  const optimizedFile = level === 'disabled' ? undefined : path.join(req.workDir, 'optimized.onnx');
  const profiled = await createSession(req.model, {
    ...settings,
    profileFilePrefix: path.join(req.workDir, 'trace'),
    ...(optimizedFile ? { optimizedModelFilePath: optimizedFile } : {}),
  });
  let plain: ort.InferenceSession | undefined;
  const plainMs: number[] = [];
  const profiledMs: number[] = [];
  let feeds: ResolvedFeeds;
  let memory: ReturnType<ReturnType<typeof startPeakMemoryWindow>['finish']>;
  try {
    plain = doPlain ? await createSession(req.model, settings) : undefined;
    feeds = resolveFeeds(inputSpecs(profiled), feedSource);
    const plainFeeds = plain ? resolveFeeds(inputSpecs(plain), feedSource) : feeds;
    // The two sessions run alternately (plain, profiled, then profiled, plain, ...), so drift on a shared
    // machine hits both alike and the overhead ratio compares like with like.
    const round = async (i: number, measured: boolean): Promise<void> => {
      const order = i % 2 === 0 ? (['plain', 'profiled'] as const) : (['profiled', 'plain'] as const);
      for (const which of order) {
        if (which === 'plain' && !plain) continue;
        const ms =
          which === 'plain'
            ? await timedRun(plain!, plainFeeds, req.model)
            : await timedRun(profiled, feeds, req.model);
        if (measured) (which === 'plain' ? plainMs : profiledMs).push(ms);
        ctl.throwIfCancelled();
      }
      if (measured) step('measuring', req.runs);
      else step('warming up', req.warmup);
    };
    ctl.progress(
      req.warmup
        ? { phase: 'warming up', done: 0, total: req.warmup }
        : { phase: 'measuring', done: 0, total: req.runs },
    );
    for (let i = 0; i < req.warmup; i++) await round(i, false);
    done = 0;
    const window = startPeakMemoryWindow();
    for (let i = 0; i < req.runs; i++) await round(i, true);
    memory = window.finish();
    profiled.endProfiling();
  } finally {
    await plain?.release();
    await profiled.release();
  }

  const traceName = fs.readdirSync(req.workDir).find((f) => f.startsWith('trace') && f.endsWith('.json'));
  if (!traceName) throw new Error(`onnxruntime wrote no profile trace into ${req.workDir}`);
  const runs = measuredRunsFromFile(path.join(req.workDir, traceName), req.warmup);
  let optimizedNodes: ModelNodes | undefined;
  if (optimizedFile && fs.existsSync(optimizedFile)) {
    try {
      optimizedNodes = new ModelNodes(readModel(optimizedFile).proto);
    } catch {
      // Without the optimized model, fused nodes are matched by name prefix only ('inserted').
    }
  }
  const agg = aggregateKernelTimes(runs, fileNodes, optimizedNodes, staticCosts(loaded, feeds));
  const plainStats = doPlain ? latencyStats(plainMs) : null;
  const profiledStats = latencyStats(profiledMs);
  const profilerOverhead = plainStats ? profiledStats.p50 / plainStats.p50 : null;
  const coverage = agg.modelRunMs > 0 ? agg.nodeMs / agg.modelRunMs : 0;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    kind: 'profile',
    file: req.model,
    createdAt: new Date().toISOString(),
    settings: {
      executionProvider: settings.executionProvider ?? 'cpu',
      optimizationLevel: level,
      intraOpThreads: settings.intraOpThreads ?? null,
      runs: req.runs,
      warmup: req.warmup,
    },
    levelNote: LEVEL_NOTES[level],
    inputs: Object.entries(feeds.feeds).map(([name, t]) => ({
      name,
      type: t.type,
      dims: [...t.dims],
      origin: feeds.origin[name] ?? 'synthetic',
    })),
    assumedDims: feeds.assumed,
    inputPlan: {
      // Dims of inputs read from the user's file were not assumed, whatever the plan said.
      assumed: plan.assumed.filter((a) => feeds.origin[a.input] === 'synthetic'),
      ranges: plan.ranges.filter((r) => feeds.origin[r.input] === 'synthetic'),
    },
    latency: {
      profiled: profiledStats,
      modelRun: latencyStats(runs.map((r) => r.dur / 1000)),
      plain: plainStats,
      profilerOverhead,
    },
    attribution: {
      nodeMs: agg.nodeMs,
      modelRunMs: agg.modelRunMs,
      coverage,
    },
    trust: assessProfileTrust(coverage, profilerOverhead),
    memory: { ...memory, arenaPeakBytes: agg.arenaPeakBytes },
    nodes: agg.nodes,
    opTypes: agg.opTypes,
    unprofiledNodeCount: agg.unprofiledNodeCount,
  };
}
