/**
 * The channel between a host (the extension or the CLI) and a job process it supervises (runtime, command or
 * engine-job process): the request envelope, the messages coming back, progress and failures. Plain data, no
 * engine types: which kinds a process serves and their payloads are declared where the payloads live
 * (engine/runtime/protocol.ts, extension/jobs/jobProtocol.ts).
 */

/** A request: its id (replies name it), its kind, its payload. */
export interface JobEnvelope<Kind extends string = string, Params = unknown> {
  readonly id: number;
  readonly kind: Kind;
  readonly params: Params;
}

/** A tensor that crosses the process boundary (child_process 'advanced' serialization keeps typed arrays). */
export interface WireTensor {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array | Int8Array | Uint16Array;
}

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

/** What a job process sends: ready once, then per request its output, artifacts, progress and one ending. */
export type JobMessage<Kind extends string = string> =
  | { readonly type: 'ready'; readonly pid: number }
  /** A line a job printed (CLI commands); the host writes it where the user sees it. */
  | { readonly type: 'output'; readonly id: number; readonly stream: 'out' | 'err'; readonly text: string }
  /** A file the job has just created: the host removes it if the process dies before the job ends. */
  | { readonly type: 'artifact'; readonly id: number; readonly path: string }
  | { readonly type: 'result'; readonly id: number; readonly kind: Kind; readonly result: unknown }
  | { readonly type: 'error'; readonly id: number; readonly error: JobFailure }
  | { readonly type: 'progress'; readonly id: number; readonly progress: ProgressInfo };

/** Cancels a job in flight (by its request id). Answered at once; the cancelled job rejects as cancelled. */
export interface CancelParams {
  readonly target: number;
}

/** Ends sessions a runtime process holds: one from `load`, or all when left out. */
export interface DisposeParams {
  readonly sessionId?: number;
}

/**
 * A CLI command run inside a job process (src/cli/commandProcess.ts), so the CLI's own process never loads
 * onnxruntime: the command's printed lines come back as 'output' messages, its exit code as the result.
 */
export interface CommandParams {
  readonly name: string;
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly columns?: number;
}

/**
 * One of the extension's engine jobs (optimize, compare, advise, sweep, graph, summary) run inside a job
 * process (src/extension/jobs/jobProcess.ts), typed by the extension's own JobKinds.
 */
export interface EngineJobParams {
  readonly kind: string;
  readonly params: unknown;
}
