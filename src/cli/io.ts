/** The two sides of the CLI's terminal: what a command writes to, and what the CLI host writes to. */
import { progressMode, type ProgressMode } from './progress';

/** What a command writes to and listens to (inside the command process; injectable for tests). */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** The terminal's width, when it has one: long names are shortened in the middle to fit. */
  readonly columns?: number;
  /**
   * The step the command is in, with a count when it has one (runs 3 of 20). Shown by the host as a line
   * updated in place on a terminal, as plain lines elsewhere, and only for commands that run over a second.
   */
  progress(step: string, done?: number, total?: number): void;
  /** Aborted on Ctrl-C or a cancel from the host: long work stops between runs and removes what it wrote. */
  readonly signal: AbortSignal;
}

/** The user's terminal, as the CLI host (main.ts) sees it. */
export interface TerminalIO {
  out(text: string): void;
  err(text: string): void;
  readonly columns?: number;
  /** How progress is shown: in place ('line'), as plain lines, or not at all. */
  readonly progress: ProgressMode;
  /** How long a command runs before its progress shows (default 1000 ms; tests use 0). */
  readonly progressAfterMs?: number;
  /** Writes to stderr with no newline added (for the in-place progress line). */
  raw(text: string): void;
}

export const processIO: TerminalIO = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  ...(process.stderr.columns ? { columns: process.stderr.columns } : {}),
  progress: progressMode(process.env['ONNX_TUNER_PROGRESS'], Boolean(process.stderr.isTTY)),
  raw: (t) => process.stderr.write(t),
};

/** The width text tables are fitted to when the output is not a terminal (a file, a pipe, a CI log). */
export const DEFAULT_WIDTH = 120;

/** A command: parses its own argv, returns the exit code. */
export type Command = (argv: string[], io: CliIO) => Promise<number>;

/** One CLI subcommand, as the registry (commands/index.ts) lists it. */
export interface CommandEntry {
  readonly summary: string;
  readonly usage: string;
  readonly run: Command;
}
