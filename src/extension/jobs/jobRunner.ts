/**
 * Runs engine jobs in job processes (jobProcess.ts), one process per job, so parsing, transforms and
 * onnxruntime's synchronous `run()` never block or endanger the extension host (DESIGN.md). A process is
 * supervised by RuntimeClient: memory cap, wall-clock timeout, crash isolation, and parent-death detection on
 * its side. Cancelling rejects the job's promise at once; the process stops at its next check between runs,
 * or is killed after a short grace when it is stuck in native code — killing a process, unlike terminating a
 * worker thread mid-run, cannot take the extension host down.
 */
import * as path from 'node:path';
import { CancelledError } from '../../engine/cancel';
import { ModelError } from '../../engine/onnx/errors';
import { RuntimeClient, RuntimeError } from '../../engine/runtime/runtimeClient';
import type { JobKind, JobKinds, JobRequest } from './jobProtocol';

export interface JobCallbacks {
  readonly onProgress?: (message: string, fraction?: number) => void;
  /** Resolves/aborts through an AbortSignal so this file stays free of `vscode` (testable in plain Node). */
  readonly signal?: AbortSignal;
  /** Wall-clock limit; past it the job process is killed and the job rejects. */
  readonly timeoutMs?: number;
}

/** A job that runs longer than this is stopped (30 minutes: a sweep of a large model fits). */
export const DEFAULT_JOB_TIMEOUT_MS = 30 * 60 * 1000;

/** Kinds with one job in flight at a time (DESIGN.md): a second one replaces the first. Reads run side by side. */
const EXCLUSIVE: ReadonlySet<JobKind> = new Set<JobKind>(['optimize', 'compare', 'profile', 'sweep', 'advise']);

export class JobRunner {
  private readonly running = new Map<JobKind, AbortController>();
  private readonly all = new Set<RuntimeClient>();

  /** `entry`: the job process script (dist/jobProcess.js in the extension; its source in tests). */
  constructor(private readonly entry?: string) {}

  static forExtension(extensionPath: string): JobRunner {
    return new JobRunner(path.join(extensionPath, 'dist', 'jobProcess.js'));
  }

  async run<K extends JobKind>(
    kind: K,
    params: JobKinds[K]['params'],
    cb: JobCallbacks = {},
  ): Promise<JobKinds[K]['result']> {
    const request: JobRequest<K> = { kind, params };
    const stop = new AbortController();
    if (EXCLUSIVE.has(kind)) {
      this.running.get(kind)?.abort();
      this.running.set(kind, stop);
    }
    if (cb.signal?.aborted) stop.abort();
    const onAbort = (): void => stop.abort();
    cb.signal?.addEventListener('abort', onAbort);
    const client = new RuntimeClient(this.entry ? { entry: this.entry } : { entryName: 'jobProcess' });
    this.all.add(client);
    try {
      return (await client.request(
        'engine',
        { kind, params: request.params },
        {
          signal: stop.signal,
          timeoutMs: cb.timeoutMs ?? DEFAULT_JOB_TIMEOUT_MS,
          onProgress: (p) => cb.onProgress?.(p.phase, p.total > 0 ? p.done / p.total : undefined),
        },
      )) as JobKinds[K]['result'];
    } catch (e) {
      if (e instanceof CancelledError || (e instanceof RuntimeError && e.code === 'disposed'))
        throw new CancelledError(`the '${kind}' job`);
      if (e instanceof ModelError) throw e;
      const message = e instanceof Error ? e.message : String(e);
      throw new Error(message.replace(/during 'engine'/, `during '${kind}'`), { cause: e });
    } finally {
      cb.signal?.removeEventListener('abort', onAbort);
      if (this.running.get(kind) === stop) this.running.delete(kind);
      this.all.delete(client);
      client.dispose();
    }
  }

  /** Stops every job (their processes end; nothing they wrote is left behind). */
  dispose(): void {
    for (const c of this.all) c.dispose();
    this.all.clear();
    this.running.clear();
  }
}
