/** Where a job process keeps its temp files: one folder per process, named by pid so a later run can tell it is stale. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const JOB_TEMP_PREFIX = 'onnx-tuner-job-';
/** Where a job process keeps the system's temp folder after it points TMPDIR at its own (jobServer.ts). */
export const SYSTEM_TMP_ENV = 'ONNX_TUNER_SYSTEM_TMP';

export function jobTempDir(base: string, pid: number): string {
  return path.join(base, `${JOB_TEMP_PREFIX}${pid}`);
}

/**
 * Removes a dead job's temp folder. Never throws: it runs in a child's 'exit' handler, where an exception would
 * take the CLI or the extension host down. A process the job started may still be writing inside for a moment
 * (under load, tsx's cache folder was seen ENOTEMPTY after the fs retries), so a failed removal is tried again
 * on a timer for up to `giveUpMs`; the timer keeps a CLI alive until then, so nothing is left behind.
 */
export function removeJobTempDir(dir: string, giveUpMs = 5_000): void {
  const start = Date.now();
  const attempt = (): void => {
    if (!removeJobTempDirNow(dir) && Date.now() - start < giveUpMs) setTimeout(attempt, 250);
  };
  attempt();
}

/**
 * Removes a job temp folder at once, never throwing: for 'exit' handlers and a process about to exit, where no
 * timer runs. False when it could not (the parent, or the next run's sweep of dead processes' folders, removes
 * what is left).
 */
export function removeJobTempDirNow(dir: string): boolean {
  try {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    return true;
  } catch {
    return false;
  }
}
