/**
 * The child side of every job process (the runtime process, the CLI's command process, the extension's job
 * process): reads typed requests, runs them through the process's own dispatcher, streams progress, output
 * lines and written files back, and stops jobs on cancel. It also makes the process safe to leave behind:
 *  - a private temp folder (TMPDIR points into it, so every mkdtemp of the engine lands there) that is removed
 *    when the process ends, and that the host or the next run removes if this process is killed;
 *  - parent-death detection that works while the JS thread is blocked in a native onnxruntime run: a worker
 *    thread polls the parent pid and kills this process when the parent is gone (SIGKILL of the CLI or the
 *    extension host leaves no orphan burning CPU).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CancelledError } from '../cancel';
import { ModelError } from '../onnx/errors';
import { setArtifactListener } from '../onnx/artifacts';
import { JOB_TEMP_PREFIX, jobTempDir, removeJobTempDirNow, SYSTEM_TMP_ENV } from './jobTemp';
import { InputFileError } from './npyFormat';
import type { JobFailure, JobKind, ProgressInfo, RuntimeJobs, RuntimeMessage, RuntimeRequest } from './protocol';

const PROGRESS_INTERVAL_MS = 1000;
/** How often the watcher thread checks that the parent is still there. */
const PARENT_POLL_MS = 200;

/** What a job's handler gets: progress, output lines, and its cancellation. */
export interface JobContext {
  readonly id: number;
  readonly signal: AbortSignal;
  progress(p: ProgressInfo): void;
  output(stream: 'out' | 'err', text: string): void;
  throwIfCancelled(): void;
  /** Files this job has created so far (the engine announces each one it writes). */
  readonly artifacts: readonly string[];
}

/** The job kinds a process serves, each with its handler; a request of any other kind is refused. */
export type JobHandlers = {
  readonly [K in Exclude<JobKind, 'cancel'>]?: (
    params: RuntimeJobs[K][0],
    ctx: JobContext,
  ) => Promise<RuntimeJobs[K][1]>;
};

/** Thrown for a request this process does not serve, or for a CLI usage mistake. */
export class UsageFailure extends Error {
  override readonly name = 'UsageFailure';
}

export class UnknownSessionError extends Error {
  override readonly name = 'UnknownSessionError';
}

export function toJobFailure(e: unknown): JobFailure {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof CancelledError) return { code: 'cancelled', message };
  if (e instanceof ModelError)
    return {
      code: 'model',
      message,
      model: { code: e.code, file: e.file, detail: e.detail, ...(e.hint !== undefined ? { hint: e.hint } : {}) },
    };
  if (e instanceof InputFileError) return { code: 'input', message };
  if (e instanceof UsageFailure) return { code: 'usage', message };
  if (e instanceof UnknownSessionError) return { code: 'unknown-session', message };
  if (e instanceof RangeError && /call stack|invalid .*length|allocation/i.test(message))
    return { code: 'runtime', message: `the model is too large or too deeply nested to process (${message})` };
  return { code: 'runtime', message };
}

function send(message: RuntimeMessage): void {
  process.send?.(message);
}

/**
 * Kills this process from a side thread when the parent pid changes (the parent died, we were re-parented),
 * after removing `tempDir`.
 */
function watchParent(parent: number, tempDir: string): void {
  const code = `
    const { workerData } = require('node:worker_threads');
    const fs = require('node:fs');
    setInterval(() => {
      if (process.ppid !== workerData.parent) {
        // Retries, for up to 3 s: a child of ours may be creating its own folder inside ours at this very
        // moment, or our own main thread writing there (tsx's cache, run from source).
        const until = Date.now() + 3000;
        for (;;) {
          try { fs.rmSync(workerData.tempDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 }); break; }
          catch { if (Date.now() > until) break; Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100); }
        }
        process.kill(process.pid, 'SIGKILL');
      }
    }, workerData.pollMs);`;
  const w = new Worker(code, { eval: true, workerData: { parent, tempDir, pollMs: PARENT_POLL_MS } });
  w.unref();
}

/** Starts serving requests on the IPC channel. Call once, at the top of a job process entry. */
export function serveJobs(handlers: JobHandlers): void {
  if (!process.send) return;
  const base = process.env['ONNX_TUNER_TMP_BASE'] ?? os.tmpdir();
  // The host names itself (it may legitimately be pid 1 in a container).
  const parent = Number(process.env['ONNX_TUNER_PARENT_PID']) || process.ppid;
  // A runtime process started by a command process runs inside that process's folder. When the owner dies,
  // this process may be the last one writing there (run from source, tsx caches each module it compiles
  // into TMPDIR: for seconds under load, after the owner's parent gave up removing it), so it removes the
  // whole folder on its way out.
  const ownersDir = base === jobTempDir(path.dirname(base), parent) ? base : undefined;
  if (process.ppid !== parent) {
    // Our parent died while we loaded: nothing to serve, nothing to create.
    if (ownersDir) removeJobTempDirNow(ownersDir);
    process.exit(0);
  }
  const tempDir = jobTempDir(base, process.pid);
  try {
    // Inside another job process's folder, never recreate that folder: if it is gone, its owner has ended
    // and so must we.
    fs.mkdirSync(tempDir, { recursive: !path.basename(base).startsWith(JOB_TEMP_PREFIX) });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') process.exit(0);
    throw e;
  }
  // os.tmpdir() reads TMPDIR on every call: every temp folder of this process's jobs lands inside tempDir.
  process.env[SYSTEM_TMP_ENV] ??= os.tmpdir();
  process.env['TMPDIR'] = tempDir;
  process.on('exit', () => removeJobTempDirNow(tempDir));
  watchParent(parent, ownersDir ?? tempDir);

  const running = new Map<number, AbortController>();
  let current: { id: number; artifacts: string[] } | undefined;
  // Files written by the engine (writeModel, writeFileAtomic) are reported to the host, which removes them if
  // this process dies before the job ends. (Jobs that write files run one at a time per process.)
  setArtifactListener((file) => {
    if (!current) return;
    current.artifacts.push(file);
    send({ type: 'artifact', id: current.id, path: file });
  });

  const contextFor = (id: number, abort: AbortController, artifacts: string[]): JobContext => {
    let lastSent = 0;
    let lastPhase: string | undefined;
    return {
      id,
      artifacts,
      signal: abort.signal,
      progress(p) {
        // About one update a second, but never drop a new phase's name or the final step.
        const now = Date.now();
        if (now - lastSent < PROGRESS_INTERVAL_MS && p.done < p.total && p.phase === lastPhase) return;
        lastSent = now;
        lastPhase = p.phase;
        send({ type: 'progress', id, progress: p });
      },
      output(stream, text) {
        send({ type: 'output', id, stream, text });
      },
      throwIfCancelled() {
        if (abort.signal.aborted) throw new CancelledError();
      },
    };
  };

  const handle = async (req: RuntimeRequest): Promise<void> => {
    if (req.kind === 'cancel') {
      const target = running.get(req.params.target);
      target?.abort();
      send({ type: 'result', id: req.id, kind: 'cancel', result: { cancelled: target !== undefined } });
      return;
    }
    const abort = new AbortController();
    running.set(req.id, abort);
    const job = { id: req.id, artifacts: [] as string[] };
    current = job;
    try {
      const handler = handlers[req.kind] as ((params: unknown, ctx: JobContext) => Promise<unknown>) | undefined;
      if (!handler) throw new UsageFailure(`this job process does not serve '${req.kind}' jobs`);
      const result = await handler(req.params, contextFor(req.id, abort, job.artifacts));
      send({ type: 'result', id: req.id, kind: req.kind, result });
    } catch (e) {
      send({ type: 'error', id: req.id, error: toJobFailure(abort.signal.aborted ? new CancelledError() : e) });
    } finally {
      running.delete(req.id);
      if (current === job) current = undefined;
    }
  };
  process.on('message', (req: RuntimeRequest) => void handle(req));
  // The host went away (closed, crashed): nothing can receive our replies.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', pid: process.pid });
}
