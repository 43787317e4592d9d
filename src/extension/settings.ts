/**
 * The extension's settings (package.json `contributes.configuration`), read in one place and turned into the
 * engine's option types, so commands never read configuration keys themselves.
 */
import * as vscode from 'vscode';
import {
  DEFAULT_PROFILE_RUNS,
  DEFAULT_THREADS,
  DEFAULT_WARMUP_RUNS,
  type JobRuntime,
} from '../engine/runtime/jobRuntime';
import type { ExecutionProvider } from '../engine/runtime/sessionOptions';
import { DEFAULT_OUTPUT_TEMPLATE } from '../engine/transform/outputName';
import { isHeatMapMetric, type HeatMapMetric } from '../protocol/webviewProtocol';
import type { InputSources, ModelInputEntry } from './inputs/resolveModelInputs';

export interface TunerSettings {
  /** What every job runs with (threads, provider, dims, input shapes): passed on as it is, never re-spread. */
  readonly runtime: JobRuntime;
  readonly runs: number;
  readonly warmupRuns: number;
  readonly outputNaming: string;
  readonly heatMapMetric: HeatMapMetric;
}

const PROVIDERS: readonly ExecutionProvider[] = ['cpu', 'cuda', 'dml', 'coreml', 'webgpu'];

function positiveIntRecord(value: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) if (Number.isInteger(v) && (v as number) > 0) out[k] = v as number;
  return out;
}

function shapeRecord(value: unknown): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value))
      if (Array.isArray(v) && v.every((d) => Number.isInteger(d) && d > 0)) out[k] = v as number[];
  return out;
}

function clampInt(value: unknown, min: number, max: number, fallback: number): number {
  return Number.isInteger(value) ? Math.min(max, Math.max(min, value as number)) : fallback;
}

/** Reads the settings for `scope` (the model's URI, so folder-level settings apply). */
export function readSettings(scope?: vscode.Uri): TunerSettings {
  const c = vscode.workspace.getConfiguration('onnxTuner', scope);
  const ep = c.get<string>('executionProvider', 'cpu');
  const threads = clampInt(c.get('threads'), 0, 1024, DEFAULT_THREADS);
  const metric = c.get<string>('heatMap.metric', 'latency');
  const runtime: JobRuntime = {
    executionProvider: PROVIDERS.includes(ep as ExecutionProvider) ? (ep as ExecutionProvider) : 'cpu',
    // 0 means "onnxruntime decides": leave the key out rather than pass 0 (DESIGN.md: no undefined options).
    ...(threads > 0 ? { intraOpThreads: threads } : {}),
    dims: positiveIntRecord(c.get('dims')),
    inputShapes: shapeRecord(c.get('inputShapes')),
  };
  return {
    runtime,
    runs: clampInt(c.get('profile.runs'), 1, 1000, DEFAULT_PROFILE_RUNS),
    warmupRuns: clampInt(c.get('profile.warmupRuns'), 0, 100, DEFAULT_WARMUP_RUNS),
    outputNaming: c.get<string>('output.naming', DEFAULT_OUTPUT_TEMPLATE),
    heatMapMetric: isHeatMapMetric(metric) ? metric : 'latency',
  };
}

function modelInputEntry(value: unknown): ModelInputEntry {
  const v = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  return { dims: positiveIntRecord(v.dims), inputShapes: shapeRecord(v.inputShapes) };
}

/**
 * The settings that give dims and input shapes, before they are fitted to one model: the workspace-wide
 * `onnxTuner.dims` / `onnxTuner.inputShapes` and the per-model `onnxTuner.modelInputs` glob map.
 * (inputs/modelInputs.ts adds the shapes saved for the file and fits them to its inputs.)
 */
export function readInputSettings(scope?: vscode.Uri): Omit<InputSources, 'saved'> {
  const c = vscode.workspace.getConfiguration('onnxTuner', scope);
  const map = c.get<unknown>('modelInputs');
  const byPattern: Record<string, ModelInputEntry> = {};
  if (map && typeof map === 'object')
    for (const [glob, entry] of Object.entries(map)) byPattern[glob] = modelInputEntry(entry);
  return {
    global: { dims: positiveIntRecord(c.get('dims')), inputShapes: shapeRecord(c.get('inputShapes')) },
    byPattern,
  };
}

/** Writes a sweep's recommended threads and execution provider to the workspace settings of `scope`. */
export async function saveRuntimeSettings(
  scope: vscode.Uri,
  chosen: { readonly threads: number; readonly executionProvider: ExecutionProvider },
): Promise<void> {
  const c = vscode.workspace.getConfiguration('onnxTuner', scope);
  await c.update('threads', chosen.threads, vscode.ConfigurationTarget.Workspace);
  await c.update('executionProvider', chosen.executionProvider, vscode.ConfigurationTarget.Workspace);
}
