/** A CliIO that records what a command printed, for running CLI commands in-process. */
import type { CliIO } from '../../src/cli/io';

export interface CapturedIO extends CliIO {
  readonly stdout: string[];
  readonly stderr: string[];
}

export function captureIO(): CapturedIO {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), interactive: false };
}
