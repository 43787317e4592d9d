/**
 * Session options in one place, so every engine job (profile, compare, calibrate, sweep) creates ORT sessions
 * the same way. Keys with undefined values are left out: onnxruntime-node throws on `undefined` options.
 */
import type { InferenceSession } from 'onnxruntime-node';

export type ExecutionProvider = 'cpu' | 'cuda' | 'dml' | 'coreml' | 'webgpu';
export type OptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

export interface RuntimeSettings {
  readonly executionProvider?: ExecutionProvider;
  readonly intraOpThreads?: number;
  readonly interOpThreads?: number;
  readonly optimizationLevel?: OptimizationLevel;
  /** Values for symbolic dims (ORT "free dimension overrides"), e.g. { batch: 1, seq: 128 }. */
  readonly dims?: Readonly<Record<string, number>>;
  /**
   * Let intra-op threads spin after a run. Off by default: spinning threads steal the CPU from another
   * session timed alternately (an A/A comparison read 1.52× with spinning, 1.00× without, DESIGN.md).
   */
  readonly allowSpinning?: boolean;
  /** Turn on ORT's profiler, writing `<prefix>_<date>.json`; the prefix must be absolute. */
  readonly profileFilePrefix?: string;
  /** Save the model as ORT optimized it (to map profile names to nodes, or to compare node counts). */
  readonly optimizedModelFilePath?: string;
}

export function toSessionOptions(s: RuntimeSettings): InferenceSession.SessionOptions {
  const opts: InferenceSession.SessionOptions = {
    executionProviders: [s.executionProvider ?? 'cpu'],
    graphOptimizationLevel: s.optimizationLevel ?? 'all',
    // Errors only: ORT's warnings (e.g. unused initializers it drops) are noise in a report or the editor log.
    logSeverityLevel: 3,
    extra: {
      session: {
        intra_op: { allow_spinning: s.allowSpinning ? '1' : '0' },
        inter_op: { allow_spinning: s.allowSpinning ? '1' : '0' },
      },
    },
  };
  if (s.intraOpThreads !== undefined) opts.intraOpNumThreads = s.intraOpThreads;
  if (s.interOpThreads !== undefined) opts.interOpNumThreads = s.interOpThreads;
  if (s.dims && Object.keys(s.dims).length) opts.freeDimensionOverrides = { ...s.dims };
  if (s.profileFilePrefix !== undefined) {
    opts.enableProfiling = true;
    opts.profileFilePrefix = s.profileFilePrefix;
  }
  if (s.optimizedModelFilePath !== undefined) opts.optimizedModelFilePath = s.optimizedModelFilePath;
  return opts;
}
