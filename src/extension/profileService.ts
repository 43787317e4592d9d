/**
 * Profiling from the editor: the job runs in the runtime child process (runtimeClient.ts) so onnxruntime's
 * blocking `run()` and any native crash stay out of the extension host; progress shows in a cancellable
 * notification, and cancelling stops the job between runs (or kills the process after a short grace).
 * The static costs (FLOPs) come from a job process and are joined to the measured rows; the suggestions come
 * from the advice engine, run in a job process after the profile (with the profile's latency shares).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CancelledError } from '../engine/cancel';
import { runProfile } from '../engine/profile/runProfile';
import { RuntimeClient } from '../engine/runtime/runtimeClient';
import type { JobRunner } from './jobs/jobRunner';
import { log } from './log';
import type { ProfileStore } from './profileStore';
import { modelSettings } from './inputs/modelInputs';
import { fromAdvice } from './views/adviceSuggestions';
import { toLayerCostReport } from './views/profileAdapter';
import type { LayerCostReport } from '../engine/report/layerCosts';

export class ProfileService implements vscode.Disposable {
  private client: RuntimeClient | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly jobs: JobRunner,
    private readonly store: ProfileStore,
  ) {}

  private runtime(): RuntimeClient {
    this.client ??= new RuntimeClient({ entry: path.join(this.context.extensionPath, 'dist', 'runtimeProcess.js') });
    return this.client;
  }

  /** Profiles `uri` with the current settings; resolves to the report, or rejects with CancelledError. */
  async profile(uri: vscode.Uri): Promise<LayerCostReport> {
    const s = await modelSettings(uri);
    const name = path.basename(uri.fsPath);
    log().info(`profile ${uri.fsPath}: ${s.runs} runs after ${s.warmupRuns} warm-up, ${JSON.stringify(s.runtime)}`);
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Profiling ${name}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        let last = 0;
        try {
          const costs = this.jobs
            .run(
              'graph',
              { file: uri.fsPath, dims: s.runtime.dims, inputShapes: s.runtime.inputShapes },
              { signal: abort.signal },
            )
            .then((g) => g.costs)
            .catch(() => ({}));
          const report = await runProfile(
            this.runtime(),
            {
              model: uri.fsPath,
              settings: s.runtime,
              feeds: { dims: s.runtime.dims, shapes: s.runtime.inputShapes },
              runs: s.runs,
              warmup: s.warmupRuns,
            },
            {
              signal: abort.signal,
              onProgress: (p) => {
                // Each phase counts its own rounds ("measuring 12/1000"); the bar covers both phases.
                const before = p.phase === 'measuring' ? s.warmupRuns : 0;
                const all = s.warmupRuns + s.runs;
                const pct = all > 0 ? (100 * (before + p.done)) / all : 0;
                progress.report({ message: `${p.phase} ${p.done}/${p.total}`, increment: Math.max(0, pct - last) });
                last = pct;
              },
            },
          );
          progress.report({ message: 'looking for optimizations' });
          const advice = await this.jobs
            .run(
              'advise',
              {
                file: uri.fsPath,
                runtime: s.runtime,
                profile: report,
              },
              { signal: abort.signal },
            )
            .then(fromAdvice)
            .catch((e: unknown) => {
              if (token.isCancellationRequested) throw e;
              // The profile stands on its own: a failed advice run costs the suggestions, not the report.
              log().warn(`advice for ${name} failed: ${e instanceof Error ? e.message : String(e)}`);
              return [];
            });
          const result = {
            ...toLayerCostReport(report, await costs, advice, s.shapeSources),
            ...(s.notices.length ? { inputNotes: s.notices } : {}),
          };
          this.store.set(uri, result);
          log().info(
            `profile ${name}: p50 ${result.totalP50Ms.toFixed(2)} ms, ${result.nodes.length} nodes, ${result.suggestions.length} suggestions`,
          );
          return result;
        } catch (e) {
          if (token.isCancellationRequested || e instanceof CancelledError) {
            log().info(`profile ${name}: cancelled`);
            throw new CancelledError(`profiling ${name}`);
          }
          throw e;
        } finally {
          sub.dispose();
        }
      },
    );
  }

  dispose(): void {
    this.client?.dispose();
    this.client = undefined;
  }
}
