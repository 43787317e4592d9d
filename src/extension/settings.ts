/**
 * The extension's settings (package.json `contributes.configuration`), read in one place and turned into the
 * engine's option types, so commands never read configuration keys themselves.
 */
import * as vscode from 'vscode';
import type { ExecutionProvider, RuntimeSettings } from '../engine/runtime/sessionOptions';
import { isHeatMapMetric, type HeatMapMetric } from '../protocol/webviewProtocol';

export interface TunerSettings {
  readonly runtime: RuntimeSettings;
  readonly runs: number;
  readonly warmupRuns: number;
  readonly dims: Readonly<Record<string, number>>;
  readonly inputShapes: Readonly<Record<string, readonly number[]>>;
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
  const threads = clampInt(c.get('threads'), 0, 1024, 0);
  const dims = positiveIntRecord(c.get('dims'));
  const metric = c.get<string>('heatMap.metric', 'latency');
  const runtime: RuntimeSettings = {
    executionProvider: PROVIDERS.includes(ep as ExecutionProvider) ? (ep as ExecutionProvider) : 'cpu',
    // 0 means "onnxruntime decides": leave the key out rather than pass 0 (DESIGN.md: no undefined options).
    ...(threads > 0 ? { intraOpThreads: threads } : {}),
    dims,
  };
  return {
    runtime,
    runs: clampInt(c.get('profile.runs'), 1, 1000, 20),
    warmupRuns: clampInt(c.get('profile.warmupRuns'), 0, 100, 3),
    dims,
    inputShapes: shapeRecord(c.get('inputShapes')),
    outputNaming: c.get<string>('output.naming', '${name}.${suffix}.onnx'),
    heatMapMetric: isHeatMapMetric(metric) ? metric : 'latency',
  };
}
