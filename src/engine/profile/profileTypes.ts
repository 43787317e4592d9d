/** What a profile job is asked to do (sent to the runtime process) and what it returns. */
import type { ProfileReport } from '../report/profileReport';
import type { FeedSource } from '../runtime/feedSource';
import type { RuntimeSettings } from '../runtime/sessionOptions';

export interface ProfileRequest {
  readonly model: string;
  /** Threads, EP, optimization level (default 'basic': profiled names are the file's node names), dims. */
  readonly settings: Omit<RuntimeSettings, 'profileFilePrefix' | 'optimizedModelFilePath'>;
  readonly feeds: FeedSource;
  readonly runs: number;
  readonly warmup: number;
  /** Also time a plain session (no profiler) for the overhead ratio. Default true. */
  readonly plain?: boolean;
  /**
   * An existing empty folder for the trace and the optimized model; the host creates and removes it, so no
   * file is left behind even when the runtime process is killed mid-job.
   */
  readonly workDir: string;
}

export type ProfileResult = ProfileReport;
