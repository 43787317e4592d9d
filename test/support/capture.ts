/** A terminal that records what the CLI printed, for running CLI commands in-process through main(). */
import type { TerminalIO } from '../../src/cli/io';
import type { ProgressMode } from '../../src/cli/progress';

export interface CapturedIO extends TerminalIO {
  readonly stdout: string[];
  readonly stderr: string[];
  /** What was written without a newline (the in-place progress line, in 'line' mode). */
  readonly rawText: string[];
}

/**
 * Progress is off unless asked for (a loaded machine would otherwise add progress lines to slow commands);
 * asked for, it shows from the first report on rather than after a second, so a test of it cannot race.
 */
export function captureIO(progress: ProgressMode = 'off'): CapturedIO {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const rawText: string[] = [];
  return {
    stdout,
    stderr,
    rawText,
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    raw: (t) => rawText.push(t),
    progress,
    progressAfterMs: 0,
  };
}
