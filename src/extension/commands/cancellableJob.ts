/**
 * A job run under a cancellable progress notification: the notification's Cancel aborts the job, progress
 * fractions become the bar's increments, and a cancel resolves to undefined (logged) instead of an error.
 */
import * as vscode from 'vscode';
import { CancelledError } from '../../engine/cancel';
import type { JobCallbacks } from '../jobs/jobRunner';
import { log } from '../log';

export async function withCancellableProgress<T>(
  title: string,
  run: (callbacks: Required<Pick<JobCallbacks, 'signal' | 'onProgress'>>) => Promise<T>,
  onCancelled: () => void = () => undefined,
): Promise<T | undefined> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      let last = 0;
      try {
        return await run({
          signal: abort.signal,
          onProgress: (message, fraction) => {
            const pct = (fraction ?? last / 100) * 100;
            progress.report({ message, increment: Math.max(0, pct - last) });
            last = Math.max(last, pct);
          },
        });
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
        onCancelled();
        log().info(`${title}: cancelled; nothing written`);
        return undefined;
      } finally {
        sub.dispose();
      }
    },
  );
}
