/**
 * The runtime process's job kinds and their payloads; the channel itself (envelope, messages, progress,
 * failures) is src/protocol/jobChannel.ts. To add a job kind, add it to `RuntimeJobs` and handle it in the
 * process that serves it: the exhaustive switches fail to compile until it does.
 */
import type {
  CancelParams,
  CommandParams,
  DisposeParams,
  EngineJobParams,
  JobEnvelope,
  JobMessage,
  WireTensor,
} from '../../protocol/jobChannel';
import type { ProfileRequest, ProfileResult } from '../profile/profileTypes';
import type { FeedSource } from './feedSource';
import type { RuntimeSettings } from './sessionOptions';

export type {
  CancelParams,
  CommandParams,
  DisposeParams,
  EngineJobParams,
  JobFailure,
  ProgressInfo,
  WireTensor,
} from '../../protocol/jobChannel';
export { assertNever } from '../../protocol/assertNever';

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
  [K in JobKind]: JobEnvelope<K, RuntimeJobs[K][0]>;
}[JobKind];

export type RequestOf<K extends JobKind> = Extract<RuntimeRequest, { kind: K }>;

export type RuntimeMessage = JobMessage<JobKind>;
