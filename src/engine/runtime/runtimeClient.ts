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
import { CancelledError } from '../cancel';
import { ModelError, type ModelErrorCode } from '../onnx/errors';
import { JOB_TEMP_PREFIX, jobTempDir, removeJobTempDir, SYSTEM_TMP_ENV } from './jobTemp';
import { defaultMemoryCapBytes, watchMemory, type MemoryWatchdog } from './memoryWatchdog';
import type { JobKind, ProgressInfo, RuntimeJobs, RuntimeMessage, RuntimeRequest, JobFailure } from './protocol';
import { assertNever } from './protocol';

/** Why a job failed; a cancelled job rejects with the one CancelledError (engine/cancel.ts) instead. */
export type RuntimeErrorCode =
  Exclude<JobFailure['code'], 'cancelled'> | 'timeout' | 'crashed' | 'out-of-memory' | 'disposed' | 'busy';

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

/** The job process entries, by bundle name → source file (relative to the repository root, for tsx runs). */
export const JOB_ENTRIES = {
  runtimeProcess: 'src/engine/runtime/runtimeProcess.ts',
  commandProcess: 'src/cli/commandProcess.ts',
  jobProcess: 'src/extension/jobs/jobProcess.ts',
} as const;
export type JobEntryName = keyof typeof JOB_ENTRIES;

export interface RuntimeClientOptions {
  /** The process entry file; by default `entryName` (runtimeProcess) bundled beside this file, else its source via tsx. */
  readonly entry?: string;
  /** Which job process to start when `entry` is not given. */
  readonly entryName?: JobEntryName;
  /** How long a cancelled job may take to stop on its own before the process is killed. */
  readonly cancelGraceMs?: number;
  /** Resident-memory cap for the runtime process (default 75% of physical memory); past it the process is killed. */
  readonly memoryCapBytes?: number;
}

export interface RequestOptions {
  readonly timeoutMs?: number;
  readonly onProgress?: (p: ProgressInfo) => void;
  /** Lines the job printed (CLI commands run in a job process). */
  readonly onOutput?: (stream: 'out' | 'err', text: string) => void;
  readonly signal?: AbortSignal;
}

interface Pending {
  readonly kind: JobKind;
  resolve(v: unknown): void;
  reject(e: Error): void;
  readonly onProgress?: (p: ProgressInfo) => void;
  readonly onOutput?: (stream: 'out' | 'err', text: string) => void;
  /** Files the job created; removed if the job does not end with a result. */
  readonly artifacts: string[];
  /** Set when the caller cancelled or timed out: a process exit then reads as that, not as a crash. */
  stopReason?: RuntimeError | CancelledError;
  timers: NodeJS.Timeout[];
}

function defaultEntry(name: JobEntryName): { file: string; execArgv: string[] } {
  // Bundled: every entry sits beside the bundle that loaded this file (dist/).
  const js = path.join(__dirname, `${name}.js`);
  if (fs.existsSync(js)) return { file: js, execArgv: [] };
  // From source (tests, `npm run cli`): this file is src/engine/runtime/runtimeClient.ts.
  const ts = path.join(__dirname, '..', '..', '..', JOB_ENTRIES[name]);
  if (fs.existsSync(ts)) return { file: ts, execArgv: ['--require', require.resolve('tsx/cjs')] };
  throw new Error(`job process entry '${name}' not found beside ${__dirname} (run 'npm run build')`);
}

/**
 * The job process's environment. Its temp folder goes under ours (ONNX_TUNER_TMP_BASE, jobServer.ts). Run from
 * source (tests), tsx caches every module it compiles in TMPDIR as it starts: that cache stays in the system's
 * temp folder, not in a job folder, which must be removable the moment its owner dies (under load the cache
 * was still being written there after the owner's removal gave up, and the folder was left behind).
 */
function childEnv(viaTsx: boolean): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ONNX_TUNER_PARENT_PID: String(process.pid),
    ONNX_TUNER_TMP_BASE: os.tmpdir(),
    ...(viaTsx ? { TMPDIR: process.env[SYSTEM_TMP_ENV] ?? os.tmpdir() } : {}),
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the temp folders of job processes that died without cleaning up (SIGKILL, power loss). */
export function sweepDeadJobFolders(base = os.tmpdir()): number {
  let removed = 0;
  let names: string[];
  try {
    names = fs.readdirSync(base);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!name.startsWith(JOB_TEMP_PREFIX)) continue;
    const pid = Number(name.slice(JOB_TEMP_PREFIX.length));
    if (!Number.isInteger(pid) || isAlive(pid)) continue;
    fs.rmSync(path.join(base, name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}

/** Rebuilds a typed error from a job process's failure, so callers can test `instanceof ModelError`. */
function errorFromFailure(f: JobFailure): Error {
  if (f.code === 'model' && f.model)
    return new ModelError(f.model.code as ModelErrorCode, f.model.file, f.model.detail, f.model.hint);
  if (f.code === 'cancelled') return new CancelledError();
  return new RuntimeError(f.code, f.message);
}

let sweptOnce = false;

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
    if (opts.signal?.aborted) return Promise.reject(new CancelledError(`the '${kind}' job`));
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
        onOutput: opts.onOutput,
        artifacts: [],
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
      opts.signal?.addEventListener('abort', () => this.stop(id, new CancelledError(`the '${kind}' job`)), {
        once: true,
      });
      child.send({ id, kind, params } as RuntimeRequest);
    });
  }

  /** Rejects everything in flight (removing the files those jobs wrote) and ends the process. */
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
  private stop(id: number, reason: RuntimeError | CancelledError): void {
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
    if (!sweptOnce) {
      sweptOnce = true;
      sweepDeadJobFolders();
    }
    const entry = this.options.entry
      ? {
          file: this.options.entry,
          execArgv: this.options.entry.endsWith('.ts') ? ['--require', require.resolve('tsx/cjs')] : [],
        }
      : defaultEntry(this.options.entryName ?? 'runtimeProcess');
    const child = fork(entry.file, [], {
      execArgv: entry.execArgv,
      env: childEnv(entry.execArgv.length > 0),
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
      case 'output':
        this.pending.get(m.id)?.onOutput?.(m.stream, m.text);
        return;
      case 'artifact':
        this.pending.get(m.id)?.artifacts.push(m.path);
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
        if (!p) return;
        // A job that failed or was cancelled leaves no output behind.
        removeArtifacts(p);
        p.reject(m.error.code === 'cancelled' && p.stopReason ? p.stopReason : errorFromFailure(m.error));
        return;
      }
      default:
        assertNever(m, 'runtime message');
    }
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child === child) this.child = undefined;
    // A killed process cannot clean its own temp folder.
    if (child.pid !== undefined) removeJobTempDir(jobTempDir(os.tmpdir(), child.pid));
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
    // onnxruntime's own log lines (coloured, multi-line) are summarised: plain text, the last three lines.
    const tail = this.stderrTail
      // eslint-disable-next-line no-control-regex
      .replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|[\x00-\x08\x0b-\x1f\x7f]/g, '')
      .trim()
      .split('\n')
      .slice(-3)
      .join(' | ');
    this.rejectAll(
      (p) =>
        p.stopReason ??
        new RuntimeError(
          'crashed',
          `the runtime process ${how} during '${p.kind}'${hint}${tail ? `; its last output: ${tail}` : ''}. The next request starts a fresh process.`,
        ),
    );
  }

  private rejectAll(reason: (p: Pending) => Error): void {
    for (const id of [...this.pending.keys()]) {
      const p = this.settle(id)!;
      removeArtifacts(p);
      p.reject(reason(p));
    }
  }
}

/** A job that did not end with a result leaves nothing behind: its files go (best effort). */
function removeArtifacts(p: Pending): void {
  for (const f of p.artifacts) fs.rmSync(f, { force: true });
}
