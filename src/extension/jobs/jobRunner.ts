/**
 * Runs engine jobs in worker threads so parsing, transforms and onnxruntime's synchronous `run()` never block
 * the extension host (DESIGN.md). Each job gets its own worker, started from this extension's own bundle
 * (extension.ts turns into the job worker when it sees JOB_WORKER_MARKER), and terminated once the job has
 * ended. Cancelling rejects the job's promise at once and asks the worker to stop (its engine loops check an
 * AbortSignal between runs); the worker is terminated only after it has stopped. Terminating a worker in the
 * middle of onnxruntime's native work aborts the whole extension host ("terminate called after throwing an
 * instance of 'Napi::Error'", seen here), so a running worker is never terminated, only asked to stop.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  JOB_WORKER_MARKER,
  type HostToJobWorker,
  type JobKind,
  type JobKinds,
  type JobMessage,
  type JobRequest,
} from './jobProtocol';

export class JobCancelledError extends Error {
  override readonly name = 'JobCancelledError';
  constructor(kind: string) {
    super(`${kind} cancelled`);
  }
}

export interface JobCallbacks {
  readonly onProgress?: (message: string, fraction?: number) => void;
  /** Resolves/aborts through an AbortSignal so this file stays free of `vscode` (testable in plain Node). */
  readonly signal?: AbortSignal;
}

/** Kinds with one job in flight at a time (DESIGN.md): a second one replaces the first. Reads run side by side. */
const EXCLUSIVE: ReadonlySet<JobKind> = new Set<JobKind>(['optimize', 'compare', 'profile', 'sweep', 'advise']);

export class JobRunner {
  private readonly running = new Map<JobKind, Worker>();
  private readonly all = new Set<Worker>();

  constructor(private readonly bundleFile: string) {}

  static forExtension(extensionPath: string): JobRunner {
    return new JobRunner(path.join(extensionPath, 'dist', 'extension.js'));
  }

  run<K extends JobKind>(
    kind: K,
    params: JobKinds[K]['params'],
    cb: JobCallbacks = {},
  ): Promise<JobKinds[K]['result']> {
    const request: JobRequest<K> = { kind, params };
    const exclusive = EXCLUSIVE.has(kind);
    if (exclusive) this.running.get(kind)?.postMessage({ type: 'cancel' } satisfies HostToJobWorker);
    const worker = new Worker(this.bundleFile, { workerData: { [JOB_WORKER_MARKER]: request } });
    this.all.add(worker);
    if (exclusive) this.running.set(kind, worker);
    return new Promise((resolve, reject) => {
      let settled = false;
      /** Settles the promise once (a cancel settles it before the worker has stopped). */
      const settle = (f: () => void): void => {
        if (settled) return;
        settled = true;
        cb.signal?.removeEventListener('abort', onAbort);
        if (this.running.get(kind) === worker) this.running.delete(kind);
        f();
      };
      /** The worker has stopped computing: it may be terminated safely now. */
      const stopped = (f: () => void): void => {
        this.all.delete(worker);
        void worker.terminate();
        settle(f);
      };
      const onAbort = (): void => {
        worker.postMessage({ type: 'cancel' } satisfies HostToJobWorker);
        settle(() => reject(new JobCancelledError(kind)));
      };
      if (cb.signal?.aborted) return onAbort();
      cb.signal?.addEventListener('abort', onAbort);
      worker.on('message', (m: JobMessage) => {
        if (m.type === 'progress') {
          if (!settled) cb.onProgress?.(m.message, m.fraction);
        } else if (m.type === 'done') stopped(() => resolve(m.result as JobKinds[K]['result']));
        else if (m.type === 'cancelled') stopped(() => reject(new JobCancelledError(kind)));
        else stopped(() => reject(new Error(m.message)));
      });
      worker.on('error', (e) => stopped(() => reject(e)));
      worker.on('exit', (code) => {
        // A worker replaced by a newer job of its kind was cancelled; any other early exit is a crash.
        const replaced = exclusive && this.running.get(kind) !== worker;
        stopped(() =>
          reject(replaced ? new JobCancelledError(kind) : new Error(`${kind} worker stopped (exit code ${code})`)),
        );
      });
    });
  }

  /** Asks every worker to stop; each is terminated once it reports back (never mid-run, see above). */
  dispose(): void {
    for (const w of this.all) w.postMessage({ type: 'cancel' } satisfies HostToJobWorker);
    this.running.clear();
  }
}
