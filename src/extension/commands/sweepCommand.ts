/**
 * "Find Best Runtime Settings": asks for an optional latency budget, runs the compute-scaling sweep
 * (src/engine/sweep) in a job process under a cancellable progress notification (cancelling ends the
 * job process at once), and opens the report with its "Save these settings" button.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SweepParams } from '../jobs/jobProtocol';
import type { JobRunner } from '../jobs/jobRunner';
import { log } from '../log';
import { modelSettings } from '../inputs/modelInputs';
import { showSweepReport, type SweepReport } from '../views/sweepPanel';

/** Options for running without prompts (tests); `budgetMs: null` means "no budget". */
export interface SweepCommandOptions {
  readonly budgetMs?: number | null;
  readonly threads?: readonly number[];
  readonly batches?: readonly number[];
  readonly runs?: number;
}

/** Largest batch the extension tries by default: enough to see the throughput curve bend, quick to run. */
const DEFAULT_MAX_BATCH = 16;

/** '' is "no budget"; anything else must be a positive number of milliseconds. */
export function parseBudget(text: string): { ok: true; budgetMs: number | undefined } | { ok: false; error: string } {
  const t = text.trim();
  if (!t) return { ok: true, budgetMs: undefined };
  const v = Number(t);
  return Number.isFinite(v) && v > 0
    ? { ok: true, budgetMs: v }
    : { ok: false, error: 'Enter a latency budget in milliseconds (a positive number), or leave it empty.' };
}

async function askBudget(): Promise<{ budgetMs: number | undefined } | undefined> {
  const text = await vscode.window.showInputBox({
    title: 'Find Best Runtime Settings',
    prompt: 'Latency budget (p90, ms) — optional: empty recommends the highest throughput',
    placeHolder: 'e.g. 20',
    ignoreFocusOut: true,
    validateInput: (v) => {
      const r = parseBudget(v);
      return r.ok ? undefined : r.error;
    },
  });
  if (text === undefined) return undefined;
  const r = parseBudget(text);
  return r.ok ? { budgetMs: r.budgetMs } : undefined;
}

export async function findRuntimeSettings(
  uri: vscode.Uri,
  jobs: JobRunner,
  options?: SweepCommandOptions,
): Promise<SweepReport | undefined> {
  const budget =
    options && options.budgetMs !== undefined ? { budgetMs: options.budgetMs ?? undefined } : await askBudget();
  if (!budget) return undefined;
  const s = await modelSettings(uri);
  const cores = Math.max(1, os.availableParallelism());
  const params: SweepParams = {
    file: uri.fsPath,
    threads: options?.threads ?? Array.from({ length: cores }, (_, i) => i + 1),
    ...(options?.batches ? { batches: options.batches } : { maxBatch: DEFAULT_MAX_BATCH }),
    runs: options?.runs ?? Math.min(s.runs, 10),
    warmupRuns: Math.min(s.warmupRuns, 2),
    dims: s.runtime.dims,
    inputShapes: s.runtime.inputShapes,
    ...(budget.budgetMs !== undefined ? { budgetMs: budget.budgetMs } : {}),
  };
  const name = path.basename(uri.fsPath);
  log().info(`sweep ${uri.fsPath}: ${JSON.stringify({ ...params, file: undefined })}`);
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Sweeping ${name}`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        return await jobs.run('sweep', params, {
          signal: abort.signal,
          onProgress: (message) => progress.report({ message }),
        });
      } finally {
        sub.dispose();
      }
    },
  );
  log().info(`sweep ${name}: ${result.points.length} points; ${result.recommendation.reason}`);
  return showSweepReport(result, uri);
}
