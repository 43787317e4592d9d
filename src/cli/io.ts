/** Where CLI commands write: injectable so tests run commands in-process and read what they printed. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal (progress lines are shown only then). */
  readonly interactive: boolean;
}

export const processIO: CliIO = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  interactive: Boolean(process.stderr.isTTY),
};

/** A command: parses its own argv, returns the exit code. */
export type Command = (argv: string[], io: CliIO) => Promise<number>;

/** One CLI subcommand, as the registry (commands/index.ts) lists it. */
export interface CommandEntry {
  readonly summary: string;
  readonly usage: string;
  readonly run: Command;
}
