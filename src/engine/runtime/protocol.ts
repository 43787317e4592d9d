/**
 * The messages between a host (the extension or the CLI) and the runtime child process that owns the
 * onnxruntime sessions. One discriminated union each way; every reply names the request id it answers and
 * has the same `kind` as its request, so `RuntimeReply<K>` types each job's result. To add a job kind
 * (compare, calibrate, sweep), add it to `RuntimeJobs` and handle it in runtimeProcess.ts: the exhaustive
 * switch there fails to compile until it does.
 */
import type { ProfileRequest, ProfileResult } from '../profile/profileTypes';
import type { FeedSource } from './feedSource';
import type { RuntimeSettings } from './sessionOptions';

/** A tensor that crosses the process boundary (child_process 'advanced' serialization keeps typed arrays). */
export interface WireTensor {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array | Int8Array | Uint16Array;
}

export interface LoadParams {
  readonly model: string;
  readonly settings: RuntimeSettings;
}
export interface LoadResult {
  readonly sessionId: number;
  readonly inputs: { name: string; type: string; shape: (number | string)[] }[];
  readonly outputs: string[];
}

export interface RunParams {
  readonly sessionId: number;
  readonly feeds: FeedSource;
}
export interface RunResult {
  readonly outputs: Record<string, WireTensor>;
  readonly ms: number;
}

export interface DisposeParams {
  /** A session from `load`; all sessions when left out. */
  readonly sessionId?: number;
}

/** Cancels a job in flight (by its request id). Answered at once; the cancelled job rejects with 'cancelled'. */
export interface CancelParams {
  readonly target: number;
}

/**
 * A CLI command run inside a job process (src/cli/commandProcess.ts), so the CLI's own process never loads
 * onnxruntime: the command's printed lines come back as 'output' messages, its exit code as the result.
 */
export interface CommandParams {
  readonly name: string;
  readonly argv: readonly string[];
  readonly cwd: string;
  /** Whether the user's stderr is a terminal (progress lines are shown only then). */
  readonly interactive: boolean;
  readonly columns?: number;
}

/**
 * One of the extension's engine jobs (optimize, compare, advise, sweep, graph, summary) run inside a job
 * process (src/extension/jobs/jobProcess.ts). Typed by the extension's own JobKinds; plain data here so this
 * file does not depend on the extension layer.
 */
export interface EngineJobParams {
  readonly kind: string;
  readonly params: unknown;
}

/** Job kind → [params, result]. Each job process serves a subset (runtime: load/run/profile; CLI: command). */
export interface RuntimeJobs {
  command: [CommandParams, { exitCode: number }];
  engine: [EngineJobParams, unknown];
  load: [LoadParams, LoadResult];
  run: [RunParams, RunResult];
  profile: [ProfileRequest, ProfileResult];
  cancel: [CancelParams, { cancelled: boolean }];
  dispose: [DisposeParams, { disposed: number }];
}

export type JobKind = keyof RuntimeJobs;

export type RuntimeRequest = {
  [K in JobKind]: { readonly id: number; readonly kind: K; readonly params: RuntimeJobs[K][0] };
}[JobKind];

export type RequestOf<K extends JobKind> = Extract<RuntimeRequest, { kind: K }>;

/** How far a long job has come; sent about once a second. */
export interface ProgressInfo {
  readonly phase: string;
  readonly done: number;
  readonly total: number;
}

/** A failure, with a code the host can act on. */
export interface JobFailure {
  readonly code: 'cancelled' | 'model' | 'input' | 'usage' | 'runtime' | 'unknown-session' | 'internal';
  readonly message: string;
  /** For 'model' failures: the ModelError's own code, file and hint, so the host can rebuild it. */
  readonly model?: { readonly code: string; readonly file: string; readonly detail: string; readonly hint?: string };
}

export type RuntimeMessage =
  | { readonly type: 'ready'; readonly pid: number }
  /** A line a job printed (CLI commands); the host writes it where the user sees it. */
  | { readonly type: 'output'; readonly id: number; readonly stream: 'out' | 'err'; readonly text: string }
  /** A file the job has just created: the host removes it if the process dies before the job ends. */
  | { readonly type: 'artifact'; readonly id: number; readonly path: string }
  | { readonly type: 'result'; readonly id: number; readonly kind: JobKind; readonly result: unknown }
  | { readonly type: 'error'; readonly id: number; readonly error: JobFailure }
  | { readonly type: 'progress'; readonly id: number; readonly progress: ProgressInfo };

export function assertNever(x: never, what: string): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(x)}`);
}
