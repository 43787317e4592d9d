/**
 * Cancellation for engine jobs: every long loop (calibration, A/B timing, the optimize pipeline, sweeps)
 * checks an AbortSignal between runs, so a cancel stops the job within one run's time.
 */
export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  constructor(what = 'the job') {
    super(`${what} was cancelled`);
  }
}

/** Throws CancelledError when the signal has fired. */
export function throwIfCancelled(signal: AbortSignal | undefined, what?: string): void {
  if (signal?.aborted) throw new CancelledError(what);
}
