/**
 * The host side of the runtime process: starts it lazily, sends typed requests with ids, ties each reply to
 * its request, streams progress, applies timeouts and cancellation, and rejects everything in flight on
 * dispose. If the process dies (a native crash, the OOM killer's SIGKILL), every request in flight rejects
 * with a `RuntimeError` of code 'crashed' and the next request starts a fresh process.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { defaultMemoryCapBytes, watchMemory, type MemoryWatchdog } from './memoryWatchdog';
import type { JobKind, ProgressInfo, RuntimeJobs, RuntimeMessage, RuntimeRequest, JobFailure } from './protocol';
import { assertNever } from './protocol';

export type RuntimeErrorCode = JobFailure['code'] | 'timeout' | 'crashed' | 'out-of-memory' | 'disposed' | 'busy';

/** Long jobs that measure time: one of each kind at a time (two would skew each other's timings). */
const EXCLUSIVE_KINDS: ReadonlySet<JobKind> = new Set<JobKind>(['profile']);

export class RuntimeError extends Error {
  override readonly name = 'RuntimeError';
  constructor(
    readonly code: RuntimeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface RuntimeClientOptions {
  /** The process entry; by default runtimeProcess.js beside this file (bundled), else runtimeProcess.ts via tsx. */
  readonly entry?: string;
  /** How long a cancelled job may take to stop on its own before the process is killed. */
  readonly cancelGraceMs?: number;
  /** Resident-memory cap for the runtime process (default 75% of physical memory); past it the process is killed. */
  readonly memoryCapBytes?: number;
}

export interface RequestOptions {
  readonly timeoutMs?: number;
  readonly onProgress?: (p: ProgressInfo) => void;
  readonly signal?: AbortSignal;
}

interface Pending {
  readonly kind: JobKind;
  resolve(v: unknown): void;
  reject(e: Error): void;
  readonly onProgress?: (p: ProgressInfo) => void;
  /** Set when the caller cancelled or timed out: a process exit then reads as that, not as a crash. */
  stopReason?: RuntimeError;
  timers: NodeJS.Timeout[];
}

function defaultEntry(): { file: string; execArgv: string[] } {
  const js = path.join(__dirname, 'runtimeProcess.js');
  if (fs.existsSync(js)) return { file: js, execArgv: [] };
  const ts = path.join(__dirname, 'runtimeProcess.ts');
  if (fs.existsSync(ts)) return { file: ts, execArgv: ['--require', require.resolve('tsx/cjs')] };
  throw new Error(`runtime process entry not found beside ${__dirname} (run 'npm run build')`);
}

const STDERR_TAIL = 2000;

export class RuntimeClient {
  private child: ChildProcess | undefined;
  private watchdog: MemoryWatchdog | undefined;
  private stderrTail = '';
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private disposed = false;

  constructor(private readonly options: RuntimeClientOptions = {}) {}

  /** The runtime process's pid while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  request<K extends Exclude<JobKind, 'cancel'>>(
    kind: K,
    params: RuntimeJobs[K][0],
    opts: RequestOptions = {},
  ): Promise<RuntimeJobs[K][1]> {
    if (this.disposed) return Promise.reject(new RuntimeError('disposed', 'the runtime client was disposed'));
    if (opts.signal?.aborted) return Promise.reject(new RuntimeError('cancelled', 'cancelled'));
    if (EXCLUSIVE_KINDS.has(kind) && [...this.pending.values()].some((p) => p.kind === kind))
      return Promise.reject(new RuntimeError('busy', `a '${kind}' job is already running: wait for it or cancel it`));
    const child = this.ensureChild();
    const id = this.nextId++;
    return new Promise<RuntimeJobs[K][1]>((resolve, reject) => {
      const p: Pending = {
        kind,
        resolve: resolve as (v: unknown) => void,
        reject,
        onProgress: opts.onProgress,
        timers: [],
      };
      this.pending.set(id, p);
      if (opts.timeoutMs !== undefined)
        p.timers.push(
          setTimeout(
            () => this.stop(id, new RuntimeError('timeout', `'${kind}' took longer than ${opts.timeoutMs} ms`)),
            opts.timeoutMs,
          ),
        );
      opts.signal?.addEventListener('abort', () => this.stop(id, new RuntimeError('cancelled', 'cancelled')), {
        once: true,
      });
      child.send({ id, kind, params } as RuntimeRequest);
    });
  }

  /** Rejects everything in flight and ends the process. */
  dispose(): void {
    this.disposed = true;
    this.rejectAll(() => new RuntimeError('disposed', 'the runtime client was disposed'));
    this.watchdog?.stop();
    this.child?.kill('SIGKILL');
    this.child = undefined;
  }

  /**
   * Asks the process to stop job `id` (it checks between runs); if the job has not ended after the grace
   * period (a single long run cannot be interrupted), kills the process.
   */
  private stop(id: number, reason: RuntimeError): void {
    const p = this.pending.get(id);
    const child = this.child;
    if (!p || !child || p.stopReason) return;
    p.stopReason = reason;
    child.send({ id: this.nextId++, kind: 'cancel', params: { target: id } } as RuntimeRequest);
    p.timers.push(
      setTimeout(() => {
        if (this.pending.has(id) && this.child === child) child.kill('SIGKILL');
      }, this.options.cancelGraceMs ?? 500),
    );
  }

  private ensureChild(): ChildProcess {
    if (this.child) return this.child;
    const entry = this.options.entry
      ? {
          file: this.options.entry,
          execArgv: this.options.entry.endsWith('.ts') ? ['--require', require.resolve('tsx/cjs')] : [],
        }
      : defaultEntry();
    const child = fork(entry.file, [], {
      execArgv: entry.execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.stderrTail = '';
    child.stderr?.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString()).slice(-STDERR_TAIL);
    });
    const cap = this.options.memoryCapBytes ?? defaultMemoryCapBytes(os.totalmem());
    if (child.pid !== undefined) this.watchdog = watchMemory(child.pid, cap, () => child.kill('SIGKILL'));
    child.on('message', (m: RuntimeMessage) => this.onMessage(m));
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
    child.on('error', () => {
      // 'exit' follows when the process could not be started or died; it settles what is pending.
    });
    this.child = child;
    return child;
  }

  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    if (!p) return undefined;
    this.pending.delete(id);
    p.timers.forEach(clearTimeout);
    return p;
  }

  private onMessage(m: RuntimeMessage): void {
    switch (m.type) {
      case 'ready':
        return;
      case 'progress':
        this.pending.get(m.id)?.onProgress?.(m.progress);
        return;
      case 'result': {
        const p = this.settle(m.id);
        if (p && p.kind !== m.kind)
          p.reject(new RuntimeError('internal', `reply of kind '${m.kind}' to a '${p.kind}' request`));
        else p?.resolve(m.result);
        return;
      }
      case 'error': {
        const p = this.settle(m.id);
        p?.reject(
          m.error.code === 'cancelled' && p.stopReason ? p.stopReason : new RuntimeError(m.error.code, m.error.message),
        );
        return;
      }
      default:
        assertNever(m, 'runtime message');
    }
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child === child) this.child = undefined;
    const watchdog = this.watchdog;
    watchdog?.stop();
    this.watchdog = undefined;
    if (watchdog?.tripped) {
      const cap = this.options.memoryCapBytes ?? defaultMemoryCapBytes(os.totalmem());
      const mb = (b: number): string => `${Math.round(b / 2 ** 20)} MB`;
      this.rejectAll(
        (p) =>
          p.stopReason ??
          new RuntimeError(
            'out-of-memory',
            `the runtime process passed its memory cap of ${mb(cap)} (${mb(watchdog.peakBytes)} seen) during '${p.kind}' and was stopped; try smaller inputs or dims, or raise the cap. The next request starts a fresh process.`,
          ),
      );
      return;
    }
    const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
    const hint =
      signal === 'SIGKILL'
        ? ' — most likely out of memory (the OOM killer sends SIGKILL); try smaller inputs or fewer threads'
        : ' — a native crash in onnxruntime';
    const tail = this.stderrTail.trim().split('\n').slice(-3).join(' | ');
    this.rejectAll(
      (p) =>
        p.stopReason ??
        new RuntimeError(
          'crashed',
          `the runtime process ${how} during '${p.kind}'${hint}${tail ? `; its last output: ${tail}` : ''}. The next request starts a fresh process.`,
        ),
    );
  }

  private rejectAll(reason: (p: Pending) => RuntimeError): void {
    for (const id of [...this.pending.keys()]) {
      const p = this.settle(id)!;
      p.reject(reason(p));
    }
  }
}
